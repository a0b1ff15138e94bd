import { metricMeter } from '@temporalio/workflow';
import type { Wake } from '../domain/auditRow';
import type { ReadBatch } from '../domain/tailTypes';
import { LATE_AFTER_MS } from '../domain/delivery';

/**
 * probe-wake's own Prometheus counters, emitted through the SDK's workflow
 * metric meter: it drops emissions during replay, so a counter moves once per
 * real event however often a workflow is replayed or moved between workers.
 * The exporter adds the SDK's `temporal_` prefix and namespace/task_queue/
 * workflow_type labels. Names are documented in docs/operations.md.
 */
export const METRIC_NAMES = {
  rowsRead: 'probe_wake_rows_read',
  wakes: 'probe_wake_wakes',
  badRows: 'probe_wake_bad_rows',
  readErrors: 'probe_wake_read_errors',
  readsInterrupted: 'probe_wake_reads_interrupted',
  debounced: 'probe_wake_debounced',
  silenced: 'probe_wake_silenced',
  investigationsStarted: 'probe_wake_investigations_started',
  investigations: 'probe_wake_investigations',
  dmsSent: 'probe_wake_dms_sent',
  dmFailures: 'probe_wake_dm_failures',
  dmsLate: 'probe_wake_dms_late',
  dmsUndelivered: 'probe_wake_dms_undelivered',
  windowsRecovered: 'probe_wake_windows_recovered',
  windowsReset: 'probe_wake_windows_reset',
  held: 'probe_wake_held',
  flappingWindows: 'probe_wake_flapping_windows',
  storms: 'probe_wake_storms',
} as const;

function count(name: string, value: number, description: string, tags: Record<string, string> = {}): void {
  if (value > 0) metricMeter.createCounter(name, undefined, description).add(value, tags);
}

function keyTags(wake: Pick<Wake, 'probe' | 'category'>): Record<string, string> {
  return { probe: wake.probe, category: wake.category };
}

export function batchRead(batch: ReadBatch): void {
  count(METRIC_NAMES.rowsRead, batch.rowsRead, 'Audit-log rows read by the tail');
  count(METRIC_NAMES.badRows, batch.badRows.length, 'Audit-log rows skipped as malformed');
  const wakesRead = (wake: Pick<Wake, 'probe' | 'category' | 'severity'>, wakes: number) =>
    count(METRIC_NAMES.wakes, wakes, 'probe.wake_requested rows read', { ...keyTags(wake), severity: wake.severity });
  for (const wake of batch.wakes) wakesRead(wake, 1);
  for (const repeat of batch.repeats) wakesRead(repeat, repeat.count);
}

export function readError(): void {
  count(METRIC_NAMES.readErrors, 1, 'Tail cycles skipped because the audit log could not be read');
}

/** A read lost with its worker or the server (a timeout): not an audit-log fault, so not a read error. */
export function readInterrupted(): void {
  count(METRIC_NAMES.readsInterrupted, 1, 'Tail reads interrupted because their worker or the server went away (heartbeat or start-to-close timeout)');
}

export function debounced(pair: Pick<Wake, 'probe' | 'category'>, wakes = 1): void {
  count(METRIC_NAMES.debounced, wakes, 'Wakes inside an open debounce window (not investigated)', keyTags(pair));
}

export function silenced(pair: Pick<Wake, 'probe' | 'category'>, wakes: number): void {
  count(METRIC_NAMES.silenced, wakes, 'Wakes an operator silence swallowed (not investigated)', keyTags(pair));
}

/** A window closed early: its probe recovered, by healthy results in a row (`results`) or a probe.recovered row (`event`). */
export function windowRecovered(pair: Pick<Wake, 'probe' | 'category'>, by: string): void {
  count(METRIC_NAMES.windowsRecovered, 1, 'Debounce windows closed early because their probe recovered', { ...keyTags(pair), by });
}

export function windowReset(pair: Pick<Wake, 'probe' | 'category'>): void {
  count(METRIC_NAMES.windowsReset, 1, 'Debounce windows closed by resetDebounce (CLI, Slack reset button, tctl)', keyTags(pair));
}

export function held(wakes: number): void {
  count(METRIC_NAMES.held, wakes, 'Wakes held by min-wakes buffering (no window yet, not investigated)');
}

export function flappingWindow(pair: Pick<Wake, 'probe' | 'category'>): void {
  count(METRIC_NAMES.flappingWindows, 1, 'Windows opened while their pair was flapping (each longer than the last)', keyTags(pair));
}

export function storms(detected: number): void {
  count(METRIC_NAMES.storms, detected, 'Storms detected: more windows at once than PROBE_STORM_THRESHOLD (one digest message each)');
}

export function investigationStarted(wake: Wake): void {
  count(METRIC_NAMES.investigationsStarted, 1, 'Investigation workflows started by the tail', keyTags(wake));
}

/** One investigation's end: its outcome (and fallback reason) and whether the DM went out. */
export function investigationFinished(wake: Wake, outcome: { investigated: boolean; reason?: string; dmSent: boolean; dmReason?: string }): void {
  const tags = { probe: wake.probe, outcome: outcome.investigated ? 'investigated' : 'fallback', reason: outcome.reason ?? 'none' };
  count(METRIC_NAMES.investigations, 1, 'Investigations completed, by outcome and fallback reason', tags);
  if (outcome.dmSent) count(METRIC_NAMES.dmsSent, 1, 'Slack DMs delivered', { probe: wake.probe });
  else count(METRIC_NAMES.dmFailures, 1, 'Investigations whose Slack DM could not be delivered', { probe: wake.probe, reason: outcome.dmReason ?? 'unknown' });
}

/** From the outbox: a DM reached Slack; a late one (past LATE_AFTER_MS) is counted as such too. */
export function dmDelivered(lateMs: number): void {
  if (lateMs >= LATE_AFTER_MS) count(METRIC_NAMES.dmsLate, 1, 'Slack DMs delivered late (Slack was down or refusing)');
}

/** From the outbox: a DM given up on (past the horizon, or refused by Slack). Alert on any. */
export function dmUndelivered(reason: string): void {
  count(METRIC_NAMES.dmsUndelivered, 1, 'Slack DMs given up on; probe-wake redeliver sends them', { reason: reason.split(':')[0] ?? reason });
}
