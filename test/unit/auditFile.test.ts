import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readAuditBatch, type ReadLimits } from '../../src/activities/auditFile';
import type { AuditCursor, ReadBatch } from '../../src/domain/tailTypes';
import { fixtureText } from '../support/fixtures';

const sample = fixtureText('audit-sample.jsonl');
const sampleLines = sample.split('\n').filter(Boolean);
const wakeRow = (id: string) =>
  `{"ts":"2026-11-23T10:15:02.113Z","event":"probe.wake_requested","wake_id":"${id}","probe":"fly","issue_category":"auth","severity":"critical"}\n`;

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'probe-wake-audit-'));
  file = path.join(dir, 'audit.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = (cursor: AuditCursor | null, replayFromStart = false, limits?: ReadLimits) =>
  readAuditBatch({ path: file, cursor, replayFromStart }, limits);

describe('readAuditBatch', () => {
  it('stamps the cursor at the end of the file on first start (no replay)', async () => {
    writeFileSync(file, sample);
    const batch = await read(null);
    expect(batch.cursor.offset).toBe(Buffer.byteLength(sample));
    expect(batch.wakes).toEqual([]);
    expect(batch.rowsRead).toBe(0);
  });

  it('replays from the start when asked', async () => {
    writeFileSync(file, sample);
    const batch = await read(null, true);
    expect(batch.wakes.map((w) => w.wakeId)).toEqual(['w-7f3a', 'w-7f3b', 'w-81c0', 'w-81c1']);
    expect(batch.rowsRead).toBe(8);
    expect(batch.caughtUp).toBe(true);
  });

  it('reads only rows appended after the cursor, in file order, with their offsets', async () => {
    writeFileSync(file, sampleLines.slice(0, 3).join('\n') + '\n');
    const first = await read(null);
    appendFileSync(file, sampleLines.slice(3).join('\n') + '\n');
    const batch = await read(first.cursor);
    expect(batch.wakes.map((w) => w.wakeId)).toEqual(['w-7f3a', 'w-7f3b', 'w-81c0', 'w-81c1']);
    expect(batch.wakes[0]!.offset).toBe(first.cursor.offset);
    expect(batch.rowsRead).toBe(5);
  });

  it('leaves a partial last line until its newline arrives', async () => {
    writeFileSync(file, '');
    const start = await read(null);
    const row = wakeRow('w-split');
    appendFileSync(file, row.slice(0, 40));
    const partial = await read(start.cursor);
    expect(partial.wakes).toEqual([]);
    expect(partial.cursor.offset).toBe(0);
    appendFileSync(file, row.slice(40));
    const whole = await read(partial.cursor);
    expect(whole.wakes.map((w) => w.wakeId)).toEqual(['w-split']);
  });

  it('skips bad rows, counting each with its byte offset', async () => {
    writeFileSync(file, '');
    const start = await read(null);
    const bad = fixtureText('bad-rows.jsonl');
    appendFileSync(file, bad);
    const batch = await read(start.cursor);
    expect(batch.badRows).toHaveLength(7);
    expect(batch.wakes).toHaveLength(1);
    expect(batch.badRows[0]).toEqual({ offset: 0, reason: 'not valid JSON' });
    expect(batch.badRows[1]!.offset).toBe(Buffer.byteLength('not json at all\n'));
  });

  it('restarts from the start of a rotated file (new inode)', async () => {
    writeFileSync(file, wakeRow('old-1'));
    const start = await read(null);
    renameSync(file, `${file}.1`);
    writeFileSync(file, wakeRow('new-1'));
    const batch = await read(start.cursor);
    expect(batch.restartedBecause).toBe('rotated');
    expect(batch.wakes.map((w) => w.wakeId)).toEqual(['new-1']);
  });

  it('restarts from the start of a truncated file', async () => {
    writeFileSync(file, wakeRow('a') + wakeRow('b'));
    const start = await read(null);
    truncateSync(file, 0);
    appendFileSync(file, wakeRow('c'));
    const batch = await read(start.cursor);
    expect(batch.restartedBecause).toBe('truncated');
    expect(batch.wakes.map((w) => w.wakeId)).toEqual(['c']);
  });

  it('starts a log that did not exist at first start from its beginning', async () => {
    const start = await read(null);
    expect(start.cursor).toEqual({ inode: 0, offset: 0 });
    const stillMissing = await read(start.cursor);
    expect(stillMissing).toMatchObject({ cursor: { inode: 0, offset: 0 }, wakes: [], rowsRead: 0 });
    writeFileSync(file, wakeRow('first'));
    const batch = await read(start.cursor);
    expect(batch.restartedBecause).toBe('created');
    expect(batch.wakes.map((w) => w.wakeId)).toEqual(['first']);
  });

  it('fails when the log disappears after first start, naming the errno', async () => {
    writeFileSync(file, '');
    const start = await read(null);
    rmSync(file);
    await expect(read(start.cursor)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('caps each read and reports the backlog, which drains over several calls', async () => {
    writeFileSync(file, '');
    let cursor = (await read(null)).cursor;
    for (let i = 0; i < 50; i++) appendFileSync(file, wakeRow(`w-${i}`));
    const limits = { maxBytes: 1024, maxLineBytes: 512 };
    const ids: string[] = [];
    let calls = 0;
    for (;;) {
      const batch = await read(cursor, false, limits);
      calls += 1;
      ids.push(...batch.wakes.map((w) => w.wakeId));
      cursor = batch.cursor;
      if (batch.caughtUp) break;
    }
    expect(calls).toBeGreaterThan(5);
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => `w-${i}`));
  });

  it('skips a line longer than the read cap as one bad row and reads on', async () => {
    writeFileSync(file, '');
    const start = await read(null);
    const huge = `{"event":"x","pad":"${'z'.repeat(5000)}"}\n`;
    appendFileSync(file, huge + wakeRow('after'));
    const limits = { maxBytes: 1024, maxLineBytes: 512 };
    const first = await read(start.cursor, false, limits);
    expect(first.badRows).toEqual([{ offset: 0, reason: expect.stringMatching(/exceeds the 512-byte limit/) }]);
    const second = await read(first.cursor, false, limits);
    expect(second.wakes.map((w) => w.wakeId)).toEqual(['after']);
  });

  it('waits for the newline of a huge line still being written', async () => {
    writeFileSync(file, '');
    const start = await read(null);
    appendFileSync(file, 'x'.repeat(3000));
    const batch = await read(start.cursor, false, { maxBytes: 1024, maxLineBytes: 512 });
    expect(batch.cursor.offset).toBe(0);
    expect(batch.badRows).toEqual([]);
  });

  it('counts NUL bytes and invalid UTF-8 as bad rows, not crashes', async () => {
    writeFileSync(file, '');
    const start = await read(null);
    appendFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a]), Buffer.from(wakeRow('ok'))]));
    const batch = await read(start.cursor);
    expect(batch.badRows).toHaveLength(1);
    expect(batch.wakes.map((w) => w.wakeId)).toEqual(['ok']);
  });
});

describe('readAuditBatch + readAuditLog: health rows for the tail', () => {
  const result = (probe: string, status: string) => `{"ts":"2026-11-23T10:15:03.000Z","event":"probe.result","probe":"${probe}","status":"${status}"}\n`;
  const recoveredRow = (probe: string, category?: string) =>
    JSON.stringify({ ts: '2026-11-23T10:15:04.000Z', event: 'probe.recovered', probe, ...(category ? { issue_category: category } : {}) }) + '\n';

  it('returns every result and recovered row in file order among the wakes', async () => {
    writeFileSync(file, result('fly', 'unhealthy') + wakeRow('a') + result('fly', 'healthy') + recoveredRow('fly', 'auth') + recoveredRow('pg') + wakeRow('b'));
    const batch = await read({ inode: 0, offset: 0 });
    expect(batch.wakes.map((w) => w.wakeId)).toEqual(['a', 'b']);
    expect(batch.health).toEqual([
      { kind: 'result', probe: 'fly', status: 'unhealthy', count: 1, beforeWake: 0 },
      { kind: 'result', probe: 'fly', status: 'healthy', count: 1, beforeWake: 1 },
      { kind: 'recovered', probe: 'fly', category: 'auth', count: 1, beforeWake: 1 },
      { kind: 'recovered', probe: 'pg', count: 1, beforeWake: 1 },
    ]);
  });

  it('the activity keeps only watched probes (and probes woken earlier in the read), folds runs, and never folds a wake across a healthy row', async () => {
    const { createReadAuditLog } = await import('../../src/activities/readAuditLog');
    const { MockActivityEnvironment } = await import('@temporalio/testing');
    const chatty = Array.from({ length: 50 }, () => result('doppler', 'healthy')).join('');
    writeFileSync(file, chatty + wakeRow('a') + wakeRow('a2') + result('fly', 'healthy') + result('fly', 'healthy') + wakeRow('a3') + result('pg', 'healthy'));
    const batch: ReadBatch = await new MockActivityEnvironment().run(createReadAuditLog(), {
      path: file,
      cursor: { inode: 0, offset: 0 },
      replayFromStart: false,
      foldRepeatsUnder: { windowSeconds: 600, bypassCritical: false, minWakes: 1 },
      watchProbes: ['doppler'],
    });
    expect(batch.wakes.map((w) => w.wakeId)).toEqual(['a', 'a3']);
    expect(batch.repeats).toEqual([{ probe: 'fly', category: 'auth', severity: 'critical', count: 1, afterWake: 0 }]);
    expect(batch.health).toEqual([
      { kind: 'result', probe: 'doppler', status: 'healthy', count: 50, beforeWake: 0 },
      { kind: 'result', probe: 'fly', status: 'healthy', count: 2, beforeWake: 1 },
    ]);
  });
});
