import { ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import { ActivityFailure } from '@temporalio/workflow';
import { FailureType } from '../domain/failures';

/** The stable reason codes of the fallback DM. Anything that is not an activity failure is a bug: rethrown. */
export function fallbackReason(err: unknown): string {
  if (!(err instanceof ActivityFailure)) throw err;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    if (cause.type === FailureType.engineUnavailable) return 'engine_unavailable';
    return `engine_exception:${cause.type ?? 'Error'}`;
  }
  if (cause instanceof TimeoutFailure) return 'engine_exception:ActivityTimeout';
  return `engine_exception:${cause?.name ?? 'Error'}`;
}

export function deliveryFailureReason(err: unknown): string {
  if (!(err instanceof ActivityFailure)) throw err;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    const code = typeof cause.details?.[0] === 'string' ? cause.details[0] : 'unknown';
    return cause.type === FailureType.slackNotConfigured ? code : `slack_error:${code}`;
  }
  if (cause instanceof TimeoutFailure) return 'slack_error:timeout';
  return `slack_error:${cause?.name ?? 'unknown'}`;
}

export function describeActivityFailure(err: unknown): string {
  if (!(err instanceof ActivityFailure)) throw err;
  return err.cause?.message ?? err.message;
}
