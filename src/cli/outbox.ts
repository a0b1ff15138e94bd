import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config/config';
import { getOutboxQuery, outboxWorkflowId, type OutboxView } from '../api';

/** The outbox's view, or undefined when none runs (it closes when idle with nothing undelivered). */
export async function readOutbox(client: Client, config: AppConfig): Promise<OutboxView | undefined> {
  const handle = client.workflow.getHandle(outboxWorkflowId(config.temporal.taskQueue));
  try {
    const described = await handle.describe();
    if (described.status.name !== 'RUNNING') return undefined;
  } catch {
    return undefined;
  }
  return handle.query(getOutboxQuery);
}

/** Lines for `status`: what the outbox holds, undelivered DMs first. */
export function renderOutbox(view: OutboxView | undefined): string[] {
  if (!view) return ['', 'DM outbox: idle (nothing queued, nothing undelivered)'];
  const lines = ['', `DM outbox: ${view.queued} queued, ${view.delivered} delivered by this run, ${view.undelivered.length} undelivered`];
  if (view.retrying) lines.push(`  retrying ${view.retrying.key}: attempt ${view.retrying.attempts}, last ${view.retrying.lastReason}`);
  for (const dm of view.undelivered) {
    lines.push(`  UNDELIVERED ${dm.key}: ${dm.reason}, written ${new Date(dm.requestedAtMs).toISOString()} (probe-wake redeliver sends it)`);
  }
  return lines;
}
