import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { createReadAuditLog } from '../src/activities/readAuditLog';
import { inActivity } from './baseline';
import { otherRow, resultRow, wakeRow } from './workload';
import { distribution, type Distribution } from './stats';

const CHUNK_BYTES = 4 * 1024 * 1024;

/** Writes `bytes` of realistic rows (mostly other events, some results, a few wakes) ending on a newline. */
export function generateAuditFile(file: string, bytes: number): void {
  const rows: string[] = [];
  let size = 0;
  for (let i = 0; size < Math.min(CHUNK_BYTES, bytes); i++) {
    const row = i % 50 === 0 ? wakeRow(`gen${i % 7}`, 'filler', `g-${i}`, i) : i % 5 === 0 ? resultRow(`gen${i % 7}`, 'healthy') : otherRow(i);
    rows.push(row);
    size += Buffer.byteLength(row);
  }
  const chunk = Buffer.from(rows.join(''));
  const fd = openSync(file, 'w');
  try {
    for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
  } finally {
    closeSync(fd);
  }
  // The last chunk may end mid-row: finish it so the file ends on a newline.
  const fd2 = openSync(file, 'a');
  writeSync(fd2, '\n');
  closeSync(fd2);
}

export interface TailCost {
  smallBytes: number;
  largeBytes: number;
  smallMs: Distribution;
  largeMs: Distribution;
}

interface Prepared {
  file: string;
  bytes: number;
  cursor: { inode: number; offset: number };
}

/** The old data, then a handful of new rows (one a wake) after the cursor: what one tick finds. */
function prepare(file: string, bytes: number): Prepared {
  generateAuditFile(file, bytes);
  const { ino, size } = statSync(file);
  const fresh = [otherRow(1), resultRow('fly', 'unhealthy'), wakeRow('fly', 'auth', 'w-cost'), otherRow(2), otherRow(3)].join('');
  const fd = openSync(file, 'a');
  writeSync(fd, fresh);
  closeSync(fd);
  return { file, bytes: statSync(file).size, cursor: { inode: Number(ino), offset: size } };
}

/**
 * One tick's read as the tail does it (the activity function, in an activity
 * context) on a small and a large file, alternating so neither gets the
 * warmer process; the first rounds only warm up.
 */
export async function measureTailCost(smallFile: string, smallBytes: number, largeFile: string, largeBytes: number, repetitions: number): Promise<TailCost> {
  try {
    const small = prepare(smallFile, smallBytes);
    const large = prepare(largeFile, largeBytes);
    const read = createReadAuditLog();
    const times = new Map<Prepared, number[]>([[small, []], [large, []]]);
    for (let i = 0; i < repetitions + 3; i++) {
      for (const target of i % 2 === 0 ? [small, large] : [large, small]) {
        const started = process.hrtime.bigint();
        const batch = await inActivity(read, { path: target.file, cursor: target.cursor, replayFromStart: false });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (batch.wakes.length !== 1 || batch.rowsRead !== 5) throw new Error(`tail cost: expected 5 rows with 1 wake, read ${batch.rowsRead} rows, ${batch.wakes.length} wakes`);
        if (i >= 3) times.get(target)!.push(ms);
      }
    }
    return { smallBytes: small.bytes, largeBytes: large.bytes, smallMs: distribution(times.get(small)!), largeMs: distribution(times.get(large)!) };
  } finally {
    rmSync(smallFile, { force: true });
    rmSync(largeFile, { force: true });
  }
}
