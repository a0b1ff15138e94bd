import * as AnthropicErrors from '@anthropic-ai/sdk';
import type { ApplicationFailure } from '@temporalio/common';
import { retryAfterFailure } from '../domain/failures';

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
  return err instanceof Error ? err.name || 'Error' : 'UnknownError';
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
