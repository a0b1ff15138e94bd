import * as AnthropicErrors from '@anthropic-ai/sdk';
import { ApplicationFailure } from '@temporalio/common';

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

export function modelErrorClass(err: unknown): string {
  for (const [name, cls] of ERROR_CLASSES) if (err instanceof cls) return name;
  // The streaming helper (MessageStream) wraps whatever broke the stream in a plain AnthropicError with the
  // original as its cause; with no cause, the stream ended before a whole message arrived.
  if (err instanceof AnthropicErrors.AnthropicError && err.constructor === AnthropicErrors.AnthropicError) {
    const cause = (err as { cause?: unknown }).cause;
    return cause === undefined ? 'IncompleteStreamError' : modelErrorClass(cause);
  }
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

/** The activity's own reasons to end a streamed answer (askModel's StreamWatch); both are retried. */
export class StreamStop extends Error {
  constructor(
    readonly errorClass: 'StreamSilenceTimeout' | 'TurnBudgetExceeded',
    message: string,
  ) {
    super(message);
    this.name = errorClass;
  }
}

/** A retry delay the server asked for is followed up to this (the SDK's own ceiling is a timer's range). */
const MAX_SERVER_RETRY_DELAY_MS = 60_000;

/**
 * An SDK error as a typed failure, retried or not the way the SDK itself would
 * (@anthropic-ai/sdk shouldRetry / retryRequest):
 * - `x-should-retry: true|false` decides, when present;
 * - else 408, 409, 429 and 5xx (529 included) and connection errors are retried, other statuses not;
 * - the next attempt waits `retry-after-ms`, else `retry-after` (seconds or an HTTP date), else Temporal's backoff.
 * One exception the SDK does not know: a 429 whose body says the spend limit is reached
 * (error.details.error_code `enforced_spend_limit_reached`, no retry-after) cannot succeed before
 * the limit resets, so it is not retried (https://platform.claude.com/docs/en/api/errors).
 * The request-id travels in the message and the details, for support.
 */
export function modelFailure(err: unknown, requestId?: string): ApplicationFailure {
  if (err instanceof StreamStop) {
    return ApplicationFailure.create({ type: err.errorClass, message: `Anthropic ${err.errorClass}: ${err.message}`, details: [{ status: null, requestId: requestId ?? null }] });
  }
  const errorClass = modelErrorClass(err);
  const apiError = err instanceof AnthropicErrors.APIError ? err : undefined;
  const status = apiError?.status;
  const id = apiError?.requestID ?? requestId ?? undefined;
  const spendLimit = status === 429 && isSpendLimit(apiError?.error);
  const message = `Anthropic ${errorClass}${status ? ` (HTTP ${status})` : ''}${spendLimit ? ': spend limit reached' : ''}${id ? ` request-id ${id}` : ''}`;
  const headers = apiError?.headers;
  const delayMs = headers ? serverRetryDelayMs(headers) : undefined;
  return ApplicationFailure.create({
    message,
    type: errorClass,
    details: [{ status: status ?? null, requestId: id ?? null, ...(spendLimit ? { spendLimit: true } : {}) }],
    nonRetryable: spendLimit || !shouldRetry(status, headers),
    nextRetryDelay: delayMs !== undefined ? Math.max(1000, Math.ceil(delayMs / 1000) * 1000) : undefined,
  });
}

/** As the SDK decides; no status means the request never got an answer (connection, timeout, body): retried. */
export function shouldRetry(status: number | undefined, headers: Headers | undefined): boolean {
  const header = headers?.get('x-should-retry');
  if (header === 'true') return true;
  if (header === 'false') return false;
  if (status === undefined) return true;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** retry-after-ms first, then retry-after (seconds or an HTTP date); undefined when absent, unparseable or not positive. */
export function serverRetryDelayMs(headers: Headers, nowMs = Date.now()): number | undefined {
  let delay: number | undefined;
  const ms = headers.get('retry-after-ms');
  if (ms && !Number.isNaN(parseFloat(ms))) delay = parseFloat(ms);
  const after = headers.get('retry-after');
  if (after && delay === undefined) {
    const seconds = parseFloat(after);
    delay = Number.isNaN(seconds) ? Date.parse(after) - nowMs : seconds * 1000;
  }
  if (delay === undefined || !(delay > 0) || Number.isNaN(delay)) return undefined;
  return Math.min(delay, MAX_SERVER_RETRY_DELAY_MS);
}

function isSpendLimit(body: unknown): boolean {
  const error = (body as { error?: { details?: { error_code?: unknown } } } | undefined)?.error;
  return error?.details?.error_code === 'enforced_spend_limit_reached';
}
