import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityOptions } from '../activities';
import { probeWakeDataConverter } from '../codec/dataConverter';
import type { AppConfig } from '../config/config';
import { failpointFromEnv } from '../runtime/failpoints';

const MAX_CACHED_WORKFLOWS = 250;

/** Written by `npm run build` (scripts/bundle-workflows.mjs) at lib/workflow-bundle.js, beside lib/worker/. */
export const PREBUILT_BUNDLE = path.join(__dirname, '..', 'workflow-bundle.js');

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
  return { workflowsPath: require.resolve('../workflows') };
}
