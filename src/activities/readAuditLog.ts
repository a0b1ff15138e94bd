import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ReadBatch, ReadRequest } from '../domain/tailTypes';
import { DEFAULT_READ_LIMITS, readAuditBatch, type ReadLimits } from './auditFile';
import { FailureType } from '../domain/failures';
import { failpoint } from '../runtime/failpoints';

/** The tail's read step: new complete rows after the cursor, parsed; bad rows logged with their offsets. */
export function createReadAuditLog(limits: ReadLimits = DEFAULT_READ_LIMITS) {
  return async function readAuditLog(request: ReadRequest): Promise<ReadBatch> {
    let batch: ReadBatch;
    try {
      batch = await readAuditBatch(request, limits);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
      throw ApplicationFailure.create({
        type: FailureType.auditLogUnreadable,
        message: `cannot read audit log ${request.path}: ${code}`,
        details: [code],
      });
    }
    for (const bad of batch.badRows) log.warn('skipped bad audit row', { path: request.path, offset: bad.offset, reason: bad.reason });
    if (batch.restartedBecause) log.info('audit log restarted from its start', { path: request.path, because: batch.restartedBecause });
    await failpoint('readAuditLog.read', { wakeIds: batch.wakes.map((wake) => wake.wakeId) });
    return batch;
  };
}
