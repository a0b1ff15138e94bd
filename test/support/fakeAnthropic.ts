import { FakeHttpServer, type Behaviour } from './fakeHttp';

export const FAKE_DIAGNOSIS =
  'The Fly API rejects the deploy token with HTTP 401 while Doppler and Postgres are healthy, so the credential itself is the likely fault. ' +
  'Most likely the Fly token expired or was rotated without updating the runtime secret.\nNext step: mint a new Fly deploy token and update it in Doppler.';

export function anthropicMessage(text: string, extra: Record<string, unknown> = {}) {
  return {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model: 'claude-haiku-5-5',
    content: text ? [{ type: 'text', text }] : [],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 321, output_tokens: 54 },
    ...extra,
  };
}

/**
 * Anthropic API stand-in: POST /v1/messages answers the next scripted behaviour,
 * else a diagnosis; GET /v1/models/{id} (used by `probe-wake doctor`) describes any model.
 */
export class FakeAnthropic extends FakeHttpServer {
  constructor(defaultText = FAKE_DIAGNOSIS) {
    super((path) => {
      if (path.endsWith('/v1/messages')) return (_req, scripted) => scripted ?? { kind: 'ok', body: anthropicMessage(defaultText) };
      const model = /\/v1\/models\/([^/]+)$/.exec(path)?.[1];
      if (model) return (_req, scripted) => scripted ?? { kind: 'ok', body: { type: 'model', id: decodeURIComponent(model), display_name: model, created_at: '2026-01-01T00:00:00Z' } };
      return undefined;
    });
  }

  get messageRequests() {
    return this.requestsTo('/v1/messages');
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
}
