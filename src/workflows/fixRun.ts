import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { FixRunRequest, FixRunResult } from '../api';

/**
 * How a workflow runs an approved fix (docs/fixes.md "Exactly once"). The runFix
 * activity sends the same idempotency key on every attempt, so retrying it is safe
 * against a runner that honours the key: a worker killed mid-run is noticed at the
 * heartbeat timeout and the fix is asked for again, under the same key, and the runner
 * answers "already done". A runner's own refusal (4xx, a non-zero exit) is a result,
 * never retried.
 */
export const RUN_FIX_ACTIVITY_OPTIONS = {
  // A runner's timeout is at most 900 s (MAX_RUNNER_TIMEOUT_SECONDS in domain/fixRunners.ts); room for the answer on top.
  startToCloseTimeout: '16 minutes',
  // The activity heartbeats every second while the runner works.
  heartbeatTimeout: '10s',
  // A receiver briefly down (5xx, 429, network) or a worker crash: a few tries over about two minutes, then the failure is reported.
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6 },
} satisfies ActivityOptions;

const { runFix } = proxyActivities<Pick<Activities, 'runFix'>>(RUN_FIX_ACTIVITY_OPTIONS);

/** Runs one approved fix; throws an ActivityFailure only when every attempt failed transiently. */
export function runApprovedFix(request: FixRunRequest): Promise<FixRunResult> {
  return runFix(request);
}
