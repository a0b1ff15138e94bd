import * as AnthropicErrors from '@anthropic-ai/sdk';
import type { ApplicationFailure } from '@temporalio/common';
import { retryAfterFailure } from './retryAfterFailure';

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

/** An SDK error as a typed failure: the class is the failure type, Retry-After becomes the next retry delay. */
export function engineFailure(err: unknown): ApplicationFailure {
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
