// Three tiers: unit (fakes allowed), integration and e2e (real Postgres and Kafka).
// unit: `*.spec.ts` beside the logic it tests (and test/unit for the repository's own set-up);
// integration: test/integration/<service>, one service process; e2e: test/e2e, several services.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const base = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: __dirname,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json' }] },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  testEnvironment: 'node',
};

module.exports = {
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,scripts,test}/**/*.spec.ts'],
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.integration-spec.ts'],
      setupFiles: ['<rootDir>/test/support/guard-test-env.ts'],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/support/guard-test-env.ts'],
    },
    {
      // Broker loss in a three-broker cluster of the suite's own: `npm run test:cluster`.
      ...base,
      displayName: 'cluster',
      testMatch: ['<rootDir>/test/cluster/**/*.cluster-spec.ts'],
      setupFiles: ['<rootDir>/test/support/guard-test-env.ts'],
    },
  ],
};
