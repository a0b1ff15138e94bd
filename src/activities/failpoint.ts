/**
 * A crash-test hook an activity calls at a named point, so the chaos harness
 * can SIGKILL the worker exactly there. The worker injects the real one
 * (runtime/failpoints.ts) when PROBE_WAKE_FAILPOINTS is set; otherwise it is
 * this no-op. Details carry IDs only, never secrets or message text.
 */
export type FailpointName = 'readAuditLog.read' | 'askModel.answered';
export type Failpoint = (point: FailpointName, details?: Record<string, unknown>) => Promise<void>;

export const noFailpoint: Failpoint = async () => undefined;
