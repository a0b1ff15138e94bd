/**
 * Recovery: a probe's open windows close early when it is healthy again.
 * Two ways:
 * - `probe.result` rows: `confirmations` consecutive `healthy` results of the
 *   probe read after its window opened close every window of the probe. A
 *   `degraded` / `unhealthy` result, or any new wake of the probe, breaks the
 *   streak (so one lucky check does not close a real incident).
 * - a `probe.recovered` row: closes that pair's window at once, or every
 *   window of the probe when the row names no category.
 */

export type ResultStatus = 'healthy' | 'degraded' | 'unhealthy';

/**
 * Health rows of one probe, run-length folded: consecutive rows of the same
 * kind (and status / category) with no kept wake of that probe between them.
 * `beforeWake` places the run in file order: it came after that many of the
 * read's (kept) wakes and before the next.
 */
export type HealthRun =
  | { kind: 'result'; probe: string; status: ResultStatus; count: number; beforeWake: number }
  | { kind: 'recovered'; probe: string; category?: string; count: number; beforeWake: number };

/** What recovery needs of a window. */
export interface StreakWindow {
  probe: string;
  category: string;
  /** Consecutive healthy results of the probe since the window opened, or since the streak last broke. */
  healthyStreak: number;
}

export type ClosedBy = 'results' | 'event';

export interface HealthOutcome<W extends StreakWindow> {
  table: Record<string, W>;
  /** Keys of the windows this run closes, and how. */
  closed: Array<{ key: string; by: ClosedBy }>;
}

/** Applies one run to the probe's open windows: streaks move, and windows whose probe recovered close. */
export function applyHealth<W extends StreakWindow>(table: Record<string, W>, run: HealthRun, confirmations: number): HealthOutcome<W> {
  const keys = Object.keys(table).filter((key) => table[key]!.probe === run.probe);
  if (keys.length === 0) return { table, closed: [] };
  if (run.kind === 'recovered') {
    const closing = keys.filter((key) => run.category === undefined || table[key]!.category === run.category);
    return { table, closed: closing.map((key) => ({ key, by: 'event' as const })) };
  }
  const next = { ...table };
  const closed: HealthOutcome<W>['closed'] = [];
  for (const key of keys) {
    const window = table[key]!;
    const healthyStreak = run.status === 'healthy' ? window.healthyStreak + run.count : 0;
    next[key] = { ...window, healthyStreak };
    if (healthyStreak >= confirmations) closed.push({ key, by: 'results' });
  }
  return { table: next, closed };
}

/** A wake of the probe (opening, debounced or folded): every streak of the probe starts again. */
export function breakStreak<W extends StreakWindow>(table: Record<string, W>, probe: string): Record<string, W> {
  let next = table;
  for (const [key, window] of Object.entries(table)) {
    if (window.probe !== probe || window.healthyStreak === 0) continue;
    if (next === table) next = { ...table };
    next[key] = { ...window, healthyStreak: 0 };
  }
  return next;
}
