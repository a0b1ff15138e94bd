import { Context } from '@temporalio/activity';

/** Well under the activities' heartbeat timeouts (the SDK throttles what it sends to 80 % of the timeout). */
const HEARTBEAT_EVERY_MS = 1_000;

/**
 * Heartbeats until the returned function is called, so a worker that dies
 * mid-call is noticed at the activity's heartbeat timeout (seconds) rather
 * than its start-to-close timeout, and the retry starts that much sooner.
 */
export function startHeartbeating(): () => void {
  const context = Context.current();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  return () => clearInterval(timer);
}
