// Three projects: `unit` needs no network; `integration` (with e2e) and `downstream` share one real
// Kafka broker and one real schema registry, started once by the global setup (see test/infra/global-setup.ts).
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] }
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] }

/** @type {import('jest').Config} */
module.exports = {
  // testTimeout is global in jest (projects ignore it): bounds integration tests that wait for Kafka.
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/test/infra/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/infra/global-setup.ts',
      globalTeardown: '<rootDir>/test/infra/global-teardown.ts',
    },
    {
      // Real downstream readers (Confluent's Python client, Flink SQL, PostgreSQL); alone: npm run test:downstream
      ...common,
      displayName: 'downstream',
      testMatch: ['<rootDir>/test/downstream/**/*.test.ts'],
      globalSetup: '<rootDir>/test/infra/global-setup.ts',
      globalTeardown: '<rootDir>/test/infra/global-teardown.ts',
    },
  ],
}
