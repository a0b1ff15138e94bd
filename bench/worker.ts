/**
 * The bench's worker process: exactly lib/worker.js's production path (env
 * config, createProbeWakeWorker, the tail ensured at start), except that it
 * runs a workflow bundle built beforehand (BENCH_WORKFLOW_BUNDLE) instead of
 * bundling with webpack at start-up, as DESIGN asks of production. Bundling
 * in-process leaves ~100 MB of RSS behind, which would hide the pipeline's own.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const lib = <T>(file: string): T => require(path.join(ROOT, 'lib', file)) as T;
const { clusterTarget, createProbeWakeWorker, installRuntime } = lib<typeof import('../src/worker')>('worker.js');
const { loadConfig } = lib<typeof import('../src/config/config')>('config/config.js');
const { ensureTailWorkflow } = lib<typeof import('../src/runtime/tailWorkflow')>('runtime/tailWorkflow.js');
const { logger } = lib<typeof import('../src/runtime/logger')>('runtime/logger.js');

async function run(): Promise<void> {
  const codePath = process.env.BENCH_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('BENCH_WORKFLOW_BUNDLE is not set');
  const config = loadConfig();
  installRuntime();
  const target = clusterTarget(config);
  const connection = await NativeConnection.connect(target.connectionOptions);
  const worker = await createProbeWakeWorker({ connection, config: target.config, workflowBundle: { codePath } });
  const running = worker.run();
  const clientConnection = await Connection.connect(target.connectionOptions);
  const tail = await ensureTailWorkflow(new Client({ connection: clientConnection, namespace: target.config.temporal.namespace }), target.config);
  await clientConnection.close();
  logger.info({ tail }, 'worker started');
  await running;
  await connection.close();
}

run().catch((err) => {
  process.stderr.write(`bench worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
