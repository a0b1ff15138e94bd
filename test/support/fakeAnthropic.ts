import { FakeHttpServer, type Behaviour, type RecordedRequest } from './fakeHttp';

export const FAKE_DIAGNOSIS =
  'The Fly API rejects the deploy token with HTTP 401 while Doppler and Postgres are healthy, so the credential itself is the likely fault. ' +
  'Most likely the Fly token expired or was rotated without updating the runtime secret.\nNext step: mint a new Fly deploy token and update it in Doppler.';

const USAGE = { input_tokens: 321, output_tokens: 54, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };

export function anthropicMessage(text: string, extra: Record<string, unknown> = {}) {
  return {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model: 'claude-haiku-5-5',
    content: text ? [{ type: 'text', text }] : [],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: USAGE,
    ...extra,
  };
}

export interface FakeToolCall {
  name: string;
  input: unknown;
}

let toolUseCounter = 0;

/** A turn in which the model asks for tools (optionally with some text first). */
export function toolUseMessage(calls: FakeToolCall[], text = '', usage: Record<string, number> = USAGE) {
  return {
    ...anthropicMessage(text),
    content: [
      ...(text ? [{ type: 'text', text }] : []),
      ...calls.map((call) => ({ type: 'tool_use', id: `toolu_fake_${++toolUseCounter}`, name: call.name, input: call.input })),
    ],
    stop_reason: 'tool_use',
    usage,
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

/**
 * Anthropic Messages API stand-in: POST /v1/messages answers the next scripted
 * behaviour, else what `respond` makes of the request (a scripted agent that
 * reads its tool results), else a plain diagnosis. GET /v1/models/{id}
 * (used by `probe-wake doctor`) describes any model.
 */
export class FakeAnthropic extends FakeHttpServer {
  respond?: (request: RecordedRequest) => Behaviour | undefined;

  constructor(defaultText = FAKE_DIAGNOSIS) {
    super((path) => {
      if (path.endsWith('/v1/messages')) {
        return (request, scripted) => scripted ?? this.respond?.(request) ?? { kind: 'ok', body: anthropicMessage(defaultText) };
      }
      const model = /\/v1\/models\/([^/]+)$/.exec(path)?.[1];
      if (model) return (_req, scripted) => scripted ?? { kind: 'ok', body: { type: 'model', id: decodeURIComponent(model), display_name: model, created_at: '2026-01-01T00:00:00Z' } };
      return undefined;
    });
  }

  get messageRequests() {
    return this.requestsTo('/v1/messages');
  }

  override reset(): void {
    super.reset();
    this.respond = undefined;
  }

  /** 529 with Anthropic's error body, as the real API sends when overloaded. */
  static overloaded(): Behaviour {
    return { kind: 'status', status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } };
  }

  static status(status: number, type = 'api_error', retryAfter?: string): Behaviour {
    return { kind: 'status', status, retryAfter, body: { type: 'error', error: { type, message: `fake ${status}` } } };
  }

  static text(text: string, extra: Record<string, unknown> = {}): Behaviour {
    return { kind: 'ok', body: anthropicMessage(text, extra) };
  }

  static toolUse(calls: FakeToolCall[], text = ''): Behaviour {
    return { kind: 'ok', body: toolUseMessage(calls, text) };
  }
}
