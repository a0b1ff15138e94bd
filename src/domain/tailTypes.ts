import type { Wake } from './auditRow';
import type { FoldPolicy, RepeatCount } from './debounce';
import type { HealthRun } from './recovery';

/** Where the tail stopped: the file's identity and the byte after the last complete line. */
export interface AuditCursor {
  /** 0 while the file did not exist; a different inode means the file was rotated. */
  inode: number;
  offset: number;
  /**
   * Hash of the file's first `headBytes` bytes: a file deleted and re-created
   * can get the same inode number back, but not (in practice) the same first row.
   */
  headBytes?: number;
  headHash?: string;
}

export interface ReadRequest {
  path: string;
  /** null on the very first read: stamp the cursor instead of reading. */
  cursor: AuditCursor | null;
  replayFromStart: boolean;
  /**
   * When set (and there is a cursor), first wait up to this long for a
   * complete new line, so a wake is read as soon as it is appended rather
   * than at the next poll.
   */
  waitMs?: number;
  /** Fold the wakes this debounce policy is certain to swallow into counts (`foldRead`). */
  foldRepeatsUnder?: FoldPolicy;
  /**
   * Probes whose health rows (`probe.result`, `probe.recovered`) the tail
   * needs: those with open windows. Probes woken earlier in the same read are
   * watched too. Absent: no health rows come back.
   */
  watchProbes?: string[];
}

/** rotated: new inode at the path; truncated: size shrank; replaced: same inode, different first bytes; created: appeared after start. */
export type RestartReason = 'rotated' | 'truncated' | 'replaced' | 'created';

export interface BadRow {
  offset: number;
  reason: string;
}

export interface ReadBatch {
  cursor: AuditCursor;
  wakes: Wake[];
  /** Wakes read but folded into counts under `foldRepeatsUnder`: debounced, every one. */
  repeats: RepeatCount[];
  /**
   * Health rows of watched probes, in file order relative to `wakes`
   * (`beforeWake`), runs of like rows folded into one with a count. From the
   * file reader itself: every health row, one each.
   */
  health: HealthRun[];
  /** Complete lines consumed by this read (wakes, other events and bad rows). */
  rowsRead: number;
  badRows: BadRow[];
  /** Why reading restarted at the start of the file, if it did. */
  restartedBecause?: RestartReason;
  /** True when these rows came from the rest of a rotated file, read before switching to the new one. */
  drainedRotated?: boolean;
  /** True when no complete line is waiting after the cursor. */
  caughtUp: boolean;
}
