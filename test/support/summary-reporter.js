// Prints one plain line, "tests: N passed, N failed", that any CI log reader can parse.
// With AYLLU_TEST_SUMMARY set, also appends the counts to that file so that .ci/run can
// close with the total over its runs.
const { appendFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const passed = results.numPassedTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stderr.write(
      `\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
    );
    if (process.env.AYLLU_TEST_SUMMARY) {
      appendFileSync(process.env.AYLLU_TEST_SUMMARY, `${passed} ${failed} ${skipped}\n`);
    }
  }
}

module.exports = SummaryReporter;
