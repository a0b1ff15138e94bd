import { promises as fs } from 'node:fs';
import { Context, sleep } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { InvestigationRow } from '../domain/investigationRows';
import { recentRows } from './auditBackwards';

/** How far back a retry looks for the row an earlier attempt may have written. */
const DEDUP_SCAN_BYTES = 4 * 1024 * 1024;

/** A probe mid-row is given this long per attempt to finish it; the step's retries give it more. */
const MID_ROW_WAIT_MS = 5_000;
const MID_ROW_POLL_MS = 100;
export const AUDIT_LOG_MID_ROW = 'AuditLogMidRow';

export interface AppendResult {
  appended: boolean;
}

/**
 * Appends one investigation row to the audit log, at most once per (event,
 * workflow ID): a retry after a crash between write and completion finds the
 * row and does not write it again. A first attempt of an ordinary activity
 * cannot have written before, so only its retries look. A local activity
 * always looks: one whose worker died before the workflow task recorded its
 * result runs again from attempt 1. One write with O_APPEND keeps the line
 * whole among the probes' own appends; and it is never made while the log does
 * not end in a newline (a probe is mid-row: our row would land inside its row and
 * spoil both). Then it waits for the newline, and past a few seconds fails with
 * a retryable AuditLogMidRow so the step's retry policy gives the probe longer.
 * (A probe that starts a row in the instant between the check and our write is not
 * covered: appends are not locked.)
 */
export function createAppendInvestigationRow(auditLogPath: string) {
  return async function appendInvestigationRow(row: InvestigationRow): Promise<AppendResult> {
    return appendRowOnce(auditLogPath, row, (candidate) => candidate.event === row.event && candidate.workflow_id === row.workflow_id);
  };
}

/**
 * The append with its guards, for any row of ours that carries `workflow_id`: `sameRow` says which
 * earlier row would be this one (an operator action's row is one per request, not per event).
 */
export async function appendRowOnce(
  auditLogPath: string,
  row: { workflow_id: string },
  sameRow: (candidate: Record<string, unknown>) => boolean,
): Promise<AppendResult> {
  const { attempt, isLocal } = Context.current().info;
  if ((isLocal || attempt > 1) && (await alreadyWritten(auditLogPath, row.workflow_id, sameRow))) return { appended: false };
  await untilRowBoundary(auditLogPath);
  await fs.appendFile(auditLogPath, `${JSON.stringify(row)}\n`, { flag: 'a' });
  return { appended: true };
}

async function alreadyWritten(auditLogPath: string, workflowId: string, sameRow: (candidate: Record<string, unknown>) => boolean): Promise<boolean> {
  const existing = await recentRows(auditLogPath, 1, (candidate) => (sameRow(candidate) ? true : undefined), { prefilter: workflowId, maxBytes: DEDUP_SCAN_BYTES });
  return existing.length > 0;
}

/** Resolves once the log is empty, absent, or ends in a newline. */
async function untilRowBoundary(auditLogPath: string): Promise<void> {
  const deadline = Date.now() + MID_ROW_WAIT_MS;
  for (;;) {
    if (await endsAtRowBoundary(auditLogPath)) return;
    if (Date.now() >= deadline) {
      throw ApplicationFailure.create({ type: AUDIT_LOG_MID_ROW, message: `${auditLogPath} does not end in a newline: a writer is mid-row; not appending into it` });
    }
    await sleep(MID_ROW_POLL_MS);
  }
}

export async function endsAtRowBoundary(auditLogPath: string): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(auditLogPath, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await handle.close();
  }
}
