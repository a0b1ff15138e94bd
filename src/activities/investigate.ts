import Anthropic, * as AnthropicErrors from '@anthropic-ai/sdk';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Wake } from '../domain/auditRow';
import { answerText } from '../domain/answerText';
import { buildPrompt } from '../domain/prompt';
import { readAuditContext } from './auditContext';
import { FailureType, retryAfterFailure } from '../domain/failures';

export interface EngineSettings {
  apiKey?: string;
  baseUrl?: string;
  model: string;
  /** Per HTTP request; kept below the activity's start-to-close timeout. */
  requestTimeoutMs: number;
  maxTokens: number;
}

export interface InvestigateInput {
  wake: Wake;
}

export interface EngineAnswer {
  text: string;
  model: string;
  stopReason: string | null;
  usage: { inputTokens: number; outputTokens: number };
}

/**
 * Most specific first: OverloadedError (529) is an InternalServerError, a
 * timeout is a connection error. Matching on classes, never on messages.
 */
const ERROR_CLASSES: Array<[string, new (...args: never[]) => Error]> = [
  ['OverloadedError', AnthropicErrors.OverloadedError],
  ['ServiceUnavailableError', AnthropicErrors.ServiceUnavailableError],
  ['GatewayTimeoutError', AnthropicErrors.GatewayTimeoutError],
  ['NotImplementedError', AnthropicErrors.NotImplementedError],
  ['InternalServerError', AnthropicErrors.InternalServerError],
  ['BadRequestError', AnthropicErrors.BadRequestError],
  ['AuthenticationError', AnthropicErrors.AuthenticationError],
  ['PaymentRequiredError', AnthropicErrors.PaymentRequiredError],
  ['PermissionDeniedError', AnthropicErrors.PermissionDeniedError],
  ['NotFoundError', AnthropicErrors.NotFoundError],
  ['RequestTimeoutError', AnthropicErrors.RequestTimeoutError],
  ['ConflictError', AnthropicErrors.ConflictError],
  ['ContentTooLargeError', AnthropicErrors.ContentTooLargeError],
  ['UnprocessableEntityError', AnthropicErrors.UnprocessableEntityError],
  ['PreconditionFailedError', AnthropicErrors.PreconditionFailedError],
  ['RequestHeaderFieldsTooLargeError', AnthropicErrors.RequestHeaderFieldsTooLargeError],
  ['ClientClosedRequestError', AnthropicErrors.ClientClosedRequestError],
  ['RateLimitError', AnthropicErrors.RateLimitError],
  ['APIConnectionTimeoutError', AnthropicErrors.APIConnectionTimeoutError],
  ['APIUserAbortError', AnthropicErrors.APIUserAbortError],
  ['APIConnectionError', AnthropicErrors.APIConnectionError],
  ['APIError', AnthropicErrors.APIError],
];

export function engineErrorClass(err: unknown): string {
  for (const [name, cls] of ERROR_CLASSES) if (err instanceof cls) return name;
  // Errors raised while reading the response body escape the SDK's own classes.
  // Checked by name, not instanceof: fetch's errors may come from another realm.
  const name = typeof err === 'object' && err !== null ? String((err as { name?: unknown }).name ?? '') : '';
  if (name === 'SyntaxError') return 'MalformedResponseError'; // a 200 whose body is not JSON
  if (name === 'TypeError' && hasNetworkCause(err)) return 'APIConnectionError'; // e.g. reset mid-body ("terminated")
  return name || 'UnknownError';
}

/** fetch (undici) reports socket failures as a TypeError whose cause carries an errno-style code. */
function hasNetworkCause(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  return typeof cause === 'object' && cause !== null && typeof cause.code === 'string';
}

/** Asks the Anthropic Messages API for a diagnosis. Throws typed failures; the workflow owns retries. */
export function createInvestigate(settings: EngineSettings, auditLogPath: string) {
  return async function investigate({ wake }: InvestigateInput): Promise<EngineAnswer> {
    // Decided from our own config: without a key the SDK would go looking in a credential chain.
    if (!settings.apiKey) {
      throw ApplicationFailure.create({ type: FailureType.engineUnavailable, message: 'ANTHROPIC_API_KEY is not set' });
    }
    const prompt = buildPrompt(wake, await readAuditContext(auditLogPath, wake.probe));
    const client = new Anthropic({
      apiKey: settings.apiKey,
      baseURL: settings.baseUrl ?? null,
      maxRetries: 0, // one retry layer: Temporal's
      timeout: settings.requestTimeoutMs,
    });
    let response: Anthropic.Message;
    try {
      response = await client.messages.create(
        {
          model: settings.model,
          max_tokens: settings.maxTokens,
          system: prompt.system,
          messages: [{ role: 'user', content: prompt.user }],
        },
        { signal: Context.current().cancellationSignal },
      );
    } catch (err) {
      throw toFailure(err);
    }
    const text = answerText(
      (response.content ?? []).map((block) => (block.type === 'text' ? block.text : '')).join(''),
      response.stop_reason,
    );
    if (!text) {
      throw ApplicationFailure.create({
        type: FailureType.emptyResponseText,
        message: `the model answered with no text (stop_reason=${response.stop_reason ?? 'none'})`,
      });
    }
    return {
      text,
      model: response.model ?? settings.model,
      stopReason: response.stop_reason ?? null,
      usage: { inputTokens: response.usage?.input_tokens ?? 0, outputTokens: response.usage?.output_tokens ?? 0 },
    };
  };
}

function toFailure(err: unknown): ApplicationFailure {
  const errorClass = engineErrorClass(err);
  const status = err instanceof AnthropicErrors.APIError ? err.status : undefined;
  const message = `Anthropic ${errorClass}${status ? ` (HTTP ${status})` : ''}`;
  const retryAfter = err instanceof AnthropicErrors.APIError ? parseRetryAfter(err.headers?.get('retry-after')) : undefined;
  return retryAfterFailure(message, errorClass, retryAfter, [{ status: status ?? null }]);
}

function parseRetryAfter(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 60) : undefined;
}
