/**
 * The askModel activity's timeouts, derived from one per-turn budget
 * (PROBE_INVESTIGATION_TURN_TIMEOUT_SECONDS). The activity streams the answer and
 * stops itself at the budget; the start-to-close timeout leaves it a few seconds
 * to report that. Pure: the workflow proxies askModel with these values.
 */
export const DEFAULT_TURN_TIMEOUT_SECONDS = 180;
/** Between the activity giving up on a turn and Temporal's start-to-close timeout. */
export const TURN_REPORT_GRACE_SECONDS = 5;
/** Attempts per turn and the backoff between them (2 s, 4 s, 8 s). */
export const ASK_MODEL_ATTEMPTS = 4;
const BACKOFF_SECONDS = [2, 4, 8];

export interface AskModelTimeouts {
  startToCloseSeconds: number;
  /** The activity heartbeats every second while it waits, and on every chunk of the stream. */
  heartbeatSeconds: number;
  /** Every attempt at its full budget plus the backoff between them. */
  scheduleToCloseSeconds: number;
}

export function askModelTimeouts(turnTimeoutSeconds: number = DEFAULT_TURN_TIMEOUT_SECONDS): AskModelTimeouts {
  const startToCloseSeconds = turnTimeoutSeconds + TURN_REPORT_GRACE_SECONDS;
  return {
    startToCloseSeconds,
    // A dead worker is noticed within seconds however long the turn may take.
    heartbeatSeconds: Math.min(10, Math.max(5, Math.round(turnTimeoutSeconds / 12))),
    scheduleToCloseSeconds: ASK_MODEL_ATTEMPTS * startToCloseSeconds + BACKOFF_SECONDS.reduce((a, b) => a + b, 0),
  };
}

/** What the activity allows one turn, from the start-to-close timeout it was given. */
export function turnBudgetMs(startToCloseTimeoutMs: number | undefined): number {
  const fallback = DEFAULT_TURN_TIMEOUT_SECONDS * 1000;
  if (!startToCloseTimeoutMs) return fallback;
  return Math.max(1000, startToCloseTimeoutMs - TURN_REPORT_GRACE_SECONDS * 1000);
}
