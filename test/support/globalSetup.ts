import { resolveTool, TEMPORAL_CLI, TEMPORAL_TEST_SERVER } from '../../src/runtime/temporalTools';

/** Fetches the Temporal binaries once, before any test file starts a server. */
export default async function globalSetup(): Promise<void> {
  process.env.TEMPORAL_CLI_PATH = resolveTool(TEMPORAL_CLI);
  process.env.TEMPORAL_TEST_SERVER_PATH = resolveTool(TEMPORAL_TEST_SERVER);
}
