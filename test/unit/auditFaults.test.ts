/**
 * Audit-log faults at the reader: rotation (with rows still in the old file),
 * truncation, deletion and re-creation, EACCES, a 50 MB line, invalid UTF-8,
 * NUL bytes and a 100,000-row backlog. docs/reliability.md points here.
 */
import { appendFileSync, chmodSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_READ_LIMITS, readAuditBatch, type ReadLimits } from '../../src/activities/auditFile';
import type { AuditCursor, ReadBatch } from '../../src/domain/tailTypes';
import { readAsNobody } from '../support/asNobody';

const wakeRow = (id: string, summary = 'down') =>
  `{"ts":"2026-11-23T10:15:02.113Z","event":"probe.wake_requested","wake_id":"${id}","probe":"fly","issue_category":"auth","severity":"critical","summary":"${summary}"}\n`;
const resultRow = (i: number) => `{"ts":"2026-11-23T10:15:02.113Z","event":"probe.result","probe":"doppler","status":"healthy","summary":"tick ${i}"}\n`;

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'probe-wake-faults-'));
  file = path.join(dir, 'audit.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = (cursor: AuditCursor | null, limits: ReadLimits = DEFAULT_READ_LIMITS) => readAuditBatch({ path: file, cursor, replayFromStart: false }, limits);
const ids = (batch: ReadBatch) => batch.wakes.map((w) => w.wakeId);

/** Reads as the tail does within a tick: again at once while not caught up. */
async function readUntilCaughtUp(cursor: AuditCursor, limits: ReadLimits = DEFAULT_READ_LIMITS) {
  const batches: ReadBatch[] = [];
  for (;;) {
    const batch = await read(cursor, limits);
    batches.push(batch);
    cursor = batch.cursor;
    if (batch.caughtUp) return { batches, cursor };
  }
}

describe('rotation', () => {
  it('drains rows appended to the old file before the rename, then reads the new file from its start', async () => {
    writeFileSync(file, wakeRow('a'));
    const start = await read(null);
    appendFileSync(file, wakeRow('late-1') + wakeRow('late-2'));
    renameSync(file, `${file}.1`);
    writeFileSync(file, wakeRow('new-1'));

    const drained = await read(start.cursor);
    expect(ids(drained)).toEqual(['late-1', 'late-2']);
    expect(drained).toMatchObject({ drainedRotated: true, caughtUp: false });
    expect(drained.restartedBecause).toBeUndefined();
    expect(drained.cursor.inode).toBe(start.cursor.inode);

    const switched = await read(drained.cursor);
    expect(ids(switched)).toEqual(['new-1']);
    expect(switched.restartedBecause).toBe('rotated');
    expect(switched.cursor.inode).not.toBe(start.cursor.inode);
  });

  it('finds the old file under a dated name too, and drains it over several reads when capped', async () => {
    writeFileSync(file, '');
    const start = await read(null);
    for (let i = 0; i < 30; i++) appendFileSync(file, wakeRow(`old-${i}`));
    renameSync(file, `${file}-20261123`);
    writeFileSync(file, wakeRow('new-1'));
    const { batches } = await readUntilCaughtUp(start.cursor, { maxBytes: 1024, maxLineBytes: 512 });
    expect(batches.flatMap(ids)).toEqual([...Array.from({ length: 30 }, (_, i) => `old-${i}`), 'new-1']);
    expect(batches.length).toBeGreaterThan(3);
    expect(batches.filter((b) => b.restartedBecause === 'rotated')).toHaveLength(1);
  });

  it('mid-rotation (renamed, new file not created yet) still drains the old file, then fails with ENOENT until the new file appears', async () => {
    writeFileSync(file, '');
    const start = await read(null);
    appendFileSync(file, wakeRow('late'));
    renameSync(file, `${file}.1`);
    const drained = await read(start.cursor);
    expect(ids(drained)).toEqual(['late']);
    await expect(read(drained.cursor)).rejects.toMatchObject({ code: 'ENOENT' });
    writeFileSync(file, wakeRow('new'));
    const switched = await read(drained.cursor);
    expect(ids(switched)).toEqual(['new']);
    expect(switched.restartedBecause).toBe('rotated');
  });

  it('counts an unterminated last line of the rotated file as a bad row (its writer has moved on)', async () => {
    writeFileSync(file, '');
    const start = await read(null);
    appendFileSync(file, wakeRow('whole') + '{"ts":"2026-11-23T10:1');
    renameSync(file, `${file}.1`);
    writeFileSync(file, wakeRow('new'));
    const drained = await read(start.cursor);
    expect(ids(drained)).toEqual(['whole']);
    const switched = await read(drained.cursor);
    expect(ids(switched)).toEqual(['new']);
    expect(switched.badRows).toEqual([{ offset: drained.cursor.offset, reason: 'unterminated last line in the rotated file' }]);
  });

  it('reads the new file from its start when the old one was deleted, not renamed (its unread rows are gone)', async () => {
    writeFileSync(file, wakeRow('a'));
    const start = await read(null);
    rmSync(file);
    writeFileSync(file, wakeRow('b') + wakeRow('c') + wakeRow('d'));
    const batch = await read(start.cursor);
    expect(ids(batch)).toEqual(['b', 'c', 'd']);
    // A deleted inode number may be handed straight back to the new file; either way it is read from its start.
    expect(['rotated', 'replaced']).toContain(batch.restartedBecause);
  });
});

describe('truncation and re-creation', () => {
  it('truncated to empty then refilled past the old offset before the next read: same inode, new head → read from the start', async () => {
    writeFileSync(file, wakeRow('a') + wakeRow('b'));
    const start = await read(null);
    truncateSync(file, 0);
    appendFileSync(file, wakeRow('c', 'a longer summary so the file outgrows the old cursor') + wakeRow('d') + wakeRow('e'));
    const batch = await read(start.cursor);
    expect(batch.restartedBecause).toBe('replaced');
    expect(ids(batch)).toEqual(['c', 'd', 'e']);
  });

  it('truncated to a smaller size: read from the start', async () => {
    writeFileSync(file, wakeRow('a') + wakeRow('b'));
    const start = await read(null);
    truncateSync(file, 0);
    appendFileSync(file, wakeRow('c'));
    const batch = await read(start.cursor);
    expect(batch.restartedBecause).toBe('truncated');
    expect(ids(batch)).toEqual(['c']);
  });

  it('keeps reading an appended file without a false restart (the head check holds while the file grows)', async () => {
    writeFileSync(file, '');
    let cursor = (await read(null)).cursor;
    for (let i = 0; i < 5; i++) {
      appendFileSync(file, wakeRow(`w-${i}`));
      const batch = await read(cursor);
      expect(batch.restartedBecause).toBeUndefined();
      expect(ids(batch)).toEqual([`w-${i}`]);
      cursor = batch.cursor;
    }
    expect(cursor.headBytes).toBe(256);
  });
});

describe('EACCES (the reader runs as nobody: root ignores file modes)', () => {
  it('fails with EACCES while the file is unreadable, then reads on from the same cursor once it is readable again', async () => {
    chmodSync(dir, 0o755);
    writeFileSync(file, wakeRow('before'));
    chmodSync(file, 0o644);
    const request = (cursor: AuditCursor | null) => ({ path: file, cursor, replayFromStart: false });
    const start = await readAsNobody(request(null), DEFAULT_READ_LIMITS);
    appendFileSync(file, wakeRow('during'));
    chmodSync(file, 0o000);
    await expect(readAsNobody(request(start.cursor), DEFAULT_READ_LIMITS)).rejects.toMatchObject({ code: 'EACCES' });
    chmodSync(file, 0o644);
    const after = await readAsNobody(request(start.cursor), DEFAULT_READ_LIMITS);
    expect(ids(after)).toEqual(['during']);
    expect(after.restartedBecause).toBeUndefined();
  });
});

describe('hostile bytes', () => {
  it('skips a 50 MB line as one bad row without holding it, then reads the next row', async () => {
    writeFileSync(file, '');
    const start = await read(null);
    const huge = Buffer.alloc(50 * 1024 * 1024, 'x');
    appendFileSync(file, Buffer.concat([Buffer.from('{"event":"x","pad":"'), huge, Buffer.from('"}\n'), Buffer.from(wakeRow('after'))]));
    const { batches } = await readUntilCaughtUp(start.cursor);
    expect(batches.flatMap((b) => b.badRows)).toEqual([{ offset: 0, reason: expect.stringMatching(/^line of 52428822 bytes exceeds the 65536-byte limit$/) }]);
    expect(batches.flatMap(ids)).toEqual(['after']);
  });

  it('counts a row with invalid UTF-8 as bad ("not valid UTF-8") rather than letting U+FFFD into a DM', async () => {
    writeFileSync(file, '');
    const start = await read(null);
    const [head, tail] = wakeRow('bad-utf8', 'XX').split('XX') as [string, string];
    appendFileSync(file, Buffer.concat([Buffer.from(head), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(tail), Buffer.from(wakeRow('ok', 'caf\u00e9 \u{1F6A8}'))]));
    const batch = await read(start.cursor);
    expect(batch.badRows).toEqual([{ offset: 0, reason: 'not valid UTF-8' }]);
    expect(ids(batch)).toEqual(['ok']);
    expect(batch.wakes[0]!.summary).toBe('caf\u00e9 \u{1F6A8}');
  });

  it('counts rows with NUL bytes (inside a string, or a NUL-filled line after a crash) as bad rows', async () => {
    writeFileSync(file, '');
    const start = await read(null);
    const [head, tail] = wakeRow('nul', 'XX').split('XX') as [string, string];
    appendFileSync(file, Buffer.concat([Buffer.from(head), Buffer.from([0x00]), Buffer.from(tail), Buffer.alloc(4096, 0), Buffer.from('\n'), Buffer.from(wakeRow('ok'))]));
    const batch = await read(start.cursor);
    expect(batch.badRows.map((b) => b.reason)).toEqual(['not valid JSON', 'not valid JSON']);
    expect(ids(batch)).toEqual(['ok']);
    expect(batch.rowsRead).toBe(3);
  });
});

describe('backlog', () => {
  it('drains 100,000 rows appended at once over several capped reads with every wake exactly once', async () => {
    writeFileSync(file, '');
    const start = await read(null);
    const rows: string[] = [];
    for (let i = 0; i < 100_000; i++) rows.push(i % 100 === 0 ? wakeRow(`w-${i}`) : resultRow(i));
    appendFileSync(file, rows.join(''));
    const { batches } = await readUntilCaughtUp(start.cursor);
    const wakeIds = batches.flatMap(ids);
    expect(batches.length).toBeGreaterThan(10);
    expect(wakeIds).toHaveLength(1000);
    expect(new Set(wakeIds).size).toBe(1000);
    expect(wakeIds[999]).toBe('w-99900');
    expect(batches.reduce((sum, b) => sum + b.rowsRead, 0)).toBe(100_000);
    expect(batches.flatMap((b) => b.badRows)).toEqual([]);
  });
});
