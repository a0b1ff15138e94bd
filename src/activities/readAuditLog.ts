import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { foldRead } from '../domain/debounce';
import type { ReadBatch, ReadRequest } from '../domain/tailTypes';
import { DEFAULT_READ_LIMITS, readAuditBatch, type ReadLimits } from './auditFile';
import { FailureType } from '../domain/failures';
import { noFailpoint, type Failpoint } from './failpoint';
import { waitForNewLine } from './auditGrowth';

/** The file reader; tests swap in one that runs in a non-root child process to meet real EACCES. */
export type AuditReader = (request: ReadRequest, limits: ReadLimits) => Promise<ReadBatch>;

/**
 * The tail's read step: new complete rows after the cursor, parsed; bad rows
 * logged with their offsets. With `waitMs` it first waits (heartbeating) for
 * the file to grow, so an idle tail costs one activity per poll interval and
 * a wake is picked up within milliseconds instead of at the next poll. With
 * `foldRepeatsUnder` the wakes debounce will swallow come back as counts: a
 * storm's read carries one wake per pair into history instead of every row.
 * Health rows come back only for `watchProbes` (and probes woken earlier in
 * the read), runs of like rows folded into one.
 */
export function createReadAuditLog(
  limits: ReadLimits = DEFAULT_READ_LIMITS,
  stopping?: AbortSignal,
  reader: AuditReader = readAuditBatch,
  failpoint: Failpoint = noFailpoint,
) {
  return async function readAuditLog(request: ReadRequest): Promise<ReadBatch> {
    if (request.waitMs && request.cursor) await waitForGrowth(request.path, request.cursor, request.waitMs, stopping);
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
    const { kept, repeats, health } = foldRead(batch, request.foldRepeatsUnder, request.watchProbes ?? []);
    batch = { ...batch, wakes: kept, repeats, health: request.watchProbes ? health : [] };
    await failpoint('readAuditLog.read', { wakeIds: batch.wakes.map((wake) => wake.wakeId) });
    return batch;
  };
}

async function waitForGrowth(path: string, cursor: NonNullable<ReadRequest['cursor']>, waitMs: number, stopping: AbortSignal | undefined): Promise<void> {
  const context = Context.current();
  // Heartbeats only when the workflow asked for them; the SDK throttles them to 80% of the timeout.
  const heartbeat = context.info.heartbeatTimeoutMs ? () => context.heartbeat() : undefined;
  // Cancellation (tail gone) or worker shutdown ends the wait early; the read below then completes the attempt.
  const signal = stopping ? AbortSignal.any([context.cancellationSignal, stopping]) : context.cancellationSignal;
  await waitForNewLine(path, cursor, waitMs, { signal, onIdle: heartbeat });
}
