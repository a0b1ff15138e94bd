import { ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import { ActivityFailure, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EngineAnswer } from '../activities/investigate';
import type { PostDmResult } from '../activities/postDm';
import type { Severity, Wake } from '../domain/auditRow';
import { formatDm, type Finding } from '../domain/dmText';
import { FailureType, PERMANENT_ENGINE_ERRORS } from '../domain/failures';
import { InvestigationOutcomeKey, ProbeNameKey } from './definitions';

export interface InvestigationInput {
  wake: Wake;
  windowKey: string;
}

export interface InvestigationOutcome {
  probe: string;
  category: string;
  severity: Severity;
  wakeId: string;
  windowKey: string;
  investigated: boolean;
  /** Fallback reason code when not investigated, e.g. `engine_exception:AuthenticationError`. */
  reason?: string;
  dmSent: boolean;
  dmReason?: string;
  slackTs?: string;
  text: string;
  model?: string;
  usage?: EngineAnswer['usage'];
}

// heartbeatTimeout: both activities heartbeat while waiting on HTTP, so a worker that died mid-call
// costs a retry 5 s later instead of at the start-to-close timeout (docs/reliability.md).
const { investigate } = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  heartbeatTimeout: '5s',
  scheduleToCloseTimeout: '5m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: 4,
    nonRetryableErrorTypes: [FailureType.engineUnavailable, FailureType.emptyResponseText, ...PERMANENT_ENGINE_ERRORS],
  },
});

const { postDm } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  heartbeatTimeout: '5s',
  scheduleToCloseTimeout: '10m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '60s',
    maximumAttempts: 6,
    nonRetryableErrorTypes: [FailureType.slackNotConfigured, FailureType.slackPermanent],
  },
});

/** One investigation per debounce window: investigate → format → deliver. Never fails on an engine or Slack fault. */
export async function probeInvestigationWorkflow({ wake, windowKey }: InvestigationInput): Promise<InvestigationOutcome> {
  const { finding, answer } = await investigateOrFallback(wake);
  const text = formatDm(wake, finding);
  const delivery = await deliverOrExplain(text);
  recordOutcomeForSearch(finding);
  return {
    probe: wake.probe,
    category: wake.category,
    severity: wake.severity,
    wakeId: wake.wakeId,
    windowKey,
    investigated: finding.investigated,
    reason: finding.investigated ? undefined : finding.reason,
    ...delivery,
    text,
    model: answer?.model,
    usage: answer?.usage,
  };
}

async function investigateOrFallback(wake: Wake): Promise<{ finding: Finding; answer?: EngineAnswer }> {
  try {
    const answer = await investigate({ wake });
    return { finding: { investigated: true, text: answer.text }, answer };
  } catch (err) {
    return { finding: { investigated: false, reason: fallbackReason(err) } };
  }
}

/** The stable reason codes of the fallback DM. Anything that is not an activity failure is a bug: rethrown. */
export function fallbackReason(err: unknown): string {
  if (!(err instanceof ActivityFailure)) throw err;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    if (cause.type === FailureType.engineUnavailable) return 'engine_unavailable';
    if (cause.type === FailureType.emptyResponseText) return 'empty_response_text';
    return `engine_exception:${cause.type ?? 'Error'}`;
  }
  if (cause instanceof TimeoutFailure) return 'engine_exception:ActivityTimeout';
  return `engine_exception:${cause?.name ?? 'Error'}`;
}

type Delivery = Pick<InvestigationOutcome, 'dmSent' | 'dmReason' | 'slackTs'>;

async function deliverOrExplain(text: string): Promise<Delivery> {
  try {
    const posted: PostDmResult = await postDm({ text, workflowId: workflowInfo().workflowId });
    return { dmSent: true, slackTs: posted.ts };
  } catch (err) {
    return { dmSent: false, dmReason: deliveryFailureReason(err) };
  }
}

export function deliveryFailureReason(err: unknown): string {
  if (!(err instanceof ActivityFailure)) throw err;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    const code = typeof cause.details?.[0] === 'string' ? cause.details[0] : 'unknown';
    return cause.type === FailureType.slackNotConfigured ? code : `slack_error:${code}`;
  }
  if (cause instanceof TimeoutFailure) return 'slack_error:timeout';
  return `slack_error:${cause?.name ?? 'unknown'}`;
}

/** Only where the tail set search attributes at start, i.e. where the namespace has them registered. */
function recordOutcomeForSearch(finding: Finding): void {
  if (workflowInfo().typedSearchAttributes.get(ProbeNameKey) === undefined) return;
  upsertSearchAttributes([{ key: InvestigationOutcomeKey, value: finding.investigated ? 'investigated' : 'fallback' }]);
}
