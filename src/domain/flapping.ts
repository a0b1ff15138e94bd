/**
 * Flapping: a (probe, category) pair that keeps opening windows. Once it has
 * opened `windows` windows within `periodSeconds`, it is flapping, and each
 * window it opens while flapping is twice as long as the one before (the
 * first flapping window twice the debounce window), capped at
 * `maxWindowSeconds`. It stops flapping after a full quiet period: no window
 * open, and none opened, for `periodSeconds` after its last window ended.
 *
 * Quiet counts from the end of the last window, not its opening: a doubled
 * window can be longer than the period, and a pair that woke all through it
 * has not been quiet.
 */

export interface FlapPolicy {
  /** Windows within the period that make a pair flapping; 0 turns flap detection off. */
  windows: number;
  periodSeconds: number;
  /** The longest a flapping pair's window grows. */
  maxWindowSeconds: number;
}

export interface FlapEpisode {
  /** When the first of the windows that made it flapping opened. */
  startedAtMs: number;
  /** Windows opened in the episode so far (the ones that made it flapping included). */
  windows: number;
  /** How many times the debounce window is doubled for the pair's latest window. */
  doublings: number;
}

export interface FlapRecord {
  /** Openings within the last period (oldest first), while not flapping. */
  openedAtMs: number[];
  /** When the pair's last window ended (expired or closed); absent while one is open. */
  lastEndedAtMs?: number;
  episode?: FlapEpisode;
}

/** Keyed like the window table (`probe:category`); plain data across continue-as-new. */
export type FlapTable = Record<string, FlapRecord>;

/** What the investigation is told about a flapping pair (WindowFacts.flapping). */
export interface FlappingFacts {
  windows: number;
  periodSeconds: number;
}

/** Doubling beyond this is past any cap anyway; it keeps 2^n finite. */
const MAX_DOUBLINGS = 30;

export interface WindowLength {
  table: FlapTable;
  seconds: number;
  flapping?: FlappingFacts;
}

/**
 * A window opens for `pair` at `nowMs`: records the opening and answers how
 * long the window runs (the debounce window, or longer while flapping).
 */
export function openWindow(table: FlapTable, pair: string, nowMs: number, baseSeconds: number, policy: FlapPolicy): WindowLength {
  if (policy.windows === 0) return { table, seconds: baseSeconds };
  const periodMs = policy.periodSeconds * 1000;
  const before = quietReset(table[pair], nowMs, periodMs);
  let record: FlapRecord;
  if (before.episode) {
    const episode = { ...before.episode, windows: before.episode.windows + 1, doublings: Math.min(MAX_DOUBLINGS, before.episode.doublings + 1) };
    record = { openedAtMs: [], episode };
  } else {
    const openedAtMs = [...before.openedAtMs.filter((at) => at > nowMs - periodMs), nowMs];
    record =
      openedAtMs.length >= policy.windows
        ? { openedAtMs: [], episode: { startedAtMs: openedAtMs[0]!, windows: openedAtMs.length, doublings: 1 } }
        : { openedAtMs };
  }
  const next = { ...table, [pair]: record };
  if (!record.episode) return { table: next, seconds: baseSeconds };
  const grown = baseSeconds * 2 ** record.episode.doublings;
  const seconds = Math.max(baseSeconds, Math.min(policy.maxWindowSeconds, grown));
  return { table: next, seconds, flapping: describe(record.episode, nowMs) };
}

/** The pair's window ended (expired, recovered, reset): quiet starts counting from here. */
export function windowEnded(table: FlapTable, pair: string, atMs: number): FlapTable {
  const record = table[pair];
  if (!record) return table;
  return { ...table, [pair]: { ...record, lastEndedAtMs: atMs } };
}

/** Drops records with nothing left to remember: no window open and a full quiet period behind them. */
export function pruneQuiet(table: FlapTable, nowMs: number, policy: FlapPolicy): FlapTable {
  const periodMs = policy.periodSeconds * 1000;
  return Object.fromEntries(
    Object.entries(table).filter(([, record]) => record.lastEndedAtMs === undefined || nowMs - record.lastEndedAtMs < periodMs),
  );
}

/** Whether the pair is flapping now, and how (for getState). */
export function flappingNow(record: FlapRecord | undefined, nowMs: number, policy: FlapPolicy): FlappingFacts | undefined {
  const live = quietReset(record, nowMs, policy.periodSeconds * 1000);
  return live.episode ? describe(live.episode, nowMs) : undefined;
}

function quietReset(record: FlapRecord | undefined, nowMs: number, periodMs: number): FlapRecord {
  if (!record) return { openedAtMs: [] };
  const quiet = record.lastEndedAtMs !== undefined && nowMs - record.lastEndedAtMs >= periodMs;
  return quiet ? { openedAtMs: [] } : record;
}

function describe(episode: FlapEpisode, nowMs: number): FlappingFacts {
  return { windows: episode.windows, periodSeconds: Math.round((nowMs - episode.startedAtMs) / 1000) };
}
