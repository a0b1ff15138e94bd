import { upsertMemo } from '@temporalio/workflow';
import type { DiagnosisOutcome, InvestigationInput, InvestigationMemo, InvestigationOutcome } from '../api';
import { sumUsage } from '../domain/agent';
import { shapeAnswer } from '../domain/answerContract';
import type { Wake } from '../domain/auditRow';
import type { Finding } from '../domain/dmText';
import type { IncidentState } from '../domain/incident';
import type { InvestigationDetails } from '../domain/incidentMessage';
import type { AgentRun } from './agentLoop';
import type { Delivery } from './delivery';
import * as metrics from './metrics';

/** The answer contract; an answer the model stopped at its token limit is kept, marked as cut short. */
export function shapeFinding(run: AgentRun, wake: Wake): Finding {
  const { finding } = run;
  if (!finding.investigated) return finding;
  const cutShort = run.turns.at(-1)?.stopReason === 'max_tokens';
  return { investigated: true, text: shapeAnswer(finding.text, wake.envelope, { cutShort }) };
}

/** What the details thread reply says. */
export function investigationDetails(run: AgentRun, finding: Finding): InvestigationDetails {
  const { costUsd, ...usage } = sumUsage(run.turns);
  return { turnCount: run.turns.length, toolCalls: run.toolCalls, usage, costUsd, model: run.turns.at(-1)?.model, ...(finding.investigated ? {} : { reason: finding.reason }) };
}

/** The investigation's facts once diagnosed and delivered; the lifecycle facts are added at the close (withLifecycle). */
export type { DiagnosisOutcome };

export function describeOutcome(input: InvestigationInput, run: AgentRun, finding: Finding, text: string, delivery: Delivery): DiagnosisOutcome {
  const { costUsd, ...usage } = sumUsage(run.turns);
  return {
    probe: input.wake.probe,
    category: input.wake.category,
    severity: input.wake.severity,
    wakeId: input.wake.wakeId,
    windowKey: input.windowKey,
    investigated: finding.investigated,
    reason: finding.investigated ? undefined : finding.reason,
    dmSent: delivery.dmSent,
    dmReason: delivery.dmReason,
    slackTs: delivery.slackTs,
    dmDeliveredAt: delivery.dmDeliveredAt,
    dmLateMs: delivery.dmLateMs,
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

/** The result: the diagnosis's facts and how the incident ended. */
export function withLifecycle(outcome: DiagnosisOutcome, state: IncidentState): InvestigationOutcome {
  if (!state.closed || state.phase === 'investigating') throw new Error('the incident is not closed');
  return {
    ...outcome,
    phase: state.phase,
    wakesSeen: state.repeats.wakes,
    ...(state.recovered ? { recoveredAfterMs: state.recovered.afterMs } : {}),
    closedBecause: state.closed.because,
  };
}

/** Once diagnosed and delivered: the memo's outcome (workflow lists show DM delivery) and the metrics. */
export function recordDiagnosis(wake: Wake, finding: Finding, delivery: Delivery): void {
  upsertMemo({
    outcome: {
      investigated: finding.investigated,
      reason: finding.investigated ? undefined : finding.reason,
      dmSent: delivery.dmSent,
      dmReason: delivery.dmReason,
    },
  } satisfies Partial<InvestigationMemo>);
  metrics.investigationFinished(wake, { ...finding, ...delivery });
}
