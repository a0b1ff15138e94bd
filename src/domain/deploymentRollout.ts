/**
 * Who becomes the Worker Deployment's current version when a worker starts
 * (docs/operations.md "Deploying new code"): the newest build wins. A worker
 * makes its own build current when the deployment has none, or when the current
 * one was first seen before its own; an older build that restarts during a
 * rollout (a crash, a rescheduled pod) keeps draining its pinned investigations
 * and does not take new work back. A rollback is an operator's explicit
 * `temporal worker deployment set-current-version`.
 */
export interface VersionSeen {
  buildId: string;
  /** When the server first saw a poller of this build (ms since epoch). */
  createdAtMs: number;
}

export type RolloutDecision = 'already_current' | 'become_current' | 'newer_is_current' | 'not_registered';

export function rolloutDecision(own: string, current: string | undefined, versions: readonly VersionSeen[]): RolloutDecision {
  if (current === own) return 'already_current';
  const mine = versions.find((v) => v.buildId === own);
  if (!mine) return 'not_registered';
  if (current === undefined) return 'become_current';
  const theirs = versions.find((v) => v.buildId === current);
  if (!theirs) return 'become_current';
  // Same instant: the lexically later build ID wins, so two racing builds agree.
  if (theirs.createdAtMs < mine.createdAtMs || (theirs.createdAtMs === mine.createdAtMs && current < own)) return 'become_current';
  return 'newer_is_current';
}
