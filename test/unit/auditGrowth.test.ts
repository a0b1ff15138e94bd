import { appendFileSync, mkdtempSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { waitForNewLine } from '../../src/activities/auditGrowth';
import { createReadAuditLog } from '../../src/activities/readAuditLog';
import type { AuditCursor, ReadBatch, ReadRequest } from '../../src/domain/tailTypes';
import { startedRow } from '../../src/domain/investigationRows';

const wakeRow = (id: string) =>
  `{"ts":"2026-11-23T10:15:02.113Z","event":"probe.wake_requested","wake_id":"${id}","probe":"fly","issue_category":"auth","severity":"critical"}\n`;
const OLD = wakeRow('w-old');

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'probe-wake-growth-'));
  file = path.join(dir, 'audit.jsonl');
  writeFileSync(file, OLD);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The cursor a tail holds after reading the file as it is now. */
const cursorAtEnd = (): AuditCursor => ({ inode: Number(statSync(file).ino), offset: statSync(file).size });
/** Runs `change` once the wait has had a moment to start watching. */
const soon = (change: () => void) => setTimeout(change, 50);
/** Long enough that only the awaited event can end a wait within the test's timeout. */
const LONG = 60_000;

describe('waitForNewLine', () => {
  it('ends as soon as a complete line is appended', async () => {
    const cursor = cursorAtEnd();
    soon(() => appendFileSync(file, wakeRow('w-new')));
    await expect(waitForNewLine(file, cursor, LONG)).resolves.toBe('line');
  });

  it('ends at once when a complete line is already waiting', async () => {
    const cursor = { ...cursorAtEnd(), offset: 0 };
    await expect(waitForNewLine(file, cursor, LONG)).resolves.toBe('line');
  });

  it('does not end for a partial line (a writer mid-append), only for its newline', async () => {
    const cursor = cursorAtEnd();
    appendFileSync(file, '{"ts":"2026-11-23T10:15:02.113Z","event":"probe.wake');
    await expect(waitForNewLine(file, cursor, 300)).resolves.toBe('timeout');
    soon(() => appendFileSync(file, '_requested"}\n'));
    await expect(waitForNewLine(file, cursor, LONG)).resolves.toBe('line');
  });

  it('ends when the file is rotated (a new file under the same name)', async () => {
    const cursor = cursorAtEnd();
    soon(() => {
      renameSync(file, `${file}.1`);
      writeFileSync(file, '');
    });
    await expect(waitForNewLine(file, cursor, LONG)).resolves.toBe('replaced');
  });

  it('ends when the file is truncated', async () => {
    const cursor = cursorAtEnd();
    soon(() => truncateSync(file, 0));
    await expect(waitForNewLine(file, cursor, LONG)).resolves.toBe('replaced');
  });

  it('keeps waiting while the file is missing, and ends when it is created', async () => {
    const cursor = cursorAtEnd();
    rmSync(file);
    await expect(waitForNewLine(file, cursor, 300)).resolves.toBe('timeout');
    soon(() => writeFileSync(file, wakeRow('w-created')));
    // The new file may get the freed inode number back; then it looks like growth ('line'). Either way the
    // wait ends, and the read that follows tells a re-created file by its head hash (auditFaults.test.ts).
    await expect(waitForNewLine(file, cursor, LONG)).resolves.toMatch(/^(replaced|line)$/);
  });

  it("does not end for the investigations' own investigation rows, only for a row that is news", async () => {
    const cursor = cursorAtEnd();
    const own = JSON.stringify(startedRow({ wakeId: 'w', ts: '2026-11-23T10:15:02.113Z', probe: 'fly', category: 'auth', severity: 'critical', offset: 0 }, 'probe-investigation:fly:auth:w', 0));
    appendFileSync(file, `${own}\n${own}\n`);
    await expect(waitForNewLine(file, cursor, 300)).resolves.toBe('timeout');
    soon(() => appendFileSync(file, wakeRow('w-after')));
    await expect(waitForNewLine(file, cursor, LONG)).resolves.toBe('line');
  });

  it('times out when nothing is appended', async () => {
    await expect(waitForNewLine(file, cursorAtEnd(), 300)).resolves.toBe('timeout');
  });

  it('ends when aborted', async () => {
    const controller = new AbortController();
    soon(() => controller.abort());
    await expect(waitForNewLine(file, cursorAtEnd(), LONG, { signal: controller.signal })).resolves.toBe('aborted');
  });

  it('notices growth by its timed re-checks alone, heartbeating in between', async () => {
    const cursor = cursorAtEnd();
    const idle: number[] = [];
    setTimeout(() => appendFileSync(file, wakeRow('w-unseen')), 250);
    await expect(waitForNewLine(file, cursor, LONG, { fileEvents: false, recheckMs: 100, onIdle: () => idle.push(1) })).resolves.toBe('line');
    expect(idle.length).toBeGreaterThan(1);
  });
});

describe('readAuditLog with waitMs', () => {
  const run = (env: MockActivityEnvironment, read: ReturnType<typeof createReadAuditLog>, request: ReadRequest) =>
    env.run(read as never, request as never) as Promise<ReadBatch>;

  it('waits for the appended wake, heartbeating, then reads it', async () => {
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000 });
    let heartbeats = 0;
    env.on('heartbeat', () => (heartbeats += 1));
    const cursor = cursorAtEnd();
    soon(() => appendFileSync(file, wakeRow('w-after-wait')));
    const batch = await run(env, createReadAuditLog(), { path: file, cursor, replayFromStart: false, waitMs: LONG });
    expect(batch.wakes.map((w) => w.wakeId)).toEqual(['w-after-wait']);
    expect(heartbeats).toBeGreaterThan(0);
  });

  it('does not heartbeat when the workflow set no heartbeat timeout', async () => {
    const env = new MockActivityEnvironment();
    let heartbeats = 0;
    env.on('heartbeat', () => (heartbeats += 1));
    soon(() => appendFileSync(file, wakeRow('w-1')));
    await run(env, createReadAuditLog(), { path: file, cursor: cursorAtEnd(), replayFromStart: false, waitMs: LONG });
    expect(heartbeats).toBe(0);
  });

  it('ends the wait when the worker starts shutting down, returning what is there', async () => {
    const stopping = new AbortController();
    soon(() => stopping.abort());
    const batch = await run(new MockActivityEnvironment(), createReadAuditLog(undefined, stopping.signal), {
      path: file,
      cursor: cursorAtEnd(),
      replayFromStart: false,
      waitMs: LONG,
    });
    expect(batch).toMatchObject({ wakes: [], rowsRead: 0, caughtUp: true });
  });

  it('does not wait on the first read (no cursor yet): it stamps the cursor', async () => {
    const batch = await run(new MockActivityEnvironment(), createReadAuditLog(), { path: file, cursor: null, replayFromStart: false, waitMs: LONG });
    expect(batch.cursor).toMatchObject(cursorAtEnd());
  });
});
