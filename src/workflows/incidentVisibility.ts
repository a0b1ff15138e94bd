import { setCurrentDetails, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { InvestigationOutcomeKey, ProbeNameKey, type IncidentSnapshot, type InvestigationMemo } from '../api';
import { formatDuration } from '../domain/durations';

/**
 * Where operators see the incident without Slack: the InvestigationOutcome search attribute (the
 * lifecycle phase), the memo `incident` (workflow lists: `probe-wake investigations`) and the Web
 * UI's current details. The search attribute and memo are history events, so they are written when
 * something an operator filters on changes, not on every repeat.
 */
export function publishIncident(snapshot: IncidentSnapshot, memo: boolean): void {
  setCurrentDetails(currentDetails(snapshot));
  if (!memo) return;
  // Only where the tail set search attributes at start, i.e. where the namespace has them registered.
  const attributes = workflowInfo().typedSearchAttributes;
  if (attributes.get(ProbeNameKey) !== undefined && attributes.get(InvestigationOutcomeKey) !== snapshot.phase) {
    upsertSearchAttributes([{ key: InvestigationOutcomeKey, value: snapshot.phase }]);
  }
  upsertMemo({
    incident: {
      phase: snapshot.phase,
      wakes: snapshot.wakes,
      ...(snapshot.recoveredAfterMs !== undefined ? { recoveredAfterMs: snapshot.recoveredAfterMs } : {}),
      ...(snapshot.closedBecause ? { closedBecause: snapshot.closedBecause } : {}),
      ...(snapshot.acknowledged ? { acknowledged: snapshot.acknowledged } : {}),
    },
  } satisfies Partial<InvestigationMemo>);
}

/** Markdown for the Web UI's "current details". */
export function currentDetails(snapshot: IncidentSnapshot): string {
  const lines = [
    `**Phase:** ${snapshot.phase}`,
    `**Wakes seen:** ${snapshot.wakes} (last ${new Date(snapshot.lastSeenAtMs).toISOString()})`,
    `**Root message:** revision ${snapshot.rootRevision}${snapshot.root ? ` (ts ${snapshot.root.ts})` : ' (not yet posted)'}`,
  ];
  if (snapshot.window) lines.push(`**Window:** ${new Date(snapshot.window.openedAtMs).toISOString()} → ${new Date(snapshot.window.closesAtMs).toISOString()}`);
  if (snapshot.recoveredAfterMs !== undefined) lines.push(`**Recovered after:** ${formatDuration(snapshot.recoveredAfterMs)}`);
  if (snapshot.acknowledged) lines.push(`**Acknowledged:** by ${snapshot.acknowledged.by} at ${new Date(snapshot.acknowledged.atMs).toISOString()}`);
  if (snapshot.closedBecause) lines.push(`**Closed:** ${snapshot.closedBecause}`);
  return lines.join('\n');
}
