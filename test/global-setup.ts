/**
 * Tests create and drop databases: refuse to run against one whose name does not say
 * "test", so a DATABASE_URL pointing at real data can never be touched by `npm test`.
 */
export default function globalSetup(): void {
  const url = process.env.DATABASE_URL;
  if (!url) return;
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!/test/i.test(name)) {
    throw new Error(
      `refusing to run tests against database "${name}": its name must contain "test"`,
    );
  }
}
