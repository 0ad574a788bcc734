// Browser tests: the console clicked through in Debian's Chromium (`npm run test:browser`).
const base = require('./jest.config.js');

module.exports = {
  ...base,
  maxWorkers: 1,
  testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
  testTimeout: 180000,
};
