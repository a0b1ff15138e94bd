import { FIX_EXECUTED_EVENT, type FixExecutedRow } from '../domain/fixApproval';
import { appendRowOnce, type AppendResult } from './appendInvestigationRow';

/** Appends the one `probe.fix_executed` row of an investigation's fix (a retry finds the row it wrote). */
export function createAppendFixExecutedRow(auditLogPath: string) {
  return async function appendFixExecutedRow(row: FixExecutedRow): Promise<AppendResult> {
    return appendRowOnce(auditLogPath, row, (c) => c.event === FIX_EXECUTED_EVENT && c.workflow_id === row.workflow_id);
  };
}
