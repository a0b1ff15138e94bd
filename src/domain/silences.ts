import { formatDuration, parseDurationMs } from './durations';

/**
 * Silences: an operator's "stop telling me about this for a while". A
 * silenced wake is read and counted (`silenced`) but never investigated: it
 * neither opens a debounce window nor counts on an open one. Silences live in
 * the tail's state and end by themselves on workflow time.
 *
 * Scope: `probe` and `category` are names of the audit row alphabet
 * ([A-Za-z0-9_.-], 1-64) or glob patterns of it where `*` stands for any run
 * of characters (`fly*`, `*-eu`). A pattern must name at least one character
 * other than `*`: silencing every probe at once is refused (it is one typo
 * away from a blind on-call). A probe the tail has never seen is allowed: a
 * silence may go up before a planned maintenance of a new probe, and the tail
 * keeps no list of the probes it has seen.
 */

/** A request to silence a probe (one category, or all of them) for a while. */
export interface SilenceRequest {
  /** A probe name or a `*` pattern of one (`fly*`). */
  probe: string;
  /** A category name or pattern; absent: every category of the probe. */
  category?: string;
  forSeconds: number;
  reason: string;
  /** Slack user ID, or the CLI user (`cli:{login}`). */
  createdBy: string;
  /** A repeat of the same request (Slack's redelivery, a retried CLI call) answers the first silence. */
  requestId?: string;
}

export interface Silence {
  /** `s-{n}`, from a counter in the tail's state (workflow code has no randomness). */
  id: string;
  probe: string;
  category?: string;
  reason: string;
  createdBy: string;
  createdAtMs: number;
  /** Workflow time; the silence ends by itself then. */
  untilMs: number;
  requestId?: string;
}

/** The silences a tail carries across continue-as-new. */
export interface SilenceTable {
  /** Active ones (expired ones are pruned on the next decision), oldest first. */
  silences: Silence[];
  /** The number of the next id: ids are never reused within one tail. */
  nextId: number;
}

export const MIN_SILENCE_SECONDS = 60;
export const MAX_SILENCE_SECONDS = 30 * 86_400;
export const MAX_REASON_LENGTH = 300;
const MAX_ACTOR_LENGTH = 64;
const MAX_REQUEST_ID_LENGTH = 128;
/** At most this many silences at once: a runaway script cannot grow the tail's state without bound. */
export const MAX_ACTIVE_SILENCES = 100;

const NAME_PATTERN = /^[A-Za-z0-9_.*-]{1,64}$/;
const REQUEST_FIELDS = ['probe', 'category', 'forSeconds', 'reason', 'createdBy', 'requestId'];

export function emptySilences(): SilenceTable {
  return { silences: [], nextId: 1 };
}

/** Why `pattern` is not a probe or category pattern, or undefined when it is one. */
export function patternProblem(pattern: unknown, what: 'probe' | 'category'): string | undefined {
  if (typeof pattern !== 'string') return `${what} must be a string`;
  if (!NAME_PATTERN.test(pattern)) return `${what} ${JSON.stringify(pattern)} must be 1-64 characters of [A-Za-z0-9_.-], with * for any run of them`;
  if (/^\*+$/.test(pattern)) return `${what} ${JSON.stringify(pattern)} matches everything: name at least one character besides *`;
  return undefined;
}

/** Why `seconds` is not a silence's length, or undefined. */
export function durationProblem(seconds: unknown): string | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return 'forSeconds must be a number';
  if (seconds <= 0) return `the duration must be positive (got ${seconds} s)`;
  if (seconds < MIN_SILENCE_SECONDS) return `the duration must be at least 1 minute (got ${seconds} s)`;
  if (seconds > MAX_SILENCE_SECONDS) return `the duration must be at most 30 days (got ${formatDuration(seconds * 1000)})`;
  return undefined;
}

/**
 * Every problem of a request as it may arrive from a CLI (the signal form is
 * typed loosely), the first one named; undefined when it is a good request.
 */
export function silenceRequestProblem(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return 'input must be a JSON object such as {"probe":"fly","category":"auth","forSeconds":7200,"reason":"planned maintenance","createdBy":"U024BE7LH"}';
  }
  const unknownKeys = Object.keys(input).filter((key) => !REQUEST_FIELDS.includes(key));
  if (unknownKeys.length > 0) return `unknown field(s) ${unknownKeys.join(', ')}; expected ${REQUEST_FIELDS.join(', ')}`;
  const r = input as Record<string, unknown>;
  if (r.probe === undefined) return 'probe is required';
  const checks = [
    patternProblem(r.probe, 'probe'),
    r.category === undefined ? undefined : patternProblem(r.category, 'category'),
    durationProblem(r.forSeconds),
    reasonProblem(r.reason),
    silenceActorProblem(r.createdBy, 'createdBy'),
    r.requestId !== undefined && (typeof r.requestId !== 'string' || r.requestId.length === 0 || r.requestId.length > MAX_REQUEST_ID_LENGTH)
      ? `requestId must be a string of 1-${MAX_REQUEST_ID_LENGTH} characters`
      : undefined,
  ];
  return checks.find((problem) => problem !== undefined);
}

/** Who added or ended a silence: a Slack user ID, or cli:{login}. */
function silenceActorProblem(actor: unknown, field: string): string | undefined {
  return typeof actor !== 'string' || !/^\S+$/.test(actor) || actor.length > MAX_ACTOR_LENGTH
    ? `${field} must be 1-${MAX_ACTOR_LENGTH} characters without spaces (a Slack user ID, or cli:{login})`
    : undefined;
}

function reasonProblem(reason: unknown): string | undefined {
  if (typeof reason !== 'string' || reason.trim() === '') return 'a reason is required (why is this silenced? the next operator reads it)';
  if (reason.length > MAX_REASON_LENGTH) return `the reason must be at most ${MAX_REASON_LENGTH} characters (got ${reason.length})`;
  if (/[\u0000-\u001f\u007f]/.test(reason)) return 'the reason must be one line of text (no newlines or control characters)';
  return undefined;
}

/**
 * `--for`: a duration with its unit, `90m`, `2h`, `1d`, `45s` (parseDurationMs's
 * forms; a bare number is refused, `--for 2` is too easily two seconds meant as two hours).
 * Answers whole seconds, or an error naming what is accepted.
 */
export function parseSilenceDuration(text: string): { seconds: number } | { error: string } {
  const trimmed = text.trim();
  if (/^-/.test(trimmed)) return { error: `--for ${JSON.stringify(text)}: the duration must be positive` };
  const ms = /[smhd]$/i.test(trimmed) ? parseDurationMs(trimmed) : undefined;
  if (ms === undefined) return { error: `--for ${JSON.stringify(text)}: give a duration with its unit, such as 90m, 2h or 1d` };
  const seconds = Math.round(ms / 1000);
  const problem = durationProblem(seconds);
  return problem ? { error: `--for ${JSON.stringify(text)}: ${problem}` } : { seconds };
}

/** `*` matches any run of characters (none included); everything else literally. */
export function matchesPattern(pattern: string, name: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === name;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last)) return false;
  let at = first.length;
  const end = name.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = name.indexOf(middle, at);
    if (found < 0 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

export function isActive(silence: Silence, nowMs: number): boolean {
  return silence.untilMs > nowMs;
}

/** The first active silence covering (probe, category), oldest first. */
export function silenceFor(table: SilenceTable, pair: { probe: string; category: string }, nowMs: number): Silence | undefined {
  return table.silences.find(
    (s) => isActive(s, nowMs) && matchesPattern(s.probe, pair.probe) && (s.category === undefined || matchesPattern(s.category, pair.category)),
  );
}

/** Drops expired silences so the table (and continue-as-new input) stays small. */
export function pruneSilences(table: SilenceTable, nowMs: number): SilenceTable {
  const silences = table.silences.filter((s) => isActive(s, nowMs));
  return silences.length === table.silences.length ? table : { ...table, silences };
}

export type AddSilenceResult = { table: SilenceTable; silence: Silence; repeat: boolean } | { error: string };

/**
 * Adds a silence from a request (checked with silenceRequestProblem first).
 * A repeat of an active silence's requestId answers that silence and changes
 * nothing; a silence that has ended no longer answers for its requestId.
 */
export function addSilence(table: SilenceTable, request: SilenceRequest, nowMs: number): AddSilenceResult {
  const problem = silenceRequestProblem(request);
  if (problem) return { error: problem };
  const current = pruneSilences(table, nowMs);
  const existing = request.requestId === undefined ? undefined : current.silences.find((s) => s.requestId === request.requestId);
  if (existing) return { table: current, silence: existing, repeat: true };
  if (current.silences.length >= MAX_ACTIVE_SILENCES) return { error: `${MAX_ACTIVE_SILENCES} silences are active already; remove some first` };
  const silence: Silence = {
    id: `s-${current.nextId}`,
    probe: request.probe,
    ...(request.category !== undefined && { category: request.category }),
    reason: request.reason.trim(),
    createdBy: request.createdBy,
    createdAtMs: nowMs,
    untilMs: nowMs + Math.round(request.forSeconds * 1000),
    ...(request.requestId !== undefined && { requestId: request.requestId }),
  };
  return { table: { silences: [...current.silences, silence], nextId: current.nextId + 1 }, silence, repeat: false };
}

/** Whether the validator should refuse this addSilence before it reaches history. */
export function addSilenceProblem(table: SilenceTable, request: unknown, nowMs: number): string | undefined {
  const problem = silenceRequestProblem(request);
  if (problem) return problem;
  const result = addSilence(table, request as SilenceRequest, nowMs);
  return 'error' in result ? result.error : undefined;
}

/** Why `{id, removedBy?}` does not name an active silence, or undefined. `removedBy` is optional for the stock CLIs' sake. */
export function removeSilenceProblem(table: SilenceTable, input: unknown, nowMs: number): string | undefined {
  if (typeof input !== 'object' || input === null || typeof (input as { id?: unknown }).id !== 'string') return 'input must be {"id":"s-1"} (optionally with "removedBy")';
  const { id, removedBy } = input as { id: string; removedBy?: unknown };
  if (removedBy !== undefined) {
    const problem = silenceActorProblem(removedBy, 'removedBy');
    if (problem) return problem;
  }
  if (!table.silences.some((s) => s.id === id && isActive(s, nowMs))) {
    const active = table.silences.filter((s) => isActive(s, nowMs)).map((s) => s.id);
    return `no active silence ${JSON.stringify(id)} (active: ${active.length > 0 ? active.join(', ') : 'none'})`;
  }
  return undefined;
}

export function removeSilence(table: SilenceTable, id: string, nowMs: number): { table: SilenceTable; silence: Silence } | { error: string } {
  const problem = removeSilenceProblem(table, { id }, nowMs);
  if (problem) return { error: problem };
  const silence = table.silences.find((s) => s.id === id)!;
  return { table: pruneSilences({ ...table, silences: table.silences.filter((s) => s.id !== id) }, nowMs), silence };
}

/** Wakes of one pair silenced in one batch. */
export interface SilencedCount {
  probe: string;
  category: string;
  wakes: number;
  silenceId: string;
}

/** A pair a read names; `count` on folded repeats. */
interface Pair {
  probe: string;
  category: string;
}

/** What partitionSilenced needs of a read (the tail's ReadBatch is one). */
export interface SilenceableBatch {
  wakes: Pair[];
  repeats: Array<Pair & { count: number; afterWake?: number }>;
  health?: Array<{ beforeWake: number }>;
}

/**
 * Takes the silenced wakes (and folded repeat counts) out of one read, decided
 * at one instant: what is left goes on to the window rules as if the silenced
 * wakes had never been read. Positions stay true: a repeat's `afterWake` and a
 * health row's `beforeWake` count among the wakes that remain (a silenced
 * pair's repeats go with it; health rows are kept, so an open window still
 * recovers by its probe's results).
 */
export function partitionSilenced<B extends SilenceableBatch>(table: SilenceTable, batch: B, nowMs: number): { batch: B; silenced: SilencedCount[] } {
  if (!table.silences.some((s) => isActive(s, nowMs))) return { batch, silenced: [] };
  const counts = new Map<string, SilencedCount>();
  const silenced = (pair: Pair, wakes: number): boolean => {
    const silence = silenceFor(table, pair, nowMs);
    if (!silence) return false;
    const key = `${pair.probe}:${pair.category}`;
    const entry = counts.get(key) ?? { probe: pair.probe, category: pair.category, wakes: 0, silenceId: silence.id };
    entry.wakes += wakes;
    counts.set(key, entry);
    return true;
  };
  // keptBefore[n]: how many of the first n wakes remain.
  const keptBefore = [0];
  const wakes = batch.wakes.filter((wake) => {
    const keep = !silenced(wake, 1);
    keptBefore.push(keptBefore[keptBefore.length - 1]! + (keep ? 1 : 0));
    return keep;
  });
  const at = (n: number) => keptBefore[Math.min(Math.max(n, 0), keptBefore.length - 1)]!;
  const repeats = batch.repeats
    .filter((repeat) => !silenced(repeat, repeat.count))
    // Its own pair's wake (not silenced, so kept) is the one it came after: its new index.
    .map((repeat) => (repeat.afterWake === undefined ? repeat : { ...repeat, afterWake: at(repeat.afterWake + 1) - 1 }));
  const health = batch.health?.map((row) => ({ ...row, beforeWake: at(row.beforeWake) }));
  return { batch: { ...batch, wakes, repeats, ...(health && { health }) } as B, silenced: [...counts.values()] };
}

/** `fly/auth`, `fly*` (every category). */
export function silenceScope(silence: Pick<Silence, 'probe' | 'category'>): string {
  return silence.category === undefined ? `${silence.probe} (every category)` : `${silence.probe}/${silence.category}`;
}

/** Markdown for the tail's current details (Web UI): active silences with their expiry, or nothing. */
export function silencesDetails(table: SilenceTable, nowMs: number): string {
  const active = table.silences.filter((s) => isActive(s, nowMs));
  if (active.length === 0) return '**Silences**: none';
  // A snapshot (the Web UI shows it until the next change): the expiry instant, not a countdown.
  const lines = active.map((s) => `- \`${s.id}\` ${silenceScope(s)} until ${new Date(s.untilMs).toISOString()} by ${s.createdBy}: ${s.reason}`);
  return [`**Silences** (${active.length})`, '', ...lines].join('\n');
}
