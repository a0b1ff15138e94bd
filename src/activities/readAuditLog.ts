import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ReadBatch, ReadRequest } from '../domain/tailTypes';
import { DEFAULT_READ_LIMITS, readAuditBatch, type ReadLimits } from './auditFile';
import { FailureType } from '../domain/failures';

/** The tail's read step: new complete rows after the cursor, parsed; bad rows logged with their offsets. */
export type AuditReader = (request: ReadRequest, limits: ReadLimits) => Promise<ReadBatch>;

/** `reader` is the file reader; tests swap in one that runs in a non-root child process to meet real EACCES. */
export function createReadAuditLog(limits: ReadLimits = DEFAULT_READ_LIMITS, reader: AuditReader = readAuditBatch) {
  return async function readAuditLog(request: ReadRequest): Promise<ReadBatch> {
    let batch: ReadBatch;
    try {
      batch = await reader(request, limits);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
      throw ApplicationFailure.create({
        type: FailureType.auditLogUnreadable,
        message: `cannot read audit log ${request.path}: ${code}`,
        details: [code],
      });
    }
    for (const bad of batch.badRows) log.warn('skipped bad audit row', { path: request.path, offset: bad.offset, reason: bad.reason });
    if (batch.drainedRotated) log.info('read the rest of the rotated audit log', { path: request.path, rows: batch.rowsRead });
    if (batch.restartedBecause) log.info('audit log restarted from its start', { path: request.path, because: batch.restartedBecause });
    return batch;
  };
}
