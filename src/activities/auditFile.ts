import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseAuditLine, type Wake } from '../domain/auditRow';
import type { HealthRun } from '../domain/recovery';
import type { AuditCursor, BadRow, ReadBatch, ReadRequest } from '../domain/tailTypes';
import { openIfReadable } from './openForReading';

export interface ReadLimits {
  /** Bytes read per call: bounds activity result size and lets a backlog drain over several calls. */
  maxBytes: number;
  /** Longer lines are skipped as bad rows without being held in memory. */
  maxLineBytes: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = { maxBytes: 512 * 1024, maxLineBytes: 64 * 1024 };

const NEWLINE = 0x0a;
const SCAN_CHUNK = 1024 * 1024;
/** Invalid UTF-8 makes a row bad instead of letting U+FFFD slip into a DM. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

export function deriveWakeId(offset: number, line: string): string {
  return `w-${offset}-${createHash('sha256').update(line).digest('hex').slice(0, 12)}`;
}

/** Bytes at the head of the file whose hash tells a re-created file (same inode number reused) from the one we read. */
const HEAD_BYTES = 256;

/**
 * Reads the complete lines after the cursor, at most `maxBytes` of them. Only
 * new bytes are read, so a tick costs the same on a 1 GB file as on a 1 MB one.
 * A partial last line is left for the next call.
 *
 * When the path names a different file than the cursor's (rotation), the rest
 * of the old file is drained first if it is still next to the log under any
 * name starting with the log's own (`audit.jsonl.1`, `audit.jsonl-20261123`...),
 * then the new file is read from its start.
 */
export async function readAuditBatch(request: ReadRequest, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<ReadBatch> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(request.path, 'r');
  } catch (err) {
    const neverExisted = request.cursor === null || request.cursor.inode === 0;
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    if (neverExisted && missing) {
      // Not created yet: nothing to read, and whatever it holds when it appears is new.
      return emptyBatch({ inode: 0, offset: 0 });
    }
    if (missing && request.cursor !== null) {
      // Mid-rotation (renamed, new file not there yet): the old file's last rows can still be read.
      const drained = await drainRotated(request.path, request.cursor, limits);
      if (drained?.kind === 'rows') return drained.batch;
    }
    throw err;
  }
  try {
    const stat = await handle.stat();
    const inode = Number(stat.ino);
    if (request.cursor === null && !request.replayFromStart) {
      return emptyBatch(await cursorAt(handle, inode, stat.size));
    }
    const cursor = request.cursor;
    let offset = cursor?.offset ?? 0;
    let restartedBecause: ReadBatch['restartedBecause'];
    let carried: BadRow[] = [];
    if (cursor !== null && cursor.inode === 0) {
      restartedBecause = 'created';
      offset = 0;
    } else if (cursor !== null && cursor.inode !== inode) {
      const drained = await drainRotated(request.path, cursor, limits);
      if (drained?.kind === 'rows') return drained.batch;
      carried = drained?.leftover ?? [];
      restartedBecause = 'rotated';
      offset = 0;
    } else if (stat.size < offset) {
      restartedBecause = 'truncated';
      offset = 0;
    } else if (cursor !== null && !(await headMatches(handle, cursor))) {
      restartedBecause = 'replaced';
      offset = 0;
    }
    const batch = await readLines(handle, offset, stat.size, limits);
    return {
      ...batch,
      repeats: [],
      badRows: [...carried, ...batch.badRows],
      cursor: await cursorAt(handle, inode, batch.nextOffset),
      restartedBecause,
    };
  } finally {
    await handle.close();
  }
}

type Drained = { kind: 'rows'; batch: ReadBatch } | { kind: 'done'; leftover: BadRow[] };

/**
 * The rows a writer appended to the old file after our last read and before
 * the rename are still in it: read them before switching to the new file.
 * Undefined when the old file is gone (deleted, or moved out of the directory).
 */
async function drainRotated(logPath: string, cursor: AuditCursor, limits: ReadLimits): Promise<Drained | undefined> {
  const oldPath = await findByInode(logPath, cursor.inode);
  if (!oldPath) return undefined;
  const handle = await openIfReadable(oldPath);
  if (!handle) return undefined;
  try {
    const stat = await handle.stat();
    if (Number(stat.ino) !== cursor.inode || stat.size < cursor.offset) return undefined;
    const batch = await readLines(handle, cursor.offset, stat.size, limits);
    if (batch.nextOffset > cursor.offset) {
      // Not caught up: the tail reads again at once and, when the old file is done, moves on.
      return { kind: 'rows', batch: { ...batch, repeats: [], cursor: { ...cursor, offset: batch.nextOffset }, caughtUp: false, drainedRotated: true } };
    }
    // A line the writer never finished before rotating will never be finished.
    const leftover = stat.size > cursor.offset ? [{ offset: cursor.offset, reason: 'unterminated last line in the rotated file' }] : [];
    return { kind: 'done', leftover };
  } finally {
    await handle.close();
  }
}

async function findByInode(logPath: string, inode: number): Promise<string | undefined> {
  const dir = path.dirname(logPath);
  const base = path.basename(logPath);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (name === base || !name.startsWith(base)) continue;
    const candidate = path.join(dir, name);
    try {
      if (Number((await fs.stat(candidate)).ino) === inode) return candidate;
    } catch {
      // vanished between readdir and stat
    }
  }
  return undefined;
}

async function cursorAt(handle: fs.FileHandle, inode: number, offset: number): Promise<AuditCursor> {
  const head = await headHash(handle, Math.min(offset, HEAD_BYTES));
  return head ? { inode, offset, headBytes: head.bytes, headHash: head.hash } : { inode, offset };
}

async function headHash(handle: fs.FileHandle, bytes: number): Promise<{ bytes: number; hash: string } | undefined> {
  if (bytes <= 0) return undefined;
  const buffer = Buffer.alloc(bytes);
  const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
  if (bytesRead < bytes) return undefined;
  return { bytes, hash: createHash('sha256').update(buffer).digest('hex').slice(0, 16) };
}

/** Same inode number but different first bytes: the file was deleted and re-created, reusing the inode. */
async function headMatches(handle: fs.FileHandle, cursor: AuditCursor): Promise<boolean> {
  if (!cursor.headBytes || !cursor.headHash) return true;
  const now = await headHash(handle, cursor.headBytes);
  return now?.hash === cursor.headHash;
}

function emptyBatch(cursor: AuditCursor): ReadBatch {
  return { cursor, wakes: [], repeats: [], health: [], rowsRead: 0, badRows: [], caughtUp: true };
}

interface LinesRead {
  nextOffset: number;
  wakes: Wake[];
  /** Every health row, in file order among the wakes. */
  health: HealthRun[];
  rowsRead: number;
  badRows: BadRow[];
  caughtUp: boolean;
}

async function readLines(handle: fs.FileHandle, start: number, size: number, limits: ReadLimits): Promise<LinesRead> {
  const result: LinesRead = { nextOffset: start, wakes: [], health: [], rowsRead: 0, badRows: [], caughtUp: true };
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
  let line: string;
  try {
    line = STRICT_UTF8.decode(bytes).replace(/\r$/, '');
  } catch {
    result.badRows.push({ offset, reason: 'not valid UTF-8' });
    return;
  }
  if (line.trim() === '') {
    result.rowsRead -= 1; // blank lines are not rows
    return;
  }
  const parsed = parseAuditLine(line, offset, deriveWakeId);
  if (parsed.kind === 'wake') result.wakes.push(parsed.wake);
  else if (parsed.kind === 'result') result.health.push({ kind: 'result', probe: parsed.result.probe, status: parsed.result.status, count: 1, beforeWake: result.wakes.length });
  else if (parsed.kind === 'recovered') {
    const { probe, issue_category: category } = parsed.recovered;
    result.health.push(category === undefined ? { kind: 'recovered', probe, count: 1, beforeWake: result.wakes.length } : { kind: 'recovered', probe, category, count: 1, beforeWake: result.wakes.length });
  }
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
