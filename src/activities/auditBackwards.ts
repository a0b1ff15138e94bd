import { promises as fs } from 'node:fs';

/**
 * Reads the audit log backwards from its end, newest line first, in fixed
 * chunks, and stops as soon as the caller has what it needs or `maxBytes`
 * were scanned. Cost depends on how far back the answer is, never on the
 * file's size; an index would also be fast but would need keeping in step
 * with rotation and truncation, for look-ups that run a few times an hour.
 */
export const BACKWARDS_CHUNK = 64 * 1024;
export const DEFAULT_SCAN_BYTES = 8 * 1024 * 1024;

export interface ScanOptions {
  maxBytes?: number;
  chunkBytes?: number;
}

/** Calls `visit` with each complete line, newest first, until it returns false. A missing file has no lines. */
export async function scanBackwards(path: string, visit: (line: string) => boolean, options: ScanOptions = {}): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const chunkBytes = options.chunkBytes ?? BACKWARDS_CHUNK;
    const floor = Math.max(0, size - (options.maxBytes ?? DEFAULT_SCAN_BYTES));
    let position = size;
    // Bytes after the last newline seen so far: the start of a line that began in an earlier chunk.
    let carry = Buffer.alloc(0);
    let atEnd = true;
    while (position > floor) {
      const start = Math.max(floor, position - chunkBytes);
      const chunk = Buffer.alloc(position - start);
      await handle.read(chunk, 0, chunk.length, start);
      position = start;
      let buffer = Buffer.concat([chunk, carry]);
      if (atEnd) {
        // A partial last line (a writer mid-append) is not a row yet.
        const lastNewline = buffer.lastIndexOf(0x0a);
        buffer = lastNewline === -1 ? Buffer.alloc(0) : buffer.subarray(0, lastNewline + 1);
        if (lastNewline === -1 && position > floor) {
          carry = Buffer.alloc(0);
          continue;
        }
        atEnd = false;
      }
      let end = buffer.length;
      if (buffer[end - 1] === 0x0a) end -= 1;
      // `end > 0` matters: lastIndexOf with a negative offset would search from the buffer's end again.
      while (end > 0) {
        const newline = buffer.lastIndexOf(0x0a, end - 1);
        if (newline === -1) break;
        const line = buffer.subarray(newline + 1, end).toString('utf8');
        if (line.trim() !== '' && !visit(line)) return;
        end = newline;
      }
      carry = Buffer.from(buffer.subarray(0, end));
    }
    // The first line of the file (or of the scanned range, which may be cut: only whole when floor is 0).
    if (floor === 0 && carry.length > 0) {
      const line = carry.toString('utf8');
      if (line.trim() !== '') visit(line);
    }
  } finally {
    await handle.close();
  }
}

/** Parsed JSON objects, newest first, that `keep` accepts; at most `limit` of them. */
export async function recentRows<T>(
  path: string,
  limit: number,
  keep: (row: Record<string, unknown>) => T | undefined,
  options: ScanOptions & { prefilter?: string } = {},
): Promise<T[]> {
  const found: T[] = [];
  await scanBackwards(
    path,
    (line) => {
      if (options.prefilter && !line.includes(options.prefilter)) return true;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        return true;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return true;
      const kept = keep(value as Record<string, unknown>);
      if (kept !== undefined) found.push(kept);
      return found.length < limit;
    },
    options,
  );
  return found;
}
