import { allHandlersFinished, condition, getExternalWorkflowHandle, log, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { recordSpendSignal, type InvestigationInput, type InvestigationOutcome } from '../api';
import type { Reservation } from '../domain/costLadder';
import { formatDm } from '../domain/dmText';
import { investigationUiLink } from '../domain/incidentMessage';
import { completedRow, startedRow, type InvestigationRow } from '../domain/investigationRows';
import { runInvestigationAgent, type AgentRun } from './agentLoop';
import { describeActivityFailure } from './failureReasons';
import { fileSteps } from './fileSteps';
import { Incident } from './incident';
import { fixHoldsOpen, offerFix } from './fixApproval';
import { installOperatorActions } from './operatorActions';
import { describeOutcome, investigationDetails, recordDiagnosis, shapeFinding, withLifecycle, type DiagnosisOutcome } from './investigationOutcome';

export { fallbackReason } from './failureReasons';

export const DEFAULT_MAX_TURNS = 4;
export const COST_LADDER_REASON = 'cost_ladder_halted';

const { incidentSettings } = proxyLocalActivities<Pick<Activities, 'incidentSettings'>>({
  startToCloseTimeout: '5s',
  retry: { maximumAttempts: 3 },
});

/**
 * One investigation per debounce window, and it IS the window's incident:
 * post the alert (before the model is asked) → investigate (or halt on budget) → edit the root into the
 * diagnosis, reply the details in its thread → settle spend, record the end → live until the window
 * closes (repeats edit the root, recovery replies and marks it) → return the outcome and how it ended.
 * Never fails on a model, Slack or audit-log fault.
 */
export async function probeInvestigationWorkflow(input: InvestigationInput): Promise<InvestigationOutcome> {
  const { wake } = input;
  const workflowId = workflowInfo().workflowId;
  const incident = new Incident(input, input.window?.openedAtMs ?? Date.now());
  incident.listen();
  installOperatorActions(incident, input);
  const settings = await readIncidentSettings();
  incident.linkTo(webUiLink(settings));
  await incident.postAlert();
  const rootPosted = incident.watchRootPosted();
  const current = incident.keepCurrent();
  await recordInAuditLog(startedRow(wake, workflowId, Date.now()));
  const run = await investigateWithinBudget(input);
  const finding = shapeFinding(run, wake);
  await incident.diagnose(finding);
  const delivery = await incident.diagnosisDelivered();
  await incident.replyDetails(delivery, investigationDetails(run, finding));
  const outcome = describeOutcome(input, run, finding, formatDm(wake, finding), delivery);
  recordDiagnosis(wake, finding, delivery);
  await settleSpend(input.spend, outcome.costUsd);
  // The investigation is complete once its diagnosis is delivered: the row says so then, not at the window's close.
  await recordInAuditLog(completedRow(wake, workflowId, Date.now(), completedFacts(outcome)));
  incident.delivered(outcome);
  // An approval-gated fix (enabled envelope + a configured runner) waits for a human's click, holding the incident open.
  const fix = offerFix(incident, input, settings);
  await incident.waitForClose(() => fixHoldsOpen(incident));
  await Promise.all([fix, current, rootPosted]);
  // An operator action still running (its thread line, its row) finishes before the incident ends.
  await condition(allHandlersFinished);
  return withLifecycle(outcome, incident.state);
}

/** The worker's settings for the incident (a local activity); unreadable: no Web UI link and no fix offered. */
async function readIncidentSettings(): Promise<Awaited<ReturnType<Activities['incidentSettings']>>> {
  try {
    return await incidentSettings();
  } catch (err) {
    log.warn('could not read the incident settings; the root message has no Web UI link and no fix is offered', { error: describeActivityFailure(err) });
    return {};
  }
}

/** The investigation's page in the Temporal Web UI, when the worker knows the UI's address (PROBE_WAKE_UI_URL). */
function webUiLink({ uiUrl }: { uiUrl?: string }): string | undefined {
  const { namespace, workflowId, runId } = workflowInfo();
  return uiUrl ? investigationUiLink(uiUrl, namespace, workflowId, runId) : undefined;
}

function completedFacts(outcome: DiagnosisOutcome) {
  return {
    ...outcome,
    outcome: outcome.investigated ? ('investigated' as const) : ('fallback' as const),
    latencyMs: Date.now() - workflowInfo().startTime.getTime(),
  };
}

async function investigateWithinBudget(input: InvestigationInput): Promise<AgentRun> {
  if (input.spend && !input.spend.granted) {
    return { finding: { investigated: false, reason: COST_LADDER_REASON }, turns: [], toolCalls: 0 };
  }
  return runInvestigationAgent(input.wake, input.maxTurns ?? DEFAULT_MAX_TURNS, input.turnTimeoutSeconds);
}

/** Tells the tail (which holds the ledger) what was really spent; a lost report only keeps the reservation. */
async function settleSpend(spend: Reservation | undefined, spentUsd: number): Promise<void> {
  const tailId = workflowInfo().parent?.workflowId;
  if (!spend?.granted || !tailId) return;
  try {
    await getExternalWorkflowHandle(tailId).signal(recordSpendSignal, { reservation: spend, spentUsd });
  } catch (err) {
    log.warn('could not report spend to the tail; its reservation stays', { tailId, error: String(err) });
  }
}

/** Investigation rows are best effort: a full disk or a read-only log must not cost the operator the DM. */
async function recordInAuditLog(row: InvestigationRow): Promise<void> {
  try {
    await fileSteps.appendInvestigationRow(row);
  } catch (err) {
    // Rethrows anything that is not an activity's failure.
    log.warn('could not append the investigation row to the audit log', { event: row.event, error: describeActivityFailure(err) });
  }
}
