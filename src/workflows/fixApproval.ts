import { condition, log, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { fixIdempotencyKey, type InvestigationInput, type OperatorAction, type OperatorActionResult } from '../api';
import * as rules from '../domain/fixApproval';
import { describeActivityFailure } from './failureReasons';
import { FILE_STEP_OPTIONS } from './fileSteps';
import { runApprovedFix } from './fixRun';
import type { Incident } from './incident';

const { appendFixExecutedRow } = proxyLocalActivities<Pick<Activities, 'appendFixExecutedRow'>>(FILE_STEP_OPTIONS);

/**
 * The fix approval wait's answer to the Approve / Decline buttons (and `probe-wake approve|decline`).
 * The incident shows those buttons while `incident.fixOffered` is true (set by offerFix, with
 * `incident.refreshRoot()`, once a fix waits for a human).
 */
export interface FixActionAnswer extends OperatorActionResult {
  /** When `changed`: the one thread line the action posts (inert mrkdwn). */
  threadLine?: string;
  /** When `changed`: extra fields of its `probe.operator_action` row (snake_case). */
  rowFacts?: Record<string, unknown>;
}

export type FixAction = OperatorAction & { action: 'fix_approve' | 'fix_decline' };

export const NO_FIX_PENDING = 'No fix is waiting for approval on this incident.';

/**
 * A click on Approve / Decline: decides the waiting fix at once (the first decision wins, the clicker
 * hears so at once) and wakes offerFix, which runs it (approve) or records that it did not run. The run
 * itself is never awaited here: the clicker's answer does not wait for the runner.
 */
export async function answerFixAction(action: FixAction, incident: Incident): Promise<FixActionAnswer> {
  const fix = incident.fixApproval;
  if (!fix) return { changed: false, message: NO_FIX_PENDING };
  if (fix.decision) return { changed: false, message: rules.alreadyDecided(fix) };
  const approve = action.action === 'fix_approve';
  fix.decision = { kind: approve ? 'approved' : 'declined', by: action.actor, atMs: Date.now() };
  incident.fixOffered = false;
  incident.refreshRoot();
  return approve
    ? { changed: true, message: `Approved, running ${fix.fixName}: its result goes in the thread.`, threadLine: rules.fixThreadLines.approved(fix.fixName, action.actor), rowFacts: { fix_name: fix.fixName } }
    : { changed: true, message: `Declined: ${fix.fixName} will not run.`, threadLine: rules.fixThreadLines.declined(fix.fixName, action.actor), rowFacts: { fix_name: fix.fixName } };
}

/**
 * While true the incident stays open (its window's expiry waits): an offered fix waits for a human, or
 * runs. A second click meanwhile is answered "already decided", not "closed".
 */
export function fixHoldsOpen(incident: Incident): boolean {
  return rules.fixUnderway(incident.fixApproval);
}

/**
 * After the diagnosis: when the wake's envelope is enabled and a runner is configured for its fix, offer
 * it (the buttons appear on the root, one thread line says which fix waits and until when) and wait for a
 * human, at most the approval timeout. Approve → the runner runs once as an activity (same idempotency key
 * on every attempt) and its result goes in the thread; decline, the timeout, or the window closing
 * (recovered, reset) → not run. Every ending appends one `probe.fix_executed` row. Nothing but the
 * operatorAction Update decides: the model's answer and the wake are never read for a decision.
 * Must be called before the incident waits for its close (it holds the incident open while it waits).
 */
export async function offerFix(incident: Incident, input: InvestigationInput, settings: rules.FixApprovalSettings): Promise<void> {
  const fixName = rules.offerableFix(input.wake.envelope, settings.fixRunners);
  if (!fixName || incident.state.closed) return;
  const fix = rules.pendingFix(fixName, Date.now(), settings.fixApprovalTimeoutSeconds);
  incident.fixApproval = fix;
  try {
    await waitAndRun(incident, input, fix);
  } finally {
    fix.done = true;
  }
}

async function waitAndRun(incident: Incident, input: InvestigationInput, fix: rules.PendingFix): Promise<void> {
  const { fixName } = fix;
  const workflowId = workflowInfo().workflowId;
  incident.fixOffered = true;
  incident.refreshRoot();
  await incident.replyInThread('fix-offered', rules.fixThreadLines.offered(fixName, fix.untilMs, workflowId));

  // In steps, not one long timer (a time-skipping server jumps to a waiting workflow's next timer).
  while (!fix.decision && !incident.state.closed && Date.now() < fix.untilMs) {
    await condition(() => fix.decision !== undefined || incident.state.closed !== undefined, Math.min(fix.untilMs - Date.now(), 3_600_000));
  }
  const ids = { workflowId, idempotencyKey: fixIdempotencyKey(workflowId, fixName) };
  const decision = fix.decision;
  if (!decision) {
    const closed = closedNow(incident);
    fix.decision = closed ? { kind: 'window_closed', because: closed.because, atMs: Date.now() } : { kind: 'timed_out', atMs: Date.now() };
    incident.fixOffered = false;
    if (!closed) incident.refreshRoot();
    await incident.replyInThread('fix-result', closed ? rules.fixThreadLines.windowClosed(fixName, closed.because) : rules.fixThreadLines.timedOut(fixName, fix.untilMs - fix.offeredAtMs));
    await appendRow(rules.fixExecutedRow(input.wake, ids, Date.now(), fix));
    return;
  }
  if (decision.kind !== 'approved') {
    // The decline's thread line is the action's own (operatorActions.ts): only the row here.
    await appendRow(rules.fixExecutedRow(input.wake, ids, Date.now(), fix));
    return;
  }
  const { wake } = input;
  try {
    const result = await runApprovedFix({
      workflowId,
      fixName,
      probe: wake.probe,
      category: wake.category,
      wakeId: wake.wakeId,
      approvedBy: decision.by,
      approvedAt: new Date(decision.atMs).toISOString(),
    });
    await incident.replyInThread('fix-result', rules.fixThreadLines.ran(fixName, result));
    await appendRow(rules.fixExecutedRow(wake, ids, Date.now(), fix, { result }));
  } catch (err) {
    const failure = describeActivityFailure(err);
    log.warn('the approved fix could not be run', { fixName, error: failure });
    await incident.replyInThread('fix-result', rules.fixThreadLines.runFailed(fixName, failure));
    await appendRow(rules.fixExecutedRow(wake, ids, Date.now(), fix, { failure }));
  }
}

/** The incident's close as it is now (read through a call: TypeScript keeps no narrowing across the awaits). */
function closedNow(incident: Incident) {
  return incident.state.closed;
}

/** The row is best effort, like the investigation's: a full disk must not cost the thread its line. */
async function appendRow(row: rules.FixExecutedRow): Promise<void> {
  try {
    await appendFixExecutedRow(row);
  } catch (err) {
    log.warn('could not append the probe.fix_executed row to the audit log', { outcome: row.outcome, error: describeActivityFailure(err) });
  }
}
