import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, Runtime, Worker, type NativeConnectionOptions, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityOptions } from './activities';
import { probeWakeDataConverter } from './codec/dataConverter';
import { ConfigError, describeConfig, loadConfig, type AppConfig } from './config/config';
import { logger, PinoTemporalLogger } from './runtime/logger';
import { ensureTailWorkflow } from './runtime/tailWorkflow';

export interface ProbeWakeWorkerOptions {
  connection: NativeConnection;
  config: AppConfig;
  /** Prebuilt bundle (production) or a test suite's shared bundle; else workflows are bundled from source. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  activityOptions?: ActivityOptions;
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
}

/** One place that wires workflows, activities and the task queue together. */
export async function createProbeWakeWorker(options: ProbeWakeWorkerOptions): Promise<Worker> {
  const { config } = options;
  return Worker.create({
    connection: options.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // Same converter as every client: with PROBE_WAKE_CODEC_KEYS set, history holds ciphertext.
    dataConverter: probeWakeDataConverter(config.codecKeys),
    activities: createActivities(config, options.activityOptions),
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('./workflows') }),
    shutdownGraceTime: options.shutdownGraceTime ?? '20s',
  });
}

let runtimeInstalled = false;
/** Sends the SDK's own logs through our structured logger. Once per process. */
export function installRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new PinoTemporalLogger() });
  runtimeInstalled = true;
}

/** Where to run: the connection and the config as they apply to that cluster. */
export interface TemporalTarget {
  config: AppConfig;
  connectionOptions: NativeConnectionOptions;
}

/** An existing cluster through Temporal's env config (address, namespace, TLS, API key). */
export function clusterTarget(config: AppConfig): TemporalTarget {
  const { connectionOptions, namespace } = loadClientConnectConfig();
  return { config: { ...config, temporal: { ...config.temporal, namespace: namespace ?? config.temporal.namespace } }, connectionOptions };
}

export type TailRef = Awaited<ReturnType<typeof ensureTailWorkflow>>;

export interface ServeHooks {
  /** The worker exists: from here on the SDK's own SIGINT/SIGTERM handling drains it. */
  onWorkerCreated?: () => void;
  /** The worker polls and the tail workflow runs with this process's settings. */
  onReady: (tail: TailRef) => void;
}

/**
 * Both entries' shared run: connect, run the worker, make sure the tail runs
 * (started if absent, else handed these settings), and resolve once the
 * worker has drained. If the tail cannot be ensured the worker is shut down
 * and the error rethrown.
 */
export async function serveProbeWake(target: TemporalTarget, hooks: ServeHooks): Promise<void> {
  const connection = await NativeConnection.connect(target.connectionOptions);
  try {
    const worker = await createProbeWakeWorker({ connection, config: target.config });
    hooks.onWorkerCreated?.();
    const running = worker.run();
    try {
      const clientConnection = await Connection.connect(target.connectionOptions);
      try {
        const client = new Client({
          connection: clientConnection,
          namespace: target.config.temporal.namespace,
          dataConverter: probeWakeDataConverter(target.config.codecKeys),
        });
        hooks.onReady(await ensureTailWorkflow(client, target.config));
      } finally {
        await clientConnection.close();
      }
    } catch (err) {
      worker.shutdown();
      throw err;
    } finally {
      await running;
    }
  } finally {
    await connection.close();
  }
}

/** Production entry: an existing cluster only, never a dev server; runs until SIGTERM. */
async function runProductionWorker(): Promise<void> {
  const config = loadConfig();
  installRuntime();
  const target = clusterTarget(config);
  await serveProbeWake(target, {
    onReady: (tail) => logger.info({ config: describeConfig(target.config), tail }, 'worker started'),
  });
}

if (require.main === module) {
  runProductionWorker().catch((err) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`probe-wake: ${err.message}\n`);
      process.exit(2);
    }
    logger.fatal({ err }, 'worker failed');
    process.exit(1);
  });
}
