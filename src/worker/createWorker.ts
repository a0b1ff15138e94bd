import { existsSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityOptions } from '../activities';
import { probeWakeDataConverter } from '../codec/dataConverter';
import type { AppConfig } from '../config/config';
import { failpointFromEnv } from '../runtime/failpoints';
import { logger } from '../runtime/logger';
import type { RolloutDecision } from '../domain/deploymentRollout';
import { becomeCurrentVersion, bundleCodeOf, derivedBuildId } from './deploymentVersion';

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
  /** Told what the worker decided about the current version once it has (tests, logs). */
  onCurrentVersion?: (decision: RolloutDecision) => void;
}

/**
 * One place that wires workflows, activities and the task queue together. The worker
 * joins its Worker Deployment (docs/operations.md "Deploying new code") and, once it
 * runs, makes its build current unless a newer one is (PROBE_WAKE_SET_CURRENT_VERSION).
 */
export async function createProbeWakeWorker(options: ProbeWakeWorkerOptions): Promise<Worker> {
  const { config } = options;
  const stopping = new AbortController();
  const bundle = await workflowBundleOf(options.workflowBundle);
  const version = {
    deploymentName: config.versioning.deploymentName,
    buildId: config.versioning.buildId ?? derivedBuildId(bundleCodeOf(bundle)),
  };
  const worker = await Worker.create({
    connection: options.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // Same converter as every client: with PROBE_WAKE_CODEC_KEYS set, history holds ciphertext.
    dataConverter: probeWakeDataConverter(config.codecKeys),
    activities: createActivities(config, { stopping: stopping.signal, failpoint: failpointFromEnv(), ...options.activityOptions }),
    workflowBundle: bundle,
    // Each workflow type declares PINNED or AUTO_UPGRADE (src/workflows/versioning.ts); a type that
    // forgot would be pinned, the safe default for code that is not known to replay across builds.
    workerDeploymentOptions: { version, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' },
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
  if (config.versioning.setCurrentVersion) {
    // run() (runUntil goes through it too) starts polling; the version exists once the pollers reach the server.
    const run = worker.run.bind(worker);
    worker.run = async () => {
      let failed: unknown;
      const running = run();
      becomeCurrentVersion({ connection: options.connection, namespace: config.temporal.namespace, version, stopping: stopping.signal }).then(options.onCurrentVersion, (err) => {
        failed = err;
        logger.error({ err, deployment: version.deploymentName, buildId: version.buildId }, 'could not set the current version: stopping the worker');
        if (worker.getState() === 'RUNNING') worker.shutdown();
      });
      await running;
      if (failed) throw failed;
    };
  }
  return worker;
}

/** The bundle to run and name the build by: bundled here when only sources are at hand (tests). */
async function workflowBundleOf(explicit?: WorkerOptions['workflowBundle']): Promise<NonNullable<WorkerOptions['workflowBundle']>> {
  const source = workflowSource(explicit);
  if (source.workflowBundle) return source.workflowBundle;
  return bundleWorkflowCode({ workflowsPath: source.workflowsPath! });
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
