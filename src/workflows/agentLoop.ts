import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  assistantMessage,
  isFinalTurn,
  nextStep,
  toolResultMessage,
  turnText,
  type AgentMessage,
  type LlmTurn,
  type PlannedToolCall,
  type ToolResultBlock,
} from '../domain/agent';
import type { Wake } from '../domain/auditRow';
import type { Finding } from '../domain/dmText';
import { FailureType } from '../domain/failures';
import { askModelTimeouts, ASK_MODEL_ATTEMPTS } from '../domain/turnTimeouts';
import { describeActivityFailure, fallbackReason } from './failureReasons';
import { fileSteps, FILE_STEP_OPTIONS } from './fileSteps';

/** Fallback reason when the model still wanted tools on its last turn and never wrote any text. */
export const TURN_CAP_REASON = 'turn_cap_reached';
/** Fallback reason when the model stopped for safety (stop_reason "refusal"); its partial text is never the diagnosis. */
export const MODEL_REFUSAL_REASON = 'model_refusal';

// Local file reads like the file steps, but ordinary activities: each call's input stays in the history operators read.
const { runInvestigationTool } = proxyActivities<Activities>(FILE_STEP_OPTIONS);

/**
 * askModel's timeouts derive from the per-turn budget (PROBE_INVESTIGATION_TURN_TIMEOUT_SECONDS,
 * passed in by the tail): the activity streams the answer, ends an attempt on silence or at the
 * budget, and heartbeats every second and on every chunk, so a worker that died mid-call costs a
 * retry seconds later instead of at the start-to-close timeout (docs/reliability.md).
 * Which errors are retried is decided per response, as the Anthropic SDK would (x-should-retry,
 * status; modelErrors.ts marks the rest non-retryable); only a missing key is known up front.
 */
function askModelActivity(turnTimeoutSeconds: number | undefined) {
  const timeouts = askModelTimeouts(turnTimeoutSeconds);
  return proxyActivities<Activities>({
    startToCloseTimeout: `${timeouts.startToCloseSeconds}s`,
    heartbeatTimeout: `${timeouts.heartbeatSeconds}s`,
    scheduleToCloseTimeout: `${timeouts.scheduleToCloseSeconds}s`,
    retry: {
      initialInterval: '2s',
      backoffCoefficient: 2,
      maximumInterval: '30s',
      maximumAttempts: ASK_MODEL_ATTEMPTS,
      nonRetryableErrorTypes: [FailureType.modelUnavailable],
    },
  }).askModel;
}

export interface AgentRun {
  finding: Finding;
  turns: LlmTurn[];
  toolCalls: number;
  promptVersion?: string;
  /** request-id of the call that failed and ended the investigation, when the API sent one. */
  failedRequestId?: string;
}

/**
 * The investigation as a bounded agent: prepare → (ask → tools)* → answer.
 * Each turn and each tool call is its own activity, so a crash resumes after
 * the last finished one instead of asking the model again.
 */
export async function runInvestigationAgent(wake: Wake, maxTurns: number, turnTimeoutSeconds?: number): Promise<AgentRun> {
  const askModel = askModelActivity(turnTimeoutSeconds);
  const run: AgentRun = { finding: { investigated: false, reason: TURN_CAP_REASON }, turns: [], toolCalls: 0 };
  let bestText = '';
  try {
    const prepared = await fileSteps.prepareInvestigation({ wake });
    run.promptVersion = prepared.promptVersion;
    const messages: AgentMessage[] = [{ role: 'user', content: prepared.user }];
    for (let turnNumber = 1; ; turnNumber++) {
      const turn = await askModel({ messages, finalTurn: isFinalTurn(turnNumber, maxTurns) });
      run.turns.push(turn);
      const step = nextStep(turn, turnNumber, maxTurns);
      // Text from earlier turns is not kept either: a refusal is no diagnosis.
      if (step.kind === 'refused') return { ...run, finding: { investigated: false, reason: MODEL_REFUSAL_REASON } };
      bestText = turnText(turn) || bestText;
      if (step.kind === 'answer') return { ...run, finding: { investigated: true, text: step.text } };
      if (step.kind === 'empty') return { ...run, finding: bestOr(bestText, 'empty_response_text') };
      if (step.kind === 'capped') return { ...run, finding: bestOr(bestText, TURN_CAP_REASON) };
      messages.push(assistantMessage(turn));
      messages.push(toolResultMessage(await Promise.all(step.calls.map(runPlannedCall))));
      run.toolCalls += step.calls.length;
    }
  } catch (err) {
    return { ...run, finding: { investigated: false, reason: fallbackReason(err) }, ...failedRequestIdOf(err) };
  }
}

/** modelFailure puts the request-id in the failure's details. */
function failedRequestIdOf(err: unknown): { failedRequestId?: string } {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { requestId?: unknown } | undefined) : undefined;
  return typeof details?.requestId === 'string' ? { failedRequestId: details.requestId } : {};
}

function bestOr(bestText: string, reason: string): Finding {
  return bestText ? { investigated: true, text: bestText } : { investigated: false, reason };
}

/** A refused or failing tool call goes back to the model as an error result; it never ends the investigation. */
async function runPlannedCall(planned: PlannedToolCall): Promise<ToolResultBlock> {
  if ('error' in planned) return { type: 'tool_result', tool_use_id: planned.toolUseId, content: planned.error, is_error: true };
  try {
    const output = await runInvestigationTool({ name: planned.name, input: planned.input });
    return { type: 'tool_result', tool_use_id: planned.toolUseId, content: output.content, ...(output.isError ? { is_error: true } : {}) };
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    return {
      type: 'tool_result',
      tool_use_id: planned.toolUseId,
      content: `the tool failed: ${describeActivityFailure(err)}`,
      is_error: true,
    };
  }
}
