/** @type {import('jest').Config} */
const ts = { '^.+\\.ts$': 'ts-jest' };
const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform: ts,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...extra,
});

// The cluster project builds a Temporal server with Go and runs PostgreSQL (README "Tests"):
// PROBE_WAKE_SKIP_CLUSTER=1 leaves it out of a quick local run. CI always runs it.
const skipCluster = process.env.PROBE_WAKE_SKIP_CLUSTER === '1';
if (skipCluster && process.env.CI) {
  throw new Error('PROBE_WAKE_SKIP_CLUSTER=1 is for local runs only: CI must run the cluster project');
}

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
    // A PostgreSQL-backed Temporal server of the pinned version, set up only when cluster tests run.
    ...(skipCluster
      ? []
      : [project('cluster', { globalSetup: '<rootDir>/test/support/clusterSetup.ts', globalTeardown: '<rootDir>/test/support/clusterTeardown.ts' })]),
  ],
};
