import { createHash, createHmac, randomBytes } from 'node:crypto';
import type http from 'node:http';
import { sseEvents } from './anthropicSse';
import { FakeHttpServer, type Behaviour, type RecordedRequest } from './fakeHttp';

export { sseEvents } from './anthropicSse';

/**
 * A faithful stand-in for the Anthropic Messages API, modelled on the published
 * docs (each rule cites its page). Everything here is the default for every
 * suite: tests script what the model says, never a kinder API.
 *
 * Docs read 2026-12-01:
 * - MODELS    https://platform.claude.com/docs/en/models/haiku-5-5/overview
 * - WHATS_NEW https://platform.claude.com/docs/en/models/haiku-5-5/whats-new-haiku-5-5
 * - MIGRATION https://platform.claude.com/docs/en/models/haiku-5-5/migration-guide
 * - PROMPTING https://platform.claude.com/docs/en/build-with-claude/prompt-engineering/prompting-claude-haiku-5-5
 * - THINKING  https://platform.claude.com/docs/en/build-with-claude/extended-thinking
 * - EFFORT    https://platform.claude.com/docs/en/build-with-claude/effort
 * - STREAMING https://platform.claude.com/docs/en/build-with-claude/streaming
 * - ERRORS    https://platform.claude.com/docs/en/api/errors
 * - PRICING   https://platform.claude.com/docs/en/about-claude/pricing
 * - CACHING   https://platform.claude.com/docs/en/build-with-claude/prompt-caching
 */

export const FAKE_DIAGNOSIS =
  'The Fly API rejects the deploy token with HTTP 401 while Doppler and Postgres are healthy, so the credential itself is the likely fault. ' +
  'Most likely the Fly token expired or was rotated without updating the runtime secret.\nNext step: mint a new Fly deploy token and update it in Doppler.';

/** MODELS: effort levels, medium by default; adaptive thinking on by default. */
const EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
type FakeEffort = (typeof EFFORTS)[number];

/**
 * Thinking tokens the fake bills per turn, by effort. This is our model of the real
 * model, not a measurement: PROMPTING says thinking is on by default, counts toward
 * max_tokens and grows with effort ("much longer" at xhigh/max), and the issue reports
 * that 600 max_tokens can end a turn after thinking with no text; these sizes honour
 * both (medium alone exceeds 600). Real thinking varies with the prompt.
 */
export const FAKE_THINKING_TOKENS: Record<FakeEffort, number> = { low: 150, medium: 700, high: 1800, xhigh: 4000, max: 8000 };

/** MIGRATION: "the same text counts about 30 % more tokens" than Haiku 4.5's ~4 chars a token: ~3 chars a token. */
const CHARS_PER_TOKEN = 3;
/** CACHING / MODELS: the minimum cacheable prompt of claude-haiku-5-5. */
const MIN_CACHEABLE_TOKENS = 512;
const CACHE_TTL_MS = 5 * 60_000;

export interface FakeModel {
  /** THINKING/WHATS_NEW: adaptive thinking on unless the request disables it. */
  adaptiveThinking: boolean;
  /** MIGRATION: temperature/top_p/top_k and assistant prefill answer 400. */
  strictSampling: boolean;
  /** The model named in the answer when it is not the one asked for (an alias, a gateway's routing). */
  answersAs?: string;
}

const HAIKU_5_5: FakeModel = { adaptiveThinking: true, strictSampling: true };

export function tokensOf(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** What the model says in one turn; the fake adds thinking, usage, ids and the wire format. */
export interface ModelSpec {
  text?: string;
  calls?: FakeToolCall[];
  /** Explicit usage, used verbatim (tests of pricing); otherwise the fake counts. */
  usage?: Record<string, number>;
  stopReason?: string;
  stopDetails?: { type: 'refusal'; category: string | null; explanation: string | null } | null;
  /** false: this answer has no thinking block even with thinking on. */
  thinking?: boolean;
  pacing?: StreamPacing;
}

export interface StreamPacing {
  /** Before the response headers. */
  firstByteDelayMs?: number;
  /** Between SSE events (pings go out meanwhile every `pingEveryMs`). */
  eventDelayMs?: number;
  /** Instead of eventDelayMs: the events spread evenly over this long. */
  spreadOverMs?: number;
  /** Text deltas of about this many characters. */
  chunkChars?: number;
  pingEveryMs?: number;
  /** Goes silent (holds the connection, sends nothing) after this many events. */
  stallAfterEvents?: number;
}

interface ErrorSpec {
  status: number;
  type: string;
  message?: string;
  retryAfter?: string;
  retryAfterMs?: string;
  shouldRetry?: 'true' | 'false';
  details?: Record<string, unknown>;
}

type Spec = { model: ModelSpec } | { error: ErrorSpec };

export interface FakeToolCall {
  name: string;
  input: unknown;
}

/** A plain message body (kept for scripts that build bodies); the fake turns it into a faithful answer. */
export function anthropicMessage(text: string, extra: Record<string, unknown> = {}) {
  return {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model: 'claude-haiku-5-5',
    content: text ? [{ type: 'text', text }] : [],
    stop_reason: 'end_turn',
    stop_sequence: null,
    ...extra,
  };
}

let toolUseCounter = 0;

/** A turn in which the model asks for tools (optionally with some text first). */
export function toolUseMessage(calls: FakeToolCall[], text = '', usage?: Record<string, number>) {
  return {
    ...anthropicMessage(text),
    content: [
      ...(text ? [{ type: 'text', text }] : []),
      ...calls.map((call) => ({ type: 'tool_use', id: `toolu_fake_${++toolUseCounter}`, name: call.name, input: call.input })),
    ],
    stop_reason: 'tool_use',
    ...(usage ? { usage } : {}),
  };
}

/** What the model was sent as tool results in one request (the last user message's tool_result blocks). */
export function toolResultsIn(request: RecordedRequest): Array<{ tool_use_id: string; content: string; is_error?: boolean }> {
  const messages = request.body.messages as Array<{ role: string; content: unknown }>;
  const last = messages.at(-1);
  if (!last || last.role !== 'user' || !Array.isArray(last.content)) return [];
  return (last.content as Array<{ type: string; tool_use_id: string; content: string; is_error?: boolean }>).filter(
    (block) => block.type === 'tool_result',
  );
}

export type Block = Record<string, unknown> & { type: string };

interface IssuedTurn {
  thinking: Array<{ thinking: string; signature: string }>;
  /** Hash of system, tools and the messages before this turn, when it was generated. */
  prefix: string;
}

class InvalidRequest extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Anthropic Messages API stand-in: POST /v1/messages checks the request as the
 * real API does, then answers the next scripted behaviour, else what `respond`
 * makes of the request (a scripted agent that reads its tool results), else a
 * plain diagnosis, with signed thinking first, counted usage, a `request-id`
 * header, and SSE when `stream: true`. GET /v1/models/{id} (`probe-wake doctor`)
 * describes a known model and 404s an unknown one.
 */
export class FakeAnthropic extends FakeHttpServer {
  respond?: (request: RecordedRequest) => Behaviour | undefined;
  /** Model IDs the fake serves; others get 404 not_found_error. */
  readonly models = new Map<string, FakeModel>([['claude-haiku-5-5', HAIKU_5_5]]);
  private readonly secret = randomBytes(16);
  private readonly issuedByToolUse = new Map<string, IssuedTurn>();
  private readonly issuedSignatures = new Map<string, string>();
  private readonly cache = new Map<string, number>();
  /** request-id of every response, in order. */
  readonly requestIds: string[] = [];
  /** Every Message the fake answered with (thinking, usage and all), in order. */
  readonly answers: Array<Record<string, unknown> & { content: Block[]; usage: Record<string, number> }> = [];

  constructor(private readonly defaultText = FAKE_DIAGNOSIS) {
    super((path) => {
      if (path.endsWith('/v1/messages')) return (request, scripted) => this.messages(request, scripted);
      const model = /\/v1\/models\/([^/]+)$/.exec(path)?.[1];
      if (model) return (_req, scripted) => scripted ?? this.describeModel(decodeURIComponent(model));
      return undefined;
    });
  }

  /** Serves `id` like claude-haiku-5-5 (a gateway's or a test's own model name). */
  addModel(id: string, model: FakeModel = HAIKU_5_5): void {
    this.models.set(id, model);
  }

  get messageRequests() {
    return this.requestsTo('/v1/messages');
  }

  override reset(): void {
    super.reset();
    this.respond = undefined;
    this.requestIds.length = 0;
    this.answers.length = 0;
    // The prompt cache is the server's: it outlives a test's reset, as the real one lives its 5 minutes.
  }

  /** ERRORS: 529 overloaded_error. */
  static overloaded(): Behaviour {
    return FakeAnthropic.status(529, 'overloaded_error');
  }

  /** An error answer in the real shape; `extra` adds the headers and body details some answers carry. */
  static status(status: number, type = 'api_error', retryAfter?: string, extra: Partial<Omit<ErrorSpec, 'status' | 'type'>> = {}): Behaviour {
    return { kind: 'custom', spec: { error: { status, type, retryAfter, ...extra } } satisfies Spec };
  }

  /**
   * ERRORS: an organization past its monthly spend cap gets a 429 rate_limit_error with
   * error.details.error_code "enforced_spend_limit_reached" and no retry-after.
   */
  static spendLimitReached(): Behaviour {
    return FakeAnthropic.status(429, 'rate_limit_error', undefined, {
      message: 'You have reached your API usage limits. Access resumes at 00:00 UTC on the first of next month.',
      details: { error_code: 'enforced_spend_limit_reached' },
    });
  }

  static text(text: string, extra: Record<string, unknown> = {}): Behaviour {
    return { kind: 'ok', body: anthropicMessage(text, extra) };
  }

  static toolUse(calls: FakeToolCall[], text = ''): Behaviour {
    return { kind: 'ok', body: toolUseMessage(calls, text) };
  }

  /**
   * MIGRATION/PROMPTING: the safety classifiers stop the answer with stop_reason "refusal",
   * possibly after partial text, with stop_details naming the category; no server-side fallback.
   */
  static refusal(partialText = '', category: string | null = 'cyber'): Behaviour {
    const explanation = category ? `This request triggered ${category}-related safeguards.` : null;
    return { kind: 'custom', spec: { model: { text: partialText, stopReason: 'refusal', stopDetails: { type: 'refusal', category, explanation } } } satisfies Spec };
  }

  /** Any answer, streamed at the given pace (when the client streams; otherwise sent after the same total time). */
  static paced(model: ModelSpec, pacing: StreamPacing): Behaviour {
    return { kind: 'custom', spec: { model: { ...model, pacing } } satisfies Spec };
  }

  /** A model that takes `totalMs` to write `text`, a chunk every `everyMs` (a slow gateway or a self-hosted model). */
  static slowStream(text: string, totalMs: number, everyMs = 2000): Behaviour {
    const events = Math.max(1, Math.floor(totalMs / everyMs));
    return FakeAnthropic.paced({ text }, { spreadOverMs: totalMs, chunkChars: Math.max(1, Math.ceil(text.length / events)), pingEveryMs: 5000 });
  }

  private describeModel(id: string): Behaviour {
    if (!this.models.has(id)) return FakeAnthropic.status(404, 'not_found_error', undefined, { message: `model: ${id}` });
    return { kind: 'custom', play: (res) => this.writeJson(res, 200, { type: 'model', id, display_name: id, created_at: '2026-10-07T00:00:00Z' }) };
  }

  private async messages(request: RecordedRequest, scripted: Behaviour | undefined): Promise<Behaviour> {
    try {
      this.check(request);
    } catch (err) {
      if (!(err instanceof InvalidRequest)) throw err;
      return FakeAnthropic.status(err.status, err.type, undefined, { message: err.message });
    }
    const behaviour = scripted ?? this.respond?.(request) ?? FakeAnthropic.text(this.defaultText);
    return this.faithful(behaviour, request);
  }

  /** Scripted behaviours in the real wire format; faults the HTTP layer plays (reset, hold, malformed...) pass through. */
  private faithful(behaviour: Behaviour, request: RecordedRequest): Behaviour {
    switch (behaviour.kind) {
      case 'ok':
        return this.answer(specOfBody(behaviour.body ?? anthropicMessage(this.defaultText)), request);
      case 'status':
        return this.errorAnswer({ status: behaviour.status, type: errorTypeOf(behaviour.body), retryAfter: behaviour.retryAfter });
      case 'slow':
        return { ...behaviour, then: this.faithful(behaviour.then ?? { kind: 'ok' }, request) };
      case 'malformed':
      case 'resetMidBody':
        return request.body.stream === true ? this.brokenStream(behaviour.kind) : behaviour;
      case 'custom': {
        const spec = behaviour.spec as Spec | undefined;
        if (!spec) return behaviour;
        return 'error' in spec ? this.errorAnswer(spec.error) : this.answer(spec.model, request);
      }
      default:
        return behaviour;
    }
  }

  // ---- request checks -------------------------------------------------------------------------------------------

  private check(request: RecordedRequest): void {
    const body = request.body;
    const modelId = String(body.model ?? '');
    const model = this.models.get(modelId);
    // ERRORS: 404 not_found_error for a model the key cannot use.
    if (!model) throw new InvalidRequest(404, 'not_found_error', `model: ${modelId}`);
    if (typeof body.max_tokens !== 'number' || body.max_tokens < 1) throw invalid('max_tokens: Field required');
    const messages = body.messages as Array<{ role: string; content: unknown }> | undefined;
    if (!Array.isArray(messages) || messages.length === 0) throw invalid('messages: at least one message is required');
    if (model.strictSampling) {
      // MIGRATION / WHATS_NEW: non-default sampling parameters answer 400 on claude-haiku-5-5.
      if (body.temperature !== undefined && body.temperature !== 1) throw invalid('temperature: is not supported on this model; remove it');
      for (const name of ['top_p', 'top_k']) if (body[name] !== undefined) throw invalid(`${name}: is not supported on this model; remove it`);
      // MIGRATION: assistant prefill answers 400 (end the messages with a user turn), thinking on or off.
      if (messages.at(-1)?.role === 'assistant') throw invalid('messages: the final message must be a user message; assistant prefill is not supported on this model');
    }
    const thinking = body.thinking as { type?: string } | undefined;
    // MIGRATION: manual extended thinking (budget_tokens) answers 400; adaptive replaces it.
    if (thinking?.type === 'enabled') throw invalid('thinking.type: "enabled" is not supported on this model; use {"type": "adaptive"}');
    const effort = (body.output_config as { effort?: unknown } | undefined)?.effort;
    if (effort !== undefined && !EFFORTS.includes(effort as FakeEffort)) throw invalid(`output_config.effort: must be one of ${EFFORTS.join(', ')}`);
    // PROMPTING: thinking can be disabled only at low, medium and high effort.
    if (thinking?.type === 'disabled' && (effort === 'xhigh' || effort === 'max')) throw invalid('thinking.type: "disabled" is not supported at effort xhigh or max');
    this.checkThinkingPassedBack(body, messages);
  }

  /**
   * THINKING: with tool use, the assistant turn's thinking blocks go back unmodified
   * (the signature is checked) and first in that turn; WHATS_NEW/MIGRATION: earlier
   * turns (and system, tools) must stay append-only or the thinking blocks are invalid.
   */
  private checkThinkingPassedBack(body: Record<string, unknown>, messages: Array<{ role: string; content: unknown }>): void {
    messages.forEach((message, index) => {
      if (message.role !== 'assistant' || !Array.isArray(message.content)) return;
      const blocks = message.content as Block[];
      const sent = blocks.filter(isThinking);
      for (const block of sent) {
        if (block.type === 'thinking' && this.issuedSignatures.get(String(block.signature)) !== block.thinking) {
          throw invalid(`messages.${index}.content.${blocks.indexOf(block)}: Invalid \`signature\` in \`thinking\` block`);
        }
      }
      const toolUse = blocks.find((block) => block.type === 'tool_use');
      const issued = toolUse ? this.issuedByToolUse.get(String(toolUse.id)) : undefined;
      if (!issued || issued.thinking.length === 0) return;
      if (sent.length === 0 || !isThinking(blocks[0]!)) {
        throw invalid(
          `messages.${index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${blocks[0]?.type}\`. ` +
            'When thinking is enabled, an assistant message with tool_use must start with the thinking blocks of that turn, unmodified.',
        );
      }
      const leading = blocks.slice(0, issued.thinking.length);
      const same = leading.every((block, i) => block.type === 'thinking' && block.signature === issued.thinking[i]!.signature && block.thinking === issued.thinking[i]!.thinking);
      if (!same || blocks.slice(issued.thinking.length).some(isThinking)) {
        throw invalid(`messages.${index}.content: thinking blocks must be passed back unmodified, in their original order, first in the turn`);
      }
      if (prefixHash(body, messages.slice(0, index)) !== issued.prefix) {
        throw invalid(`messages.${index}: thinking blocks cannot be verified because earlier messages, system or tools changed; keep the conversation append-only`);
      }
    });
  }

  // ---- answers --------------------------------------------------------------------------------------------------

  private answer(spec: ModelSpec, request: RecordedRequest): Behaviour {
    const message = this.compose(spec, request);
    const stream = request.body.stream === true;
    return { kind: 'custom', play: (res) => (stream ? this.writeStream(res, message, spec.pacing ?? {}) : this.writePaced(res, message, spec.pacing ?? {})) };
  }

  /** The whole Message: thinking first, the spoken blocks, max_tokens applied, usage counted, the turn remembered. */
  private compose(spec: ModelSpec, request: RecordedRequest): Record<string, unknown> {
    const body = request.body;
    const modelId = String(body.model);
    const model = this.models.get(modelId)!;
    const thinkingConfig = body.thinking as { type?: string; display?: string } | undefined;
    const effort = ((body.output_config as { effort?: FakeEffort } | undefined)?.effort ?? 'medium') as FakeEffort;
    const thinks = model.adaptiveThinking && thinkingConfig?.type !== 'disabled' && spec.thinking !== false;
    const maxTokens = Number(body.max_tokens);
    const spoken: Block[] = [
      ...(spec.text ? [{ type: 'text', text: spec.text }] : []),
      ...(spec.calls ?? []).map((call) => ({ type: 'tool_use', id: `toolu_fake_${++toolUseCounter}`, name: call.name, input: call.input })),
    ];
    const content: Block[] = [];
    let used = 0;
    let stopReason = spec.stopReason ?? (spoken.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
    if (thinks) {
      // THINKING: thinking tokens count toward max_tokens; WHATS_NEW: the thinking text is omitted by default
      // (thinking.display "summarized" returns a summary), the signature is always there.
      const thinkingTokens = Math.min(FAKE_THINKING_TOKENS[effort], maxTokens);
      const text = thinkingConfig?.display === 'summarized' ? `(summary) Weighing the wake against the other probes at ${effort} effort.` : '';
      const signature = this.sign(text);
      content.push({ type: 'thinking', thinking: text, signature });
      used += thinkingTokens;
    }
    for (const block of spoken) {
      const left = maxTokens - used;
      if (left <= 0) {
        stopReason = 'max_tokens';
        break;
      }
      const cost = block.type === 'text' ? tokensOf(String(block.text)) : tokensOf(JSON.stringify(block.input)) + 20;
      if (cost <= left) {
        content.push(block);
        used += cost;
      } else {
        // Cut where the budget ends: text stops mid-way, a tool call that does not fit is never emitted.
        if (block.type === 'text') content.push({ type: 'text', text: String(block.text).slice(0, left * CHARS_PER_TOKEN) });
        used = maxTokens;
        stopReason = 'max_tokens';
        break;
      }
    }
    if (used >= maxTokens && stopReason !== 'refusal') stopReason = 'max_tokens';
    const messages = body.messages as Array<{ role: string; content: unknown }>;
    const issued: IssuedTurn = {
      thinking: content.filter((b) => b.type === 'thinking').map((b) => ({ thinking: String(b.thinking), signature: String(b.signature) })),
      prefix: prefixHash(body, messages),
    };
    for (const block of content) if (block.type === 'tool_use') this.issuedByToolUse.set(String(block.id), issued);
    const message = {
      id: `msg_${randomBytes(12).toString('hex')}`,
      type: 'message',
      role: 'assistant',
      model: model.answersAs ?? modelId,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      stop_details: spec.stopDetails ?? null,
      usage: spec.usage ?? { ...this.inputUsage(body), output_tokens: Math.max(1, used) },
    };
    this.answers.push(message);
    return message;
  }

  /** PRICING/CACHING: input split into cache reads, cache writes (5 min) and the rest; a prefix under 512 tokens is not cached. */
  private inputUsage(body: Record<string, unknown>): Record<string, number> {
    const prefix = JSON.stringify([body.tools ?? null, body.system ?? null]);
    const prefixTokens = tokensOf(prefix);
    const restTokens = tokensOf(JSON.stringify(body.messages));
    const marked = prefix.includes('"cache_control"');
    if (!marked || prefixTokens < MIN_CACHEABLE_TOKENS) {
      return { input_tokens: prefixTokens + restTokens, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
    }
    const key = createHash('sha256').update(String(body.model)).update(prefix).digest('hex');
    const now = Date.now();
    const hit = (this.cache.get(key) ?? 0) > now;
    this.cache.set(key, now + CACHE_TTL_MS);
    return hit
      ? { input_tokens: restTokens, cache_read_input_tokens: prefixTokens, cache_creation_input_tokens: 0 }
      : { input_tokens: restTokens, cache_read_input_tokens: 0, cache_creation_input_tokens: prefixTokens };
  }

  private sign(thinking: string): string {
    const signature = createHmac('sha256', this.secret).update(randomBytes(8)).update(thinking).digest('base64');
    this.issuedSignatures.set(signature, thinking);
    return signature;
  }

  /** The streamed forms of the HTTP layer's faults: an event whose data is not JSON, or the connection cut mid-event. */
  private brokenStream(kind: 'malformed' | 'resetMidBody'): Behaviour {
    return {
      kind: 'custom',
      play: (res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': this.newRequestId() });
        if (kind === 'malformed') {
          res.end('event: message_start\ndata: {"type": "message_start", "message": not json\n\n');
          return;
        }
        res.write('event: message_start\ndata: {"type":"message_start","message":{"id":"msg_cut","type":"mess');
        setTimeout(() => res.socket?.destroy(), 20);
      },
    };
  }

  private errorAnswer(spec: ErrorSpec): Behaviour {
    return {
      kind: 'custom',
      play: (res) => {
        const headers: Record<string, string> = {};
        if (spec.retryAfter !== undefined) headers['retry-after'] = spec.retryAfter;
        if (spec.retryAfterMs !== undefined) headers['retry-after-ms'] = spec.retryAfterMs;
        if (spec.shouldRetry !== undefined) headers['x-should-retry'] = spec.shouldRetry;
        const error = { type: spec.type, message: spec.message ?? `fake ${spec.status}`, ...(spec.details ? { details: spec.details } : {}) };
        // ERRORS: {type:"error", error:{type, message}, request_id} and the request-id header.
        this.writeJson(res, spec.status, (requestId: string) => ({ type: 'error', error, request_id: requestId }), headers);
      },
    };
  }

  // ---- the wire -------------------------------------------------------------------------------------------------

  /** ERRORS: every response carries a unique `request-id` header. */
  private newRequestId(): string {
    const id = `req_${randomBytes(12).toString('hex')}`;
    this.requestIds.push(id);
    return id;
  }

  private writeJson(res: http.ServerResponse, status: number, body: unknown | ((requestId: string) => unknown), headers: Record<string, string> = {}): void {
    const requestId = this.newRequestId();
    const payload = typeof body === 'function' ? (body as (id: string) => unknown)(requestId) : body;
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...headers }).end(JSON.stringify(payload));
  }

  private async writePaced(res: http.ServerResponse, message: Record<string, unknown>, pacing: StreamPacing): Promise<void> {
    const events = sseEvents(message, pacing.chunkChars ?? 4000).length;
    await sleep((pacing.firstByteDelayMs ?? 0) + (pacing.spreadOverMs ?? (pacing.eventDelayMs ?? 0) * events));
    if (res.destroyed) return;
    this.writeJson(res, 200, message);
  }

  /** STREAMING: message_start, per block content_block_start/_delta/_stop, message_delta, message_stop; pings between. */
  private async writeStream(res: http.ServerResponse, message: Record<string, unknown>, pacing: StreamPacing): Promise<void> {
    await sleep(pacing.firstByteDelayMs ?? 0);
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': this.newRequestId() });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const events = sseEvents(message, pacing.chunkChars ?? 4000);
    const delay = pacing.spreadOverMs !== undefined ? pacing.spreadOverMs / Math.max(1, events.length - 1) : (pacing.eventDelayMs ?? 0);
    let lastPing = Date.now();
    for (const [i, [event, data]] of events.entries()) {
      if (pacing.stallAfterEvents !== undefined && i >= pacing.stallAfterEvents) return; // silent from here on, connection held
      if (i > 0 && delay) {
        let waited = 0;
        while (waited < delay) {
          const step = Math.min(delay - waited, pacing.pingEveryMs ?? delay);
          await sleep(step);
          waited += step;
          if (res.destroyed) return;
          if (pacing.pingEveryMs && Date.now() - lastPing >= pacing.pingEveryMs) {
            send('ping', { type: 'ping' });
            lastPing = Date.now();
          }
        }
      }
      if (res.destroyed) return;
      send(event, data);
    }
    res.end();
  }
}

/** A scripted message body as a spec: its text and tool calls (thinking is the fake's to add). */
function specOfBody(body: unknown): ModelSpec {
  const message = body as { content?: Block[]; stop_reason?: string; usage?: Record<string, number>; stop_details?: ModelSpec['stopDetails'] };
  const blocks = message.content ?? [];
  const text = blocks.filter((b) => b.type === 'text').map((b) => String(b.text)).join('');
  const calls = blocks.filter((b) => b.type === 'tool_use').map((b) => ({ name: String(b.name), input: b.input }));
  // A scripted max_tokens stop stays one (a model that ran out of room), as does an explicit usage.
  return {
    text,
    calls,
    ...(message.usage ? { usage: message.usage } : {}),
    ...(message.stop_reason === 'max_tokens' || message.stop_reason === 'refusal' ? { stopReason: message.stop_reason } : {}),
    ...(message.stop_details ? { stopDetails: message.stop_details } : {}),
  };
}

function errorTypeOf(body: unknown): string {
  const type = (body as { error?: { type?: unknown } } | undefined)?.error?.type;
  return typeof type === 'string' ? type : 'api_error';
}

function isThinking(block: Block): boolean {
  return block.type === 'thinking' || block.type === 'redacted_thinking';
}

function invalid(message: string): InvalidRequest {
  return new InvalidRequest(400, 'invalid_request_error', message);
}

function prefixHash(body: Record<string, unknown>, messages: unknown[]): string {
  return createHash('sha256').update(JSON.stringify([body.system ?? null, body.tools ?? null, messages])).digest('hex');
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
