import type { Wake } from './auditRow';
import { ownRow, type OwnRow } from './investigationRows';
import { clockUtc } from './durations';
import { mention } from './operatorActions';
import { inert } from './slackText';

/**
 * The approval-gated fix as pure rules (docs/fixes.md "Approval"): when a fix is offered, how its
 * wait ends (approved, declined, timed out, the window closed), the thread lines, the clicker's
 * answers and the `probe.fix_executed` audit row. Only a human's approve starts a run.
 */

/** What the rules read of a runner's result (api.ts FixRunResult has these fields). */
export interface FixRunResult {
  ok: boolean;
  runner: string;
  alreadyDone?: boolean;
  status?: number;
  exitCode?: number | null;
  signal?: string;
  reason?: string;
  outputExcerpt: string;
  durationMs: number;
  attempt: number;
}

export const FIX_EXECUTED_EVENT = 'probe.fix_executed';
export const DEFAULT_FIX_APPROVAL_TIMEOUT_SECONDS = 1800;

/** What the workflow learns from the worker's configuration (the incidentSettings local activity). Never a secret. */
export interface FixApprovalSettings {
  /** The fix names PROBE_FIX_RUNNERS configures (names only). Absent or empty: no fix is ever offered. */
  fixRunners?: string[];
  /** PROBE_FIX_APPROVAL_TIMEOUT_SECONDS. */
  fixApprovalTimeoutSeconds?: number;
}

/** The fix this wake may offer: its envelope is enabled and a runner is configured for its fix_name. */
export function offerableFix(envelope: Wake['envelope'], runnerNames: readonly string[] | undefined): string | undefined {
  if (!envelope?.enabled) return undefined;
  return runnerNames?.includes(envelope.fixName) ? envelope.fixName : undefined;
}

export type FixDecision =
  | { kind: 'approved'; by: string; atMs: number }
  | { kind: 'declined'; by: string; atMs: number }
  | { kind: 'timed_out'; atMs: number }
  | { kind: 'window_closed'; because: string; atMs: number };

/** One offered fix's state in the investigation (workflow state). */
export interface PendingFix {
  fixName: string;
  offeredAtMs: number;
  /** Past this (workflow time) the wait ends as timed out. */
  untilMs: number;
  decision?: FixDecision;
  /** The wait and, once approved, the run are over; its result and row are recorded. */
  done?: boolean;
}

export function pendingFix(fixName: string, nowMs: number, timeoutSeconds = DEFAULT_FIX_APPROVAL_TIMEOUT_SECONDS): PendingFix {
  return { fixName, offeredAtMs: nowMs, untilMs: nowMs + timeoutSeconds * 1000 };
}

/** The offered fix is not over: waiting for a human, or approved and running. */
export function fixUnderway(fix: PendingFix | undefined): boolean {
  return fix !== undefined && fix.done !== true;
}

/** `30 min`, `1 h 30 min`. */
export function waitLength(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${Math.max(1, minutes)} min`;
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const fixCode = (fixName: string) => `\`${inert(fixName).replace(/`/g, "'")}\``;

/** The runner's output in a code block: inert, and no ``` inside to end the block early. */
export function outputBlock(excerpt: string): string {
  const text = inert(excerpt).replace(/```/g, '`\u200B`\u200B`').trim();
  return text === '' ? '' : `\n\`\`\`${text}\`\`\``;
}

const CLOSE_WORDS: Record<string, string> = {
  recovered: 'the probe recovered',
  reset: 'the window was reset',
  expired: 'the window expired',
  delivered: 'the incident ended',
};

/** What a run's result says, in words: `ok (HTTP 200)`, `failed: exit_3 (exit code 3)`. */
export function resultWords(result: FixRunResult): string {
  const how = result.status !== undefined ? `HTTP ${result.status}` : result.exitCode !== undefined && result.exitCode !== null ? `exit code ${result.exitCode}` : result.signal ? `signal ${result.signal}` : undefined;
  if (result.ok) return `${result.alreadyDone ? 'ok, already done (the runner had this idempotency key)' : 'ok'}${how ? ` (${how})` : ''}`;
  return `failed: ${result.reason ?? 'unknown'}${how ? ` (${how})` : ''}`;
}

/** Thread lines of the fix's life. */
export const fixThreadLines = {
  offered: (fixName: string, untilMs: number, workflowId: string) =>
    `🛠️ Fix ${fixCode(fixName)} waits for approval until ${clockUtc(untilMs)}: *Approve fix* or *Decline fix* above (or \`probe-wake approve ${inert(workflowId)}\`). It runs only on a click.`,
  approved: (fixName: string, by: string) => `👍 Fix ${fixCode(fixName)} approved by ${mention(by)}: running it`,
  declined: (fixName: string, by: string) => `🚫 Fix ${fixCode(fixName)} declined by ${mention(by)}: not run`,
  ran: (fixName: string, result: FixRunResult) => `${result.ok ? '✅' : '❌'} Fix ${fixCode(fixName)} ran: ${resultWords(result)}${outputBlock(result.outputExcerpt)}`,
  runFailed: (fixName: string, reason: string) => `❌ Fix ${fixCode(fixName)} could not be run: ${inert(reason)}. It was asked for under one idempotency key; check the runner before trying by hand.`,
  timedOut: (fixName: string, waitedMs: number) => `⌛ Fix ${fixCode(fixName)} not run: nobody approved it within ${waitLength(waitedMs)}`,
  windowClosed: (fixName: string, because: string) => `Fix ${fixCode(fixName)} not run: ${CLOSE_WORDS[because] ?? inert(because)}`,
};

/** The clicker's answer once the fix is decided (a second approve or decline). */
export function alreadyDecided(fix: PendingFix): string {
  const d = fix.decision!;
  switch (d.kind) {
    case 'approved':
      return `Already decided by ${mention(d.by)}: approved at ${clockUtc(d.atMs)}.`;
    case 'declined':
      return `Already decided by ${mention(d.by)}: declined at ${clockUtc(d.atMs)}; the fix was not run.`;
    case 'timed_out':
      return `Already decided: nobody approved it by ${clockUtc(d.atMs)}; the fix was not run.`;
    case 'window_closed':
      return `Already decided: ${CLOSE_WORDS[d.because] ?? d.because}; the fix was not run.`;
  }
}

export type FixOutcome = 'ran' | 'run_failed' | 'declined' | 'timed_out' | 'window_closed';

export interface FixExecutedRow extends OwnRow<typeof FIX_EXECUTED_EVENT> {
  fix_name: string;
  idempotency_key: string;
  outcome: FixOutcome;
  offered_at: string;
}

/**
 * The one `probe.fix_executed` row of an offered fix, whatever ended it. `ran`: the runner answered
 * (`ok` says whether the fix worked); `run_failed`: every attempt failed transiently; `declined`,
 * `timed_out`, `window_closed` (`closed_because`): not run.
 */
export function fixExecutedRow(
  wake: Wake,
  ids: { workflowId: string; idempotencyKey: string },
  nowMs: number,
  fix: PendingFix,
  run?: { result?: FixRunResult; failure?: string },
): FixExecutedRow {
  const d = fix.decision;
  const outcome: FixOutcome = d?.kind === 'approved' ? (run?.result ? 'ran' : 'run_failed') : d?.kind ?? 'timed_out';
  const result = run?.result;
  return {
    ...ownRow(FIX_EXECUTED_EVENT, wake, ids.workflowId, nowMs),
    fix_name: fix.fixName,
    idempotency_key: ids.idempotencyKey,
    outcome,
    offered_at: new Date(fix.offeredAtMs).toISOString(),
    ...(d && 'by' in d ? { decided_by: d.by } : {}),
    ...(d ? { decided_at: new Date(d.atMs).toISOString() } : {}),
    ...(d?.kind === 'window_closed' ? { closed_because: d.because } : {}),
    ...(result
      ? {
          ok: result.ok,
          runner: result.runner,
          ...(result.status !== undefined ? { status: result.status } : {}),
          ...(result.exitCode !== undefined ? { exit_code: result.exitCode } : {}),
          ...(result.signal ? { signal: result.signal } : {}),
          ...(result.reason ? { reason: result.reason } : {}),
          ...(result.alreadyDone ? { already_done: true } : {}),
          output_excerpt: result.outputExcerpt,
          duration_ms: result.durationMs,
          attempt: result.attempt,
        }
      : {}),
    ...(run?.failure ? { ok: false, reason: run.failure } : {}),
  };
}
