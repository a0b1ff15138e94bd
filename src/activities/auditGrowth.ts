import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { OWN_ROW_MARKER } from '../domain/investigationRows';
import type { AuditCursor } from '../domain/tailTypes';
import { openIfReadable } from './openForReading';

export interface GrowthWaitOptions {
  /** Ends the wait early (activity cancellation, worker shutdown). */
  signal?: AbortSignal;
  /** Called between checks while waiting: the activity heartbeats here. */
  onIdle?: () => void;
  /**
   * Re-check at least this often even without a file event: fs.watch can miss
   * events (network file systems, some editors), so it only makes pickup early.
   */
  recheckMs?: number;
  /** false: timed re-checks only, for file systems whose changes fs.watch does not see. Default true. */
  fileEvents?: boolean;
}

/** Why the wait ended: something to read, the file was replaced or shrank, the time was up, or it was aborted. */
export type GrowthOutcome = 'line' | 'replaced' | 'timeout' | 'aborted';

const SCAN_CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * Waits until the audit log holds a complete line after the cursor, is
 * replaced (new inode) or truncated, or `timeoutMs` passes. A partial line
 * (a writer mid-append) does not end the wait, and its bytes are scanned once.
 * A missing file keeps the wait going: the read after the timeout reports it.
 */
export async function waitForNewLine(file: string, cursor: AuditCursor, timeoutMs: number, options: GrowthWaitOptions = {}): Promise<GrowthOutcome> {
  const deadline = Date.now() + timeoutMs;
  const recheckMs = options.recheckMs ?? 1000;
  let scannedTo = cursor.offset;
  let changed = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    changed = true;
    wake?.();
  };
  const watcher = options.fileEvents === false ? undefined : watchDirectory(file, notify);
  try {
    for (;;) {
      changed = false;
      const found = await check(file, cursor, scannedTo);
      if (typeof found === 'string') return found;
      scannedTo = found;
      if (options.signal?.aborted) return 'aborted';
      const left = deadline - Date.now();
      if (left <= 0) return 'timeout';
      options.onIdle?.();
      if (!changed) await pause(Math.min(left, recheckMs), options.signal, (resume) => (wake = resume));
      wake = undefined;
    }
  } finally {
    watcher?.close();
  }
}

/** The directory, not the file: rotation and re-creation replace the file under the same name. */
function watchDirectory(file: string, notify: () => void): FSWatcher | undefined {
  const name = path.basename(file);
  try {
    const watcher = watch(path.dirname(file), { persistent: false }, (_event, changedName) => {
      if (!changedName || changedName.toString() === name) notify();
    });
    // A watcher that fails later (directory removed) leaves the timed re-checks in charge.
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch {
    return undefined;
  }
}

/** An outcome, or where the first line that is not complete yet starts (everything before it was our own rows). */
async function check(file: string, cursor: AuditCursor, scannedTo: number): Promise<GrowthOutcome | number> {
  const handle = await openIfReadable(file);
  if (!handle) return scannedTo;
  try {
    const stat = await handle.stat();
    if (Number(stat.ino) !== cursor.inode) return 'replaced';
    if (stat.size < cursor.offset) return 'replaced';
    // Only complete lines count, and not the investigations' own rows: they are no news to
    // the tail, and waking it for each would cost a read cycle per row. They are consumed by the next read.
    let lineStart = Math.max(scannedTo, cursor.offset);
    let pending = Buffer.alloc(0);
    // A line longer than a chunk cannot be one of our short rows: news, once its newline arrives.
    let longLine = false;
    for (let position = lineStart; position < stat.size; ) {
      const chunk = Buffer.alloc(Math.min(SCAN_CHUNK, stat.size - position));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      pending = Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
      for (let newline = pending.indexOf(NEWLINE); newline !== -1; newline = pending.indexOf(NEWLINE)) {
        if (longLine || !pending.subarray(0, newline).includes(OWN_ROW_MARKER)) return 'line';
        lineStart += newline + 1;
        pending = pending.subarray(newline + 1);
      }
      if (pending.length > SCAN_CHUNK) {
        longLine = true;
        pending = Buffer.alloc(0);
      }
    }
    return lineStart;
  } finally {
    await handle.close();
  }
}

function pause(ms: number, signal: AbortSignal | undefined, register: (resume: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    register(done);
  });
}
