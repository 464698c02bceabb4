// Three projects: `unit` needs no network; `integration` (with e2e) and `downstream` share one real
// Kafka broker and one real schema registry, started once by the global setup (see test/infra/global-setup.ts).
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] }
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] }

/** @type {import('jest').Config} */
module.exports = {
  // testTimeout is global in jest (projects ignore it): bounds integration tests that wait for Kafka.
  testTimeout: 120000,
  // Most test files wait (on Kafka, on a child process, on the simulator), not compute: four run
  // side by side even on two cores (the CPU was about two thirds busy with three), longest first (test/infra/sequencer.js). Each file has its own
  // topic prefix, simulator port and consumer groups, and tests that stop a broker start their own.
  maxWorkers: 4,
  testSequencer: '<rootDir>/test/infra/sequencer.js',
  reporters: ['default', '<rootDir>/test/infra/summary-reporter.js'],
  // `npm test` runs with --coverage: a one-block summary in the CI log, no threshold. Babel
  // instrumentation (of swc's output, cached with it) measured 2x faster here than V8's precise
  // counters, which slowed every test file (unit project: 10 s vs 35 s; 5 s without coverage).
  coverageProvider: 'babel',
  coverageReporters: ['text-summary'],
  coveragePathIgnorePatterns: ['/node_modules/', '/test/'],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/no-io.ts'],
    },
    // Starts and stops its own JVMs in temporary checkouts (src/infra); needs no shared broker.
    { ...common, displayName: 'system', testMatch: ['<rootDir>/test/system/**/*.test.ts'] },
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
