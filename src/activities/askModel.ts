import Anthropic from '@anthropic-ai/sdk';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AgentMessage, AssistantBlock, LlmTurn } from '../domain/agent';
import { costOf, type ModelPrice } from '../domain/costLadder';
import { FailureType } from '../domain/failures';
import { TOOL_DEFINITIONS } from '../domain/investigationTools';
import { failpoint } from '../runtime/failpoints';
import { engineFailure } from './engineErrors';
import { startHeartbeating } from './heartbeat';
import type { PromptTemplate } from './promptTemplate';

export interface EngineSettings {
  apiKey?: string;
  baseUrl?: string;
  model: string;
  /** Per HTTP request; kept below the activity's start-to-close timeout. */
  requestTimeoutMs: number;
  maxTokens: number;
  prices: Record<string, ModelPrice>;
}

export interface AskModelInput {
  messages: AgentMessage[];
  /** The last allowed turn: the model may not call tools, it must answer. */
  finalTurn: boolean;
}

/**
 * One turn of the investigation: the conversation so far to the Anthropic
 * Messages API, its answer back. Throws typed failures; the workflow owns
 * retries. The system prompt and the tool definitions are marked for prompt
 * caching: they are the same on every turn of every investigation.
 */
export function createAskModel(settings: EngineSettings, template: PromptTemplate) {
  const tools = TOOL_DEFINITIONS.map((tool, index) =>
    index === TOOL_DEFINITIONS.length - 1 ? { ...tool, cache_control: { type: 'ephemeral' as const } } : tool,
  );
  // One client for the worker's life: its connections are kept alive and reused across turns.
  let shared: Anthropic | undefined;
  return async function askModel({ messages, finalTurn }: AskModelInput): Promise<LlmTurn> {
    // Decided from our own config: without a key the SDK would go looking in a credential chain.
    if (!settings.apiKey) {
      throw ApplicationFailure.create({ type: FailureType.engineUnavailable, message: 'ANTHROPIC_API_KEY is not set' });
    }
    const client = (shared ??= new Anthropic({
      apiKey: settings.apiKey,
      baseURL: settings.baseUrl ?? null,
      maxRetries: 0, // one retry layer: Temporal's
      timeout: settings.requestTimeoutMs,
    }));
    let response: Anthropic.Message;
    const stopHeartbeating = startHeartbeating();
    try {
      response = await client.messages.create(
        {
          model: settings.model,
          max_tokens: settings.maxTokens,
          system: [{ type: 'text', text: template.system, cache_control: { type: 'ephemeral' } }],
          tools,
          tool_choice: finalTurn ? { type: 'none' } : { type: 'auto' },
          messages: messages as Anthropic.MessageParam[],
        },
        { signal: Context.current().cancellationSignal },
      );
    } catch (err) {
      throw engineFailure(err);
    } finally {
      stopHeartbeating();
    }
    const model = response.model ?? settings.model;
    const usage = {
      inputTokens: response.usage?.input_tokens ?? 0,
      outputTokens: response.usage?.output_tokens ?? 0,
      cacheReadTokens: response.usage?.cache_read_input_tokens ?? 0,
      cacheWriteTokens: response.usage?.cache_creation_input_tokens ?? 0,
    };
    const content = keepTextAndToolUse(response.content ?? []);
    // Crash testing: the model's final answer is in hand, the DM not yet sent (a no-op unless PROBE_WAKE_FAILPOINTS is set).
    if (!content.some((block) => block.type === 'tool_use')) await failpoint('askModel.answered');
    return {
      content,
      stopReason: response.stop_reason ?? null,
      model,
      usage,
      costUsd: costOf(usage, settings.prices[model] ?? settings.prices[settings.model]),
    };
  };
}

/** Only the blocks the loop understands travel on through history. */
function keepTextAndToolUse(blocks: Anthropic.ContentBlock[]): AssistantBlock[] {
  const kept: AssistantBlock[] = [];
  for (const block of blocks) {
    if (block.type === 'text') kept.push({ type: 'text', text: block.text });
    else if (block.type === 'tool_use') kept.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input });
  }
  return kept;
}
