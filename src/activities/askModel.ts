import Anthropic, { type Middleware } from '@anthropic-ai/sdk';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AgentMessage, AssistantBlock, LlmTurn } from '../domain/agent';
import { costOf, type ModelPrice } from '../domain/costLadder';
import { FailureType } from '../domain/failures';
import { TOOL_DEFINITIONS } from '../domain/investigationTools';
import type { Effort } from '../domain/modelFacts';
import { turnBudgetMs } from '../domain/turnTimeouts';
import { noFailpoint, type Failpoint } from './failpoint';
import { modelFailure, StreamStop } from './modelErrors';
import { startHeartbeating } from './heartbeat';
import type { PromptTemplate } from './promptTemplate';

export interface ModelSettings {
  apiKey?: string;
  baseUrl?: string;
  model: string;
  /** output_config.effort; undefined: not sent (the model's own default). */
  effort?: Effort;
  /** No byte of the streamed answer for this long ends the attempt; also the SDK's wait for the response headers. */
  silenceTimeoutMs: number;
  /** Sized for thinking plus the answer (domain/modelFacts.ts). */
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
 * Messages API, its answer back, streamed. Throws typed failures; the workflow
 * owns retries. The system prompt and the tool definitions are marked for
 * prompt caching: they are the same on every turn of every investigation.
 *
 * Streaming (https://platform.claude.com/docs/en/build-with-claude/streaming) so a
 * slow model is not taken for a dead one: every chunk is a heartbeat, and the
 * attempt ends on silence (no event for `silenceTimeoutMs`) or when the turn's
 * budget (the activity's start-to-close timeout less a grace) is spent — never
 * on a total duration shorter than the budget.
 *
 * Never sent: temperature, top_p, top_k, an assistant prefill (claude-haiku-5-5
 * refuses them: https://platform.claude.com/docs/en/models/haiku-5-5/migration-guide).
 * The messages end with a user turn: the prompt, or tool results.
 */
export function createAskModel(settings: ModelSettings, template: PromptTemplate, failpoint: Failpoint = noFailpoint) {
  const tools = TOOL_DEFINITIONS.map((tool, index) =>
    index === TOOL_DEFINITIONS.length - 1 ? { ...tool, cache_control: { type: 'ephemeral' as const } } : tool,
  );
  // One client for the worker's life: its connections are kept alive and reused across turns.
  let shared: Anthropic | undefined;
  return async function askModel({ messages, finalTurn }: AskModelInput): Promise<LlmTurn> {
    // Decided from our own config: without a key the SDK would go looking in a credential chain.
    if (!settings.apiKey) {
      throw ApplicationFailure.create({ type: FailureType.modelUnavailable, message: 'ANTHROPIC_API_KEY is not set' });
    }
    const client = (shared ??= new Anthropic({
      apiKey: settings.apiKey,
      baseURL: settings.baseUrl ?? null,
      maxRetries: 0, // one retry layer: Temporal's
      // A backstop only: the SDK's timeout covers the wait for the response headers, which StreamWatch already bounds.
      timeout: settings.silenceTimeoutMs + 5_000,
    }));
    const context = Context.current();
    const watch = new StreamWatch(settings.silenceTimeoutMs, turnBudgetMs(context.info.startToCloseTimeoutMs), context.cancellationSignal);
    const stopHeartbeating = startHeartbeating();
    let response: Anthropic.Message;
    let requestId: string | undefined;
    try {
      const stream = client.messages.stream(
        {
          model: settings.model,
          max_tokens: settings.maxTokens,
          system: [{ type: 'text', text: template.system, cache_control: { type: 'ephemeral' } }],
          tools,
          tool_choice: finalTurn ? { type: 'none' } : { type: 'auto' },
          messages: messages as Anthropic.MessageParam[],
          ...(settings.effort ? { output_config: { effort: settings.effort } } : {}),
        },
        { signal: watch.signal, middleware: [tapBytes(() => (watch.chunk(), context.heartbeat()))] },
      );
      stream.on('connect', () => (requestId = stream.request_id ?? undefined));
      response = await stream.finalMessage();
      requestId = stream.request_id ?? requestId;
    } catch (err) {
      throw modelFailure(watch.stopped ?? err, requestId);
    } finally {
      watch.close();
      stopHeartbeating();
    }
    const model = response.model ?? settings.model;
    const usage = {
      inputTokens: response.usage?.input_tokens ?? 0,
      outputTokens: response.usage?.output_tokens ?? 0,
      cacheReadTokens: response.usage?.cache_read_input_tokens ?? 0,
      cacheWriteTokens: response.usage?.cache_creation_input_tokens ?? 0,
    };
    const content = keepForHistory(response.content ?? []);
    // Crash testing: the model's final answer is in hand, the DM not yet sent (a no-op unless PROBE_WAKE_FAILPOINTS is set).
    if (!content.some((block) => block.type === 'tool_use')) await failpoint('askModel.answered');
    const details = response.stop_details;
    return {
      content,
      stopReason: response.stop_reason ?? null,
      model,
      usage,
      costUsd: costOf(usage, settings.prices[model] ?? settings.prices[settings.model]),
      ...(requestId ? { requestId } : {}),
      ...(details ? { stopDetails: { category: details.category ?? null, explanation: details.explanation ?? null } } : {}),
    };
  };
}

/**
 * The blocks that travel on through history, in the order received. Thinking
 * blocks are kept unmodified: the next turn must carry them back, first in the
 * turn, or the API refuses it with a 400
 * (https://platform.claude.com/docs/en/build-with-claude/extended-thinking).
 */
function keepForHistory(blocks: Anthropic.ContentBlock[]): AssistantBlock[] {
  const kept: AssistantBlock[] = [];
  for (const block of blocks) {
    if (block.type === 'thinking') kept.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
    else if (block.type === 'redacted_thinking') kept.push({ type: 'redacted_thinking', data: block.data });
    else if (block.type === 'text') kept.push({ type: 'text', text: block.text });
    else if (block.type === 'tool_use') kept.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input });
  }
  return kept;
}

/**
 * Every chunk of bytes on the wire counts as a sign of life, pings included (the
 * SDK drops `ping` events before its listeners see them), and is a heartbeat.
 */
function tapBytes(onBytes: () => void): Middleware {
  return async (request, next) => {
    const response = await next(request);
    onBytes();
    if (!response.body) return response;
    const tapped = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          onBytes();
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(tapped, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/**
 * Ends the request on silence or at the turn's budget, whichever comes first,
 * and on the activity's cancellation. `stopped` says why it ended it.
 */
class StreamWatch {
  private readonly controller = new AbortController();
  private silence?: NodeJS.Timeout;
  private readonly budget: NodeJS.Timeout;
  stopped?: StreamStop;

  constructor(
    private readonly silenceMs: number,
    budgetMs: number,
    cancelled: AbortSignal,
  ) {
    this.budget = setTimeout(() => this.stop(new StreamStop('TurnBudgetExceeded', `no complete answer within the turn's ${Math.round(budgetMs / 1000)} s`)), budgetMs);
    cancelled.addEventListener('abort', () => this.controller.abort(cancelled.reason), { once: true });
    this.chunk();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  chunk(): void {
    clearTimeout(this.silence);
    this.silence = setTimeout(() => this.stop(new StreamStop('StreamSilenceTimeout', `no byte from the model for ${Math.round(this.silenceMs / 1000)} s`)), this.silenceMs);
  }

  close(): void {
    clearTimeout(this.silence);
    clearTimeout(this.budget);
  }

  private stop(reason: StreamStop): void {
    this.stopped ??= reason;
    this.controller.abort(reason);
  }
}
