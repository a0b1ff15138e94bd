
/**
 * The investigation as a small bounded agent, as pure data and decisions.
 * Messages mirror the Anthropic Messages API shapes so they pass through
 * workflow history unchanged; the workflow executes what `nextStep` says.
 */
export type AssistantBlock =
  /**
   * Adaptive thinking (on by default for claude-haiku-5-5). Kept in the turn's content and
   * sent back exactly as received, first in the turn: the API refuses a tool-use turn whose
   * thinking is modified or missing. Not secret: the text is empty unless a summary is
   * asked for, the signature only proves the block is the model's
   * (https://platform.claude.com/docs/en/build-with-claude/extended-thinking).
   */
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string;
  is_error?: boolean;
}

export type AgentMessage =
  | { role: 'user'; content: string | ToolResultBlock[] }
  | { role: 'assistant'; content: AssistantBlock[] };

export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface LlmTurn {
  content: AssistantBlock[];
  stopReason: string | null;
  model: string;
  usage: TurnUsage;
  /** Estimated from the configured per-model prices; 0 when the model has none. */
  costUsd: number;
  /** The API's `request-id` for this call (what Anthropic support asks for); absent when the server sent none. */
  requestId?: string;
  /** With stop_reason "refusal": the policy category and explanation the API gave, when it gave them. */
  stopDetails?: { category: string | null; explanation: string | null };
}

/**
 * A call to run, or a refusal to hand straight back to the model. The call's
 * input is checked by the tool activity (against the schema the model was
 * shown), which keeps the validation library out of the workflow bundle.
 */
export type PlannedToolCall =
  | { toolUseId: string; name: string; input: unknown }
  | { toolUseId: string; error: string };

export type AgentStep =
  | { kind: 'answer'; text: string }
  | { kind: 'tools'; calls: PlannedToolCall[] }
  /** The model still wants tools on its last allowed turn. */
  | { kind: 'capped' }
  /** No tool call and no text. */
  | { kind: 'empty'; stopReason: string | null }
  /** The model's safety stop (stop_reason "refusal"): whatever text came with it is not an answer. */
  | { kind: 'refused' };

/** More calls in one turn than this are refused: the step cap bounds turns, this bounds work per turn. */
export const MAX_TOOL_CALLS_PER_TURN = 4;

export function turnText(turn: Pick<LlmTurn, 'content'>): string {
  return turn.content
    .map((block) => (block.type === 'text' ? block.text : ''))
    .join('')
    .trim();
}

/** What to do after the model's `turnsTaken`-th turn, with at most `maxTurns` turns in all. */
export function nextStep(turn: LlmTurn, turnsTaken: number, maxTurns: number): AgentStep {
  // https://platform.claude.com/docs/en/models/haiku-5-5/migration-guide: a refusal may follow partial text and has no server-side fallback.
  if (turn.stopReason === 'refusal') return { kind: 'refused' };
  const uses = turn.content.filter((block): block is Extract<AssistantBlock, { type: 'tool_use' }> => block.type === 'tool_use');
  if (uses.length === 0) {
    const text = turnText(turn);
    return text ? { kind: 'answer', text } : { kind: 'empty', stopReason: turn.stopReason };
  }
  if (turnsTaken >= maxTurns) return { kind: 'capped' };
  return {
    kind: 'tools',
    calls: uses.map((use, index): PlannedToolCall => {
      if (index >= MAX_TOOL_CALLS_PER_TURN) {
        return { toolUseId: use.id, error: `more than ${MAX_TOOL_CALLS_PER_TURN} tool calls in one turn; this one was not run` };
      }
      return { toolUseId: use.id, name: use.name, input: use.input };
    }),
  };
}

/** The last allowed turn is asked for text only (tool_choice none). */
export function isFinalTurn(turnNumber: number, maxTurns: number): boolean {
  return turnNumber >= maxTurns;
}

export function toolResultMessage(results: ToolResultBlock[]): AgentMessage {
  return { role: 'user', content: results };
}

export function assistantMessage(turn: LlmTurn): AgentMessage {
  return { role: 'assistant', content: turn.content };
}

export function sumUsage(turns: LlmTurn[]): TurnUsage & { costUsd: number } {
  return turns.reduce(
    (sum, turn) => ({
      inputTokens: sum.inputTokens + turn.usage.inputTokens,
      outputTokens: sum.outputTokens + turn.usage.outputTokens,
      cacheReadTokens: sum.cacheReadTokens + turn.usage.cacheReadTokens,
      cacheWriteTokens: sum.cacheWriteTokens + turn.usage.cacheWriteTokens,
      costUsd: sum.costUsd + turn.costUsd,
    }),
    { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
  );
}
