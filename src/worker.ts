import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityOptions } from './activities';
import { ConfigError, describeConfig, loadConfig, type AppConfig } from './config/config';
import { logger, PinoTemporalLogger } from './runtime/logger';
import { runWorkerWithTail } from './runtime/runWorker';

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

/** Production entry: connect to an existing cluster through Temporal's env config and run until SIGTERM. */
async function runProductionWorker(): Promise<void> {
  const config = loadConfig();
  installRuntime();
  const { connectionOptions, namespace } = loadClientConnectConfig();
  const connection = await NativeConnection.connect(connectionOptions);
  const effective: AppConfig = { ...config, temporal: { ...config.temporal, namespace: namespace ?? config.temporal.namespace } };
  try {
    const worker = await createProbeWakeWorker({ connection, config: effective });
    await runWorkerWithTail(worker, connectionOptions, effective, (tail) =>
      logger.info({ config: describeConfig(effective), tail }, 'worker started'),
    );
  } finally {
    await connection.close();
  }
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
