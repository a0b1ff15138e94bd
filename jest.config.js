/** @type {import('jest').Config} */
const ts = { '^.+\\.ts$': 'ts-jest' };
const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform: ts,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...extra,
});

module.exports = {
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  // Temporal servers and workers per file: two files at a time on a 2-core machine.
  maxWorkers: 2,
  testTimeout: 120_000,
  projects: [
    project('unit'),
    project('workflows'),
    project('integration'),
    // Chromium (Web UI test) and tctl (stock CLI test) are set up only when e2e tests run.
    project('e2e', { globalSetup: '<rootDir>/test/support/e2eSetup.ts' }),
  ],
};
