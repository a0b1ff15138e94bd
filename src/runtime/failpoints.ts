import { Context } from '@temporalio/activity';
import type { Failpoint, FailpointName } from '../activities/failpoint';

/**
 * Crash-test hooks for the chaos harness (test/chaos), so it can SIGKILL a
 * worker at an exact point inside an activity. Off unless
 * PROBE_WAKE_FAILPOINTS names a loopback URL, read when the worker is created,
 * which injects the hook into its activities; off, the activities get a no-op.
 *
 * On, each named point POSTs `{point, pid, workflowId, runId, activityId,
 * attempt, details}` there and obeys the answer:
 * - `continue`: carry on;
 * - `hold`: never return (the harness kills this process while the activity is in flight);
 * - `freeze`: return, then block this process's JavaScript thread, so the
 *   activity's completion still reaches Temporal but the worker cannot act on
 *   what follows (the harness kills it in that state).
 * Details carry IDs only, never secrets or message text.
 *
 * Only activities call this: workflow code has no failpoints, it stays deterministic.
 */
export type { FailpointName };
export type FailpointAction = 'continue' | 'hold' | 'freeze';

export const FAILPOINTS_ENV = 'PROBE_WAKE_FAILPOINTS';

/** Long enough for any harness to kill us; bounded so a lost harness cannot wedge a worker for ever. */
const FREEZE_MS = 60_000;
const ANSWER_TIMEOUT_MS = 10_000;

export function parseFailpointEndpoint(value: string | undefined): URL | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`${FAILPOINTS_ENV}=${JSON.stringify(value)}: must be an http:// URL on 127.0.0.1 or localhost`);
  }
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new Error(`${FAILPOINTS_ENV}=${JSON.stringify(value)}: must be an http:// URL on 127.0.0.1 or localhost`);
  }
  return url;
}

/** The hook PROBE_WAKE_FAILPOINTS asks for (a bad value stops start-up), or none. */
export function failpointFromEnv(env: NodeJS.ProcessEnv = process.env): Failpoint | undefined {
  const endpoint = parseFailpointEndpoint(env[FAILPOINTS_ENV]);
  return endpoint ? createFailpoint(endpoint) : undefined;
}

/** The hook that asks the harness at `endpoint` what to do at each point. */
export function createFailpoint(endpoint: URL): Failpoint {
  return (point, details = {}) => hit(endpoint, point, details);
}

async function hit(endpoint: URL, point: FailpointName, details: Record<string, unknown>): Promise<void> {
  const { info } = Context.current();
  const action = await ask(endpoint, {
    point,
    pid: process.pid,
    workflowId: info.workflowExecution?.workflowId,
    runId: info.workflowExecution?.runId,
    activityId: info.activityId,
    attempt: info.attempt,
    details,
  });
  if (action === 'hold') await new Promise<never>(() => undefined);
  if (action === 'freeze') {
    // After the microtasks that hand this activity's result to the SDK core, before any later task.
    setImmediate(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, FREEZE_MS));
  }
}

async function ask(url: URL, hit: Record<string, unknown>): Promise<FailpointAction> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(hit),
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    });
    const { action } = (await response.json()) as { action?: unknown };
    return action === 'hold' || action === 'freeze' ? action : 'continue';
  } catch {
    return 'continue'; // a harness that does not answer must not change what the worker does
  }
}
