/**
 * The worker as the crash harness runs it, one OS process per life: the real
 * createProbeWakeWorker with its configuration from the environment (loadConfig,
 * Temporal's env config), on a workflow bundle the harness built once, so a
 * restart takes about a second instead of re-bundling. PROBE_WAKE_FAILPOINTS
 * (read by the activities) points at the harness.
 */
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../src/config/config';
import { clusterTarget, createProbeWakeWorker, installRuntime } from '../../src/worker';

export const READY_LINE = 'chaos worker polling';

async function main(): Promise<void> {
  const codePath = process.env.CHAOS_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('CHAOS_WORKFLOW_BUNDLE must name the prebuilt workflow bundle');
  const target = clusterTarget(loadConfig());
  installRuntime();
  const connection = await NativeConnection.connect(target.connectionOptions);
  const worker = await createProbeWakeWorker({ connection, config: target.config, workflowBundle: { codePath } });
  const running = worker.run();
  process.stdout.write(`${JSON.stringify({ msg: READY_LINE, pid: process.pid })}\n`);
  await running;
  await connection.close();
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`chaos worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
