import {
  getExternalWorkflowHandle,
  log,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { InvestigationOutcomeKey, ProbeNameKey, recordSpendSignal, type InvestigationInput, type InvestigationMemo, type InvestigationOutcome } from '../api';
import { sumUsage } from '../domain/agent';
import type { Reservation } from '../domain/costLadder';
import { shapeAnswer } from '../domain/answerContract';
import type { Wake } from '../domain/auditRow';
import { formatDm, type Finding } from '../domain/dmText';
import { completedRow, startedRow, type InvestigationRow } from '../domain/investigationRows';
import { runInvestigationAgent, type AgentRun } from './agentLoop';
import { messageDelivered, sendMessage, type Delivery } from './delivery';
import { describeActivityFailure } from './failureReasons';
import { fileSteps } from './fileSteps';
import * as metrics from './metrics';

export { fallbackReason } from './failureReasons';

export const DEFAULT_MAX_TURNS = 4;
export const COST_LADDER_REASON = 'cost_ladder_halted';


/**
 * One investigation per debounce window:
 * record start → investigate (or halt on budget) → shape → format → deliver → settle spend → record end.
 * Never fails on a model, Slack or audit-log fault.
 */
export async function probeInvestigationWorkflow(input: InvestigationInput): Promise<InvestigationOutcome> {
  const { wake } = input;
  const workflowId = workflowInfo().workflowId;
  await recordInAuditLog(startedRow(wake, workflowId, Date.now()));
  const run = await investigateWithinBudget(input);
  const finding = shapeFinding(run, wake);
  const text = formatDm(wake, finding);
  await sendMessage({ key: workflowId, revision: 0, message: { text } });
  const { channel: _channel, revision: _revision, alreadyPosted: _alreadyPosted, ...delivery } = await messageDelivered(workflowId, 0);
  const outcome = describeOutcome(input, run, finding, text, delivery);
  recordOutcome(wake, finding, delivery);
  await settleSpend(input.spend, outcome.costUsd);
  await recordInAuditLog(completedRow(wake, workflowId, Date.now(), completedFacts(outcome)));
  return outcome;
}

/** Where operators look: the search attribute and memo (Web UI, `probe-wake investigations`) and the metrics. */
function recordOutcome(wake: Wake, finding: Finding, delivery: Delivery): void {
  recordOutcomeForSearch(finding);
  recordOutcomeInMemo(finding, delivery);
  metrics.investigationFinished(wake, { ...finding, ...delivery });
}

function completedFacts(outcome: InvestigationOutcome) {
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

/** The answer contract; an answer the model stopped at its token limit is kept, marked as cut short. */
function shapeFinding(run: AgentRun, wake: Wake): Finding {
  const { finding } = run;
  if (!finding.investigated) return finding;
  const cutShort = run.turns.at(-1)?.stopReason === 'max_tokens';
  return { investigated: true, text: shapeAnswer(finding.text, wake.envelope, { cutShort }) };
}

function describeOutcome(input: InvestigationInput, run: AgentRun, finding: Finding, text: string, delivery: Delivery): InvestigationOutcome {
  const { costUsd, ...usage } = sumUsage(run.turns);
  return {
    probe: input.wake.probe,
    category: input.wake.category,
    severity: input.wake.severity,
    wakeId: input.wake.wakeId,
    windowKey: input.windowKey,
    investigated: finding.investigated,
    reason: finding.investigated ? undefined : finding.reason,
    ...delivery,
    text,
    model: run.turns.at(-1)?.model,
    promptVersion: run.promptVersion,
    turnCount: run.turns.length,
    toolCalls: run.toolCalls,
    usage,
    costUsd,
    turns: run.turns.map((turn) => ({ stopReason: turn.stopReason, usage: turn.usage, costUsd: turn.costUsd, ...(turn.requestId ? { requestId: turn.requestId } : {}) })),
    requestIds: [...run.turns.flatMap((turn) => (turn.requestId ? [turn.requestId] : [])), ...(run.failedRequestId ? [run.failedRequestId] : [])],
  };
}

/** Only where the tail set search attributes at start, i.e. where the namespace has them registered. */
function recordOutcomeForSearch(finding: Finding): void {
  if (workflowInfo().typedSearchAttributes.get(ProbeNameKey) === undefined) return;
  upsertSearchAttributes([{ key: InvestigationOutcomeKey, value: finding.investigated ? 'investigated' : 'fallback' }]);
}

/** Workflow lists carry the memo, so `probe-wake investigations` shows DM delivery without fetching each result. */
function recordOutcomeInMemo(finding: Finding, delivery: Delivery): void {
  upsertMemo({
    outcome: {
      investigated: finding.investigated,
      reason: finding.investigated ? undefined : finding.reason,
      dmSent: delivery.dmSent,
      dmReason: delivery.dmReason,
    },
  } satisfies Partial<InvestigationMemo>);
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
