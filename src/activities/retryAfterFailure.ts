import { ApplicationFailure } from '@temporalio/common';

/** A retryable failure that asks Temporal to wait what the service said (Retry-After) before the next attempt. */
export function retryAfterFailure(message: string, type: string, retryAfterSeconds: number | undefined, details: unknown[]) {
  return ApplicationFailure.create({
    message,
    type,
    details,
    nextRetryDelay: retryAfterSeconds !== undefined ? `${Math.max(1, Math.ceil(retryAfterSeconds))}s` : undefined,
  });
}
