import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { parseAuditLine, type Wake } from '../domain/auditRow';
import type { AuditCursor, BadRow, ReadBatch, ReadRequest } from '../domain/tailTypes';

export interface ReadLimits {
  /** Bytes read per call: bounds activity result size and lets a backlog drain over several calls. */
  maxBytes: number;
  /** Longer lines are skipped as bad rows without being held in memory. */
  maxLineBytes: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = { maxBytes: 512 * 1024, maxLineBytes: 64 * 1024 };

const NEWLINE = 0x0a;
const SCAN_CHUNK = 1024 * 1024;

export function deriveWakeId(offset: number, line: string): string {
  return `w-${offset}-${createHash('sha256').update(line).digest('hex').slice(0, 12)}`;
}

/**
 * Reads the complete lines after the cursor, at most `maxBytes` of them. Only
 * new bytes are read, so a tick costs the same on a 1 GB file as on a 1 MB one.
 * A partial last line is left for the next call.
 */
export async function readAuditBatch(request: ReadRequest, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<ReadBatch> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(request.path, 'r');
  } catch (err) {
    const neverExisted = request.cursor === null || request.cursor.inode === 0;
    if (neverExisted && (err as NodeJS.ErrnoException).code === 'ENOENT') {
      // Not created yet: nothing to read, and whatever it holds when it appears is new.
      return emptyBatch({ inode: 0, offset: 0 });
    }
    throw err;
  }
  try {
    const stat = await handle.stat();
    const inode = Number(stat.ino);
    if (request.cursor === null && !request.replayFromStart) return emptyBatch({ inode, offset: stat.size });

    let offset = request.cursor?.offset ?? 0;
    let restartedBecause: ReadBatch['restartedBecause'];
    if (request.cursor !== null && request.cursor.inode !== inode) {
      restartedBecause = request.cursor.inode === 0 ? 'created' : 'rotated';
      offset = 0;
    } else if (stat.size < offset) {
      restartedBecause = 'truncated';
      offset = 0;
    }
    const batch = await readLines(handle, offset, stat.size, limits);
    return { ...batch, cursor: { inode, offset: batch.nextOffset }, restartedBecause };
  } finally {
    await handle.close();
  }
}

function emptyBatch(cursor: AuditCursor): ReadBatch {
  return { cursor, wakes: [], rowsRead: 0, badRows: [], caughtUp: true };
}

interface LinesRead {
  nextOffset: number;
  wakes: Wake[];
  rowsRead: number;
  badRows: BadRow[];
  caughtUp: boolean;
}

async function readLines(handle: fs.FileHandle, start: number, size: number, limits: ReadLimits): Promise<LinesRead> {
  const result: LinesRead = { nextOffset: start, wakes: [], rowsRead: 0, badRows: [], caughtUp: true };
  const length = Math.min(limits.maxBytes, size - start);
  if (length <= 0) return result;
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, start);
  const chunk = buffer.subarray(0, bytesRead);

  let lineStart = 0;
  for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, lineStart)) {
    consumeLine(result, chunk.subarray(lineStart, newline), start + lineStart, limits);
    lineStart = newline + 1;
  }
  result.nextOffset = start + lineStart;

  if (lineStart === 0 && bytesRead === limits.maxBytes) {
    // One line fills the whole read: skip it without holding it, if its newline has arrived.
    const end = await findNewline(handle, start + bytesRead, size);
    if (end === undefined) return { ...result, caughtUp: true };
    result.rowsRead += 1;
    result.badRows.push({ offset: start, reason: `line of ${end - start} bytes exceeds the ${limits.maxLineBytes}-byte limit` });
    result.nextOffset = end + 1;
  }
  result.caughtUp = !(await hasCompleteLine(handle, result.nextOffset, size));
  return result;
}

function consumeLine(result: LinesRead, bytes: Buffer, offset: number, limits: ReadLimits): void {
  result.rowsRead += 1;
  if (bytes.length > limits.maxLineBytes) {
    result.badRows.push({ offset, reason: `line of ${bytes.length} bytes exceeds the ${limits.maxLineBytes}-byte limit` });
    return;
  }
  const line = bytes.toString('utf8').replace(/\r$/, '');
  if (line.trim() === '') {
    result.rowsRead -= 1; // blank lines are not rows
    return;
  }
  const parsed = parseAuditLine(line, offset, deriveWakeId);
  if (parsed.kind === 'wake') result.wakes.push(parsed.wake);
  else if (parsed.kind === 'bad') result.badRows.push({ offset, reason: parsed.reason });
}

async function findNewline(handle: fs.FileHandle, from: number, size: number): Promise<number | undefined> {
  const buffer = Buffer.alloc(SCAN_CHUNK);
  for (let position = from; position < size; ) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(SCAN_CHUNK, size - position), position);
    if (bytesRead === 0) return undefined;
    const index = buffer.subarray(0, bytesRead).indexOf(NEWLINE);
    if (index !== -1) return position + index;
    position += bytesRead;
  }
  return undefined;
}

async function hasCompleteLine(handle: fs.FileHandle, from: number, size: number): Promise<boolean> {
  if (from >= size) return false;
  return (await findNewline(handle, from, size)) !== undefined;
}
