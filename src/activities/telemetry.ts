import { promises as fs } from 'node:fs';
import { Context } from '@temporalio/activity';
import type { TelemetryRow } from '../domain/telemetryRows';
import { recentRows } from './auditBackwards';

/** How far back a retry looks for the row an earlier attempt may have written. */
const DEDUP_SCAN_BYTES = 4 * 1024 * 1024;

export interface AppendResult {
  appended: boolean;
}

/**
 * Appends one telemetry row to the audit log, at most once per (event,
 * workflow ID): a retry after a crash between write and completion finds the
 * row and does not write it again. A first attempt of an ordinary activity
 * cannot have written before, so only its retries look. A local activity
 * always looks: one whose worker died before the workflow task recorded its
 * result runs again from attempt 1. One write with O_APPEND keeps the line
 * whole among the probes' own appends.
 */
export function createAppendTelemetryRow(auditLogPath: string) {
  return async function appendTelemetryRow(row: TelemetryRow): Promise<AppendResult> {
    const { attempt, isLocal } = Context.current().info;
    if ((isLocal || attempt > 1) && (await alreadyWritten(auditLogPath, row))) return { appended: false };
    await fs.appendFile(auditLogPath, `${JSON.stringify(row)}\n`, { flag: 'a' });
    return { appended: true };
  };
}

async function alreadyWritten(auditLogPath: string, row: TelemetryRow): Promise<boolean> {
  const existing = await recentRows(
    auditLogPath,
    1,
    (candidate) => (candidate.event === row.event && candidate.workflow_id === row.workflow_id ? true : undefined),
    { prefilter: row.workflow_id, maxBytes: DEDUP_SCAN_BYTES },
  );
  return existing.length > 0;
}
