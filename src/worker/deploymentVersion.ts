import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import { rolloutDecision, type RolloutDecision, type VersionSeen } from '../domain/deploymentRollout';
import { logger } from '../runtime/logger';
import { grpcCode } from '../runtime/temporalErrors';

const PACKAGE_JSON = path.join(__dirname, '..', '..', 'package.json');

/** `{package version}-{first 12 hex of sha256(workflow bundle)}`: the same code gives the same build ID on every replica. */
export function derivedBuildId(bundleCode: string): string {
  const { version } = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string };
  return `${version}-${createHash('sha256').update(bundleCode).digest('hex').slice(0, 12)}`;
}

/** The workflow code a worker runs, read once to name its build. */
export function bundleCodeOf(bundle: NonNullable<WorkerOptions['workflowBundle']>): string {
  return 'code' in bundle ? bundle.code : readFileSync(bundle.codePath, 'utf8');
}

/** gRPC codes that retrying cannot fix: the server has no deployments, or we may not change them. */
const PERMANENT = new Set([3 /* INVALID_ARGUMENT */, 7 /* PERMISSION_DENIED */, 12 /* UNIMPLEMENTED */, 16 /* UNAUTHENTICATED */]);
const RETRY_EVERY_MS = 250;
const GIVE_UP_AFTER_MS = 120_000;

type Long = { toNumber(): number };
function ms(t: { seconds?: Long | number | string | null; nanos?: number | null } | null | undefined): number {
  if (!t) return 0;
  const s = t.seconds;
  const seconds = typeof s === 'object' && s !== null ? s.toNumber() : Number(s ?? 0);
  return seconds * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

export interface CurrentVersionOptions {
  connection: NativeConnection;
  namespace: string;
  version: WorkerDeploymentVersion;
  /** Ends the attempts (the worker is shutting down). */
  stopping: AbortSignal;
}

/**
 * Makes this worker's build the deployment's current version unless a newer build
 * already is (domain/deploymentRollout.ts). The version exists on the server only once
 * this worker's pollers have reached it, so this retries until then.
 */
export async function becomeCurrentVersion(options: CurrentVersionOptions): Promise<RolloutDecision> {
  const { connection, namespace, version, stopping } = options;
  const service = connection.workflowService;
  const deadline = Date.now() + GIVE_UP_AFTER_MS;
  let lastError: unknown;
  while (!stopping.aborted) {
    try {
      const { workerDeploymentInfo: info, conflictToken } = await service.describeWorkerDeployment({ namespace, deploymentName: version.deploymentName });
      const current = info?.routingConfig?.currentDeploymentVersion?.buildId || undefined;
      const seen: VersionSeen[] = (info?.versionSummaries ?? []).flatMap((v) => {
        const buildId = v.deploymentVersion?.buildId;
        return buildId ? [{ buildId, createdAtMs: ms(v.createTime) }] : [];
      });
      const decision = rolloutDecision(version.buildId, current, seen);
      if (decision === 'become_current') {
        await service.setWorkerDeploymentCurrentVersion({
          namespace,
          deploymentName: version.deploymentName,
          buildId: version.buildId,
          conflictToken,
          identity: `probe-wake worker ${process.pid}`,
        });
        logger.info({ deployment: version.deploymentName, buildId: version.buildId, previous: current ?? null }, 'this build is now the current version');
        return decision;
      }
      if (decision === 'already_current') return decision;
      if (decision === 'newer_is_current') {
        logger.warn(
          { deployment: version.deploymentName, buildId: version.buildId, current },
          'a newer build is current: this worker only finishes the investigations pinned to its build ' +
            '(to make it current anyway: temporal worker deployment set-current-version --deployment-name <deployment> --build-id <buildId>)',
        );
        return decision;
      }
      // not_registered: our pollers have not reached the server yet.
    } catch (err) {
      const code = grpcCode(err);
      if (code !== undefined && PERMANENT.has(code)) throw err;
      lastError = err; // NOT_FOUND before the first poll, a conflict with another worker, the server briefly away
    }
    if (Date.now() > deadline) {
      throw new Error(`could not make build ${version.buildId} current in deployment ${version.deploymentName}: ${(lastError as Error | undefined)?.message ?? 'its pollers never registered'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
  }
  return 'not_registered';
}
