import { ApplicationFailure, TimeoutFailure, type TemporalFailure } from '@temporalio/common';
import { ActivityFailure } from '@temporalio/workflow';
import { FailureType } from '../domain/failures';

/**
 * What an activity failed with. An ordinary activity's failure arrives
 * wrapped in an ActivityFailure; a local activity's arrives as the failure
 * itself (ApplicationFailure, TimeoutFailure). Anything else is a bug: rethrown.
 */
export function activityFailureCause(err: unknown): TemporalFailure | Error | undefined {
  if (err instanceof ActivityFailure) return err.cause;
  if (err instanceof ApplicationFailure || err instanceof TimeoutFailure) return err;
  throw err;
}

/** The stable reason codes of the fallback DM. */
export function fallbackReason(err: unknown): string {
  const cause = activityFailureCause(err);
  if (cause instanceof ApplicationFailure) {
    if (cause.type === FailureType.modelUnavailable) return 'engine_unavailable';
    return `engine_exception:${cause.type ?? 'Error'}`;
  }
  if (cause instanceof TimeoutFailure) return 'engine_exception:ActivityTimeout';
  return `engine_exception:${cause?.name ?? 'Error'}`;
}

export function describeActivityFailure(err: unknown): string {
  const cause = activityFailureCause(err);
  return cause?.message ?? (err as Error).message;
}
