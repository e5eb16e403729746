/**
 * Runs before every file of the integration (test/integration/<service>) and e2e (test/e2e) jest
 * projects: points the tests at the test databases and the test broker, and refuses to run
 * against a database whose name lacks "test".
 */
process.env.NODE_ENV = 'test';
process.env.DATABASE_NAME_SUFFIX ??= '_test';
process.env.KAFKA_BROKERS ??= 'localhost:19092';
process.env.LOG_LEVEL ??= 'warn';
if (!/test/.test(process.env.DATABASE_NAME_SUFFIX)) {
  throw new Error(
    `Refusing to run tests against non-test databases (DATABASE_NAME_SUFFIX=${process.env.DATABASE_NAME_SUFFIX})`,
  );
}
jest.setTimeout(180_000);
