import { ApplicationFailure } from '@temporalio/common';

/**
 * Failure types shared by activities (which throw them) and workflows (which
 * branch on them and list them as non-retryable where activities are proxied).
 * Kept free of Node imports so workflow code can use it.
 */
export const FailureType = {
  engineUnavailable: 'engine_unavailable',
  slackNotConfigured: 'SlackNotConfigured',
  slackPermanent: 'SlackPermanentError',
  slackTransient: 'SlackTransientError',
  auditLogUnreadable: 'AuditLogUnreadable',
} as const;

export function retryAfterFailure(message: string, type: string, retryAfterSeconds: number | undefined, details: unknown[]) {
  return ApplicationFailure.create({
    message,
    type,
    details,
    nextRetryDelay: retryAfterSeconds !== undefined ? `${Math.max(1, Math.ceil(retryAfterSeconds))}s` : undefined,
  });
}
