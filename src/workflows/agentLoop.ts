import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
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
import { FailureType, PERMANENT_ENGINE_ERRORS } from '../domain/failures';
import { describeActivityFailure, fallbackReason } from './failureReasons';
import { fileSteps, FILE_STEP_OPTIONS } from './fileSteps';

/** Fallback reason when the model still wanted tools on its last turn and never wrote any text. */
export const STEP_CAP_REASON = 'step_cap_reached';

// Local file reads like the file steps, but ordinary activities: each call's input stays in the history operators read.
const { runInvestigationTool } = proxyActivities<Activities>(FILE_STEP_OPTIONS);

// heartbeatTimeout: askModel heartbeats while waiting on HTTP, so a worker that died mid-call
// costs a retry 5 s later instead of at the start-to-close timeout (docs/reliability.md).
const { askModel } = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  heartbeatTimeout: '5s',
  scheduleToCloseTimeout: '5m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: 4,
    nonRetryableErrorTypes: [FailureType.engineUnavailable, ...PERMANENT_ENGINE_ERRORS],
  },
});

export interface AgentRun {
  finding: Finding;
  turns: LlmTurn[];
  toolCalls: number;
  promptVersion?: string;
}

/**
 * The investigation as a bounded agent: prepare → (ask → tools)* → answer.
 * Each turn and each tool call is its own activity, so a crash resumes after
 * the last finished one instead of asking the model again.
 */
export async function runInvestigationAgent(wake: Wake, maxSteps: number): Promise<AgentRun> {
  const run: AgentRun = { finding: { investigated: false, reason: STEP_CAP_REASON }, turns: [], toolCalls: 0 };
  let bestText = '';
  try {
    const prepared = await fileSteps.prepareInvestigation({ wake });
    run.promptVersion = prepared.promptVersion;
    const messages: AgentMessage[] = [{ role: 'user', content: prepared.user }];
    for (let turnNumber = 1; ; turnNumber++) {
      const turn = await askModel({ messages, finalTurn: isFinalTurn(turnNumber, maxSteps) });
      run.turns.push(turn);
      bestText = turnText(turn) || bestText;
      const step = nextStep(turn, turnNumber, maxSteps);
      if (step.kind === 'answer') return { ...run, finding: { investigated: true, text: step.text } };
      if (step.kind === 'empty') return { ...run, finding: bestOr(bestText, 'empty_response_text') };
      if (step.kind === 'capped') return { ...run, finding: bestOr(bestText, STEP_CAP_REASON) };
      messages.push(assistantMessage(turn));
      messages.push(toolResultMessage(await Promise.all(step.calls.map(runPlannedCall))));
      run.toolCalls += step.calls.length;
    }
  } catch (err) {
    return { ...run, finding: { investigated: false, reason: fallbackReason(err) } };
  }
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
