import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, Worker, type NativeConnectionOptions, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityOptions } from './activities';
import { probeWakeDataConverter } from './codec/dataConverter';
import { ConfigError, describeConfig, loadConfig, type AppConfig } from './config/config';
import { ClusterChangedError, clusterIdentity, identityChange, watchClusterIdentity, type ClusterIdentity } from './runtime/clusterIdentity';
import { failpointFromEnv } from './runtime/failpoints';
import { logger } from './runtime/logger';
import { NamespaceNotReady, requireSearchAttributes } from './runtime/searchAttributes';
import { ensureTailWorkflow } from './client/startTail';
import { installRuntime } from './runtime/sdkRuntime';

export { installRuntime };

const MAX_CACHED_WORKFLOWS = 250;

/** Written by `npm run build` (scripts/bundle-workflows.mjs) next to the compiled worker. */
export const PREBUILT_BUNDLE = path.join(__dirname, 'workflow-bundle.js');

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
  const stopping = new AbortController();
  const worker = await Worker.create({
    connection: options.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // Same converter as every client: with PROBE_WAKE_CODEC_KEYS set, history holds ciphertext.
    dataConverter: probeWakeDataConverter(config.codecKeys),
    activities: createActivities(config, { stopping: stopping.signal, failpoint: failpointFromEnv(), ...options.activityOptions }),
    ...workflowSource(options.workflowBundle),
    // On SIGTERM the SDK stops polling and lets running activities finish for this long before cancelling them.
    shutdownGraceTime: options.shutdownGraceTime ?? config.worker.shutdownGraceSeconds * 1000,
    // A worker that dies holds its cached workflows' next tasks this long before another worker may take
    // them (SDK default 10 s). Short, since replaying these small histories elsewhere is cheap.
    stickyQueueScheduleToStartTimeout: '3s',
    // The SDK sizes its cache from V8's heap limit, which WORKER_NODE_FLAGS caps (about 100 at 384 MiB).
    // Set here instead: a storm over many pairs runs that many investigations at once, and each is small.
    maxCachedWorkflows: MAX_CACHED_WORKFLOWS,
  });
  // A read waiting for the audit log to grow holds nothing worth draining: end it as shutdown starts
  // (signal, runUntil or a direct call all go through shutdown()), not when the grace time runs out.
  const shutdown = worker.shutdown.bind(worker);
  worker.shutdown = () => {
    stopping.abort();
    shutdown();
  };
  return worker;
}

/**
 * Compiled code (lib/) always runs the bundle `npm run build` made, so a
 * production start does no webpack work and runs exactly the code that was
 * built; from sources (tests via ts-jest) the workflows are bundled on the fly.
 */
export function workflowSource(explicit?: WorkerOptions['workflowBundle']): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (explicit) return { workflowBundle: explicit };
  if (existsSync(PREBUILT_BUNDLE)) return { workflowBundle: { codePath: PREBUILT_BUNDLE } };
  return { workflowsPath: require.resolve('./workflows') };
}

/** Where to run: the connection and the config as they apply to that cluster. */
export interface TemporalTarget {
  config: AppConfig;
  connectionOptions: NativeConnectionOptions;
}

/**
 * An existing cluster through Temporal's env config: TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY (turns TLS on), TEMPORAL_TLS_* (client
 * cert/key for mTLS, server CA, server name), or a TEMPORAL_PROFILE of the
 * TOML config file. Its namespace wins over our default.
 */
export function clusterTarget(config: AppConfig, env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  const { connectionOptions, namespace } = loadClientConnectConfig({ overrideEnvVars: definedOnly(env) });
  if (!connectionOptions.address) {
    throw new ConfigError(['TEMPORAL_ADDRESS: not set (lib/worker.js joins an existing cluster; `npm start` runs a local dev server)']);
  }
  return { config: { ...config, temporal: { ...config.temporal, namespace: namespace ?? config.temporal.namespace } }, connectionOptions };
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export type TailRef = Awaited<ReturnType<typeof ensureTailWorkflow>>;

export interface ServeHooks {
  /** The worker exists: from here on the SDK's own SIGINT/SIGTERM handling drains it. */
  onWorkerCreated?: () => void;
  /** The worker polls and the tail workflow runs with this process's settings. */
  onReady: (tail: TailRef, cluster: ClusterIdentity | undefined) => void;
}

/**
 * Both entries' shared run: connect, refuse a namespace without our search attributes, run the
 * worker, make sure the tail runs (started if absent, else handed these settings), and resolve once
 * the worker has drained. If the tail cannot be ensured the worker is shut down and the error
 * rethrown. The cluster's identity is recorded at start and watched: should another cluster answer
 * on the address (a server replaced during a restart), the worker shuts down and this rejects with
 * a ClusterChangedError instead of working on the wrong cluster.
 */
export async function serveProbeWake(target: TemporalTarget, hooks: ServeHooks): Promise<void> {
  const { namespace } = target.config.temporal;
  const address = target.connectionOptions.address ?? '?';
  const clientConnection = await Connection.connect(target.connectionOptions);
  try {
    const identity = await clusterIdentity(clientConnection);
    await requireSearchAttributes(clientConnection, namespace, address);
    const connection = await NativeConnection.connect(target.connectionOptions);
    try {
      const worker = await createProbeWakeWorker({ connection, config: target.config });
      hooks.onWorkerCreated?.();
      let changed: ClusterChangedError | undefined;
      const stopWatching = identity
        ? watchClusterIdentity(clientConnection, address, identity, (err) => {
            changed = err;
            logger.error({ expected: identity, address }, err.message);
            // Already stopping (a signal came first) is fine: the error is reported all the same.
            if (worker.getState() === 'RUNNING') worker.shutdown();
          })
        : () => undefined;
      const running = worker.run();
      try {
        const client = new Client({ connection: clientConnection, namespace, dataConverter: probeWakeDataConverter(target.config.codecKeys) });
        hooks.onReady(await ensureTailWorkflow(client, target.config), identity);
      } catch (err) {
        worker.shutdown();
        throw err;
      } finally {
        try {
          await running;
        } catch (err) {
          // The worker may fail (its namespace unknown there) before the watch notices another cluster: say which.
          changed ??= identity && identityChange(address, identity, await clusterIdentity(clientConnection));
          if (!changed) throw err;
        } finally {
          stopWatching();
        }
      }
      if (changed) throw changed;
    } finally {
      await connection.close();
    }
  } finally {
    await clientConnection.close();
  }
}

/** Production entry: an existing cluster only, never a dev server; runs until SIGTERM. */
async function runProductionWorker(): Promise<void> {
  const config = loadConfig();
  const target = clusterTarget(config);
  installRuntime(config.worker);
  await serveProbeWake(target, {
    onReady: (tail, cluster) => logger.info({ config: describeConfig(target.config), tail, cluster }, 'worker started'),
  });
  logger.info('worker stopped');
}

if (require.main === module) {
  runProductionWorker().catch((err) => {
    if (err instanceof ConfigError || err instanceof NamespaceNotReady) {
      process.stderr.write(`probe-wake: ${err.message}\n`);
      process.exit(2);
    }
    if (err instanceof ClusterChangedError) {
      process.stderr.write(`probe-wake: ${err.message}\n`);
      process.exit(1);
    }
    logger.fatal({ err }, 'worker failed');
    process.exit(1);
  });
}
