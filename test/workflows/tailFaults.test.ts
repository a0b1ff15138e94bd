/**
 * Audit-log faults through the tail workflow (time-skipping Temporal server,
 * the real file reader, mocked engine and Slack): rotation with rows left in
 * the old file, truncation, deletion and re-creation, EACCES then recovery,
 * hostile bytes, a row split across two writes, and a 100,000-row backlog.
 * The poll interval is an hour and each tick is driven by jumping the
 * server's clock, so a fault always lands between two known reads.
 */
import { appendFileSync, chmodSync, mkdtempSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Context } from '@temporalio/activity';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import { DEFAULT_READ_LIMITS, readAuditBatch, type ReadLimits } from '../../src/activities/auditFile';
import { mockDelivery } from '../support/deliveryMocks';
import { createReadAuditLog, type AuditReader } from '../../src/activities/readAuditLog';
import { getStateQuery, investigationWorkflowId, type TailSettings, type TailStateView } from '../../src/api';
import { windowLogQuery } from '../support/windowWorkflows';
import { readAsNobody } from '../support/asNobody';
import { mockModel } from '../support/modelMocks';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';
import { eventually } from '../support/poll';

const POLL_SECONDS = 3600;

let env: TestWorkflowEnvironment;
let dir: string;
let run = 0;

// A server per test: the time-skipping clock is shared by everything on one server, so a tail left
// behind by one test must not be able to hold or spin the clock of the next.
beforeEach(async () => {
  env = await timeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'probe-wake-tailfaults-'));
  chmodSync(dir, 0o755); // the EACCES case reads as nobody
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

let idPrefix = '';
const wakeRow = (id: string, probe = 'fly', category = 'auth') =>
  JSON.stringify({ ts: '2026-11-23T10:15:02.113Z', event: 'probe.wake_requested', wake_id: `${idPrefix}${id}`, probe, issue_category: category, severity: 'critical', summary: `wake ${id}` }) + '\n';
const resultRow = (i: number) => `{"ts":"2026-11-23T10:15:02.113Z","event":"probe.result","probe":"doppler","status":"healthy","summary":"tick ${i}"}\n`;

interface Harness {
  log: string;
  handle: WorkflowHandle;
  investigated: string[];
  state(): Promise<TailStateView>;
  append(...rows: Array<string | Buffer>): void;
  /** One more tick: jumps the server clock past the poll timer, then waits until that tick's reads are done. */
  tick(): Promise<TailStateView>;
}

interface Options {
  settings?: Partial<TailSettings>;
  readLimits?: ReadLimits;
  reader?: AuditReader;
  /**
   * The workflows the tail starts: the real ones (default), or the stubs of test/support/windowWorkflows.ts
   * that only record what the tail sends, for tests about the tail's own counting.
   */
  workflowBundle?: WorkflowBundle;
}

async function withTail(options: Options, body: (h: Harness) => Promise<void>): Promise<void> {
  const taskQueue = `tailfaults-${++run}`;
  idPrefix = `tf${run}-`;
  const log = path.join(dir, 'audit.jsonl');
  writeFileSync(log, wakeRow('history'));
  chmodSync(log, 0o644);
  const investigated: string[] = [];
  const children = new Set<string>();
  let reads = 0;
  const reader: AuditReader = options.reader ?? ((request, limits) => import('../../src/activities/auditFile').then((m) => m.readAuditBatch(request, limits)));
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: options.workflowBundle ?? (await workflowBundle()),
    activities: {
      readAuditLog: createReadAuditLog(options.readLimits ?? DEFAULT_READ_LIMITS, undefined, async (request, limits) => {
        try {
          return await reader(request, limits);
        } finally {
          reads += 1;
        }
      }),
      ...mockModel((wake) => {
        investigated.push(wake.wakeId.slice(idPrefix.length));
        children.add(Context.current().info.workflowExecution!.workflowId);
      }),
      ...mockDelivery(),
    },
  });
  const settings: TailSettings = {
    auditLogPath: log,
    pollSeconds: POLL_SECONDS,
    debounce: { windowSeconds: 0, bypassCritical: false },
    investigation: { maxTurns: 4, dailyBudgetUsd: null, reserveUsd: 0 },
    // Plain polling: each tick is driven by jumping the server's clock past the poll timer.
    waitForGrowth: false,
    replayFromStart: false,
    searchAttributes: false,
    historyEventLimit: 10_000,
    ...options.settings,
  };
  const handle = await env.client.workflow.start('probeTailWorkflow', { taskQueue, workflowId: `probe-tail-${taskQueue}`, args: [{ settings }] });
  const state = () => handle.query(getStateQuery);
  const harness: Harness = {
    log,
    handle,
    investigated,
    state,
    append: (...rows) => appendFileSync(log, Buffer.concat(rows.map((r) => (typeof r === 'string' ? Buffer.from(r) : r)))),
    tick: async () => {
      const readsBefore = reads;
      await env.sleep(POLL_SECONDS * 1000);
      // The tick has run once the workflow is parked on its poll timer again after at least one more read.
      return eventually(async () => {
        const { pendingActivities } = await describeRaw(handle);
        debug('tick poll', { reads, readsBefore, pendingActivities });
        if (pendingActivities > 0) {
          // A failed read waits out its retry backoff on the server's clock: move it along.
          await env.sleep(1000);
          return undefined;
        }
        return reads > readsBefore ? state() : undefined;
      }, 30_000, 'a tick');
    },
  };
  debug('worker created', taskQueue);
  await worker.runUntil(async () => {
    try {
      await eventually(async () => ((await state()).cursor ? true : undefined), 30_000, 'first tick');
      await body(harness);
      // Children outlive the tail; one left mid-flight on this queue would hold the server's clock for the next test.
      // (Polled with describe: awaiting result() would let the server skip time freely and spin the tail.)
      await eventually(async () => {
        const statuses = await Promise.all([...children].map(async (id) => (await env.client.workflow.getHandle(id).describe()).status.name));
        if (statuses.every((status) => status === 'COMPLETED')) return true;
        await env.sleep(1000);
        return undefined;
      }, 30_000, 'investigations completed');
    } finally {
      // The current run, whichever it is (not pinned to the first run).
      await env.client.workflow.getHandle(handle.workflowId).terminate('test done');
    }
  });
}

const debug = (...args: unknown[]) => {
  if (process.env.DEBUG_TICK) process.stderr.write(`${new Date().toISOString()} ${JSON.stringify(args)}\n`);
};

async function describeRaw(handle: WorkflowHandle): Promise<{ pendingActivities: number }> {
  const described = await handle.describe();
  return { pendingActivities: described.raw.pendingActivities?.length ?? 0 };
}

async function untilInvestigated(h: Harness, count: number): Promise<TailStateView> {
  return eventually(async () => {
    const state = await h.state();
    debug('until investigated', state.counters, h.investigated);
    if (state.counters.investigationsStarted >= count && h.investigated.length >= count) return state;
    // Children's tasks can sit behind the server's locked clock; nudging it lets them run.
    await env.sleep(1000);
    return undefined;
  }, 30_000, `${count} investigations`);
}

describe('tail workflow under audit-log faults', () => {
  it('rotation: rows appended to the old file before the rename are investigated, then the new file from its start', async () => {
    await withTail({}, async (h) => {
      h.append(wakeRow('late-1'), wakeRow('late-2'));
      renameSync(h.log, `${h.log}.1`);
      writeFileSync(h.log, wakeRow('new-1'));
      await h.tick();
      const state = await untilInvestigated(h, 3);
      expect(h.investigated.sort()).toEqual(['late-1', 'late-2', 'new-1']);
      expect(state.counters).toMatchObject({ wakes: 3, restarts: 1, restartsByReason: { rotated: 1 }, rowsFromRotatedFile: 2, readErrors: 0, badRows: 0 });
    });
  });

  it('truncation: the file is read again from its start', async () => {
    await withTail({}, async (h) => {
      truncateSync(h.log, 0);
      h.append(wakeRow('t-1'));
      await h.tick();
      const state = await untilInvestigated(h, 1);
      expect(h.investigated).toEqual(['t-1']);
      expect(state.counters).toMatchObject({ restarts: 1, restartsByReason: { truncated: 1 } });
    });
  });

  it('deletion and re-creation: a read error while it is missing, then the new file from its start', async () => {
    await withTail({}, async (h) => {
      rmSync(h.log);
      const missing = await h.tick();
      expect(missing.counters.readErrors).toBe(1);
      expect(missing.lastReadError).toMatch(/ENOENT/);
      writeFileSync(h.log, wakeRow('r-1') + wakeRow('r-2'));
      await h.tick();
      const state = await untilInvestigated(h, 2);
      expect(h.investigated.sort()).toEqual(['r-1', 'r-2']);
      expect(state.counters.restarts).toBe(1);
      expect(state.lastReadError).toBeUndefined();
    });
  });

  it('EACCES (reader running as nobody): counted as a read error, and the wake written meanwhile is investigated once readable', async () => {
    await withTail({ reader: readAsNobody }, async (h) => {
      h.append(wakeRow('during'));
      chmodSync(h.log, 0o000);
      const denied = await h.tick();
      expect(denied.counters.readErrors).toBe(1);
      expect(denied.lastReadError).toMatch(/EACCES/);
      expect(h.investigated).toEqual([]);
      chmodSync(h.log, 0o644);
      await h.tick();
      const state = await untilInvestigated(h, 1);
      expect(h.investigated).toEqual(['during']);
      expect(state.counters).toMatchObject({ readErrors: 1, restarts: 0, wakes: 1 });
      expect(state.lastReadError).toBeUndefined();
    });
  });

  it('a read whose heartbeat times out (its worker or the server went away) is counted as interrupted, not as a read error', async () => {
    // Reads that never heartbeat once `hang` is set, as when the worker running them or the server is gone.
    let hang = false;
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const reader: AuditReader = async (request, limits) => {
      if (hang) {
        await released;
        throw new Error('released after the test');
      }
      return readAuditBatch(request, limits);
    };
    // Waiting reads: the tail asks for heartbeats (10 s timeout) on every read that waits for growth.
    await withTail({ reader, settings: { waitForGrowth: true } }, async (h) => {
      try {
        hang = true;
        h.append(wakeRow('after')); // ends the waiting read's wait; its reader then hangs without heartbeats
        const interrupted = await eventually(async () => {
          const state = await h.state();
          if (state.counters.readsInterrupted > 0) return state;
          await env.sleep(5000); // the server's clock on, past the heartbeat timeout of both attempts
          return undefined;
        }, 60_000, 'the read to time out');
        expect(interrupted.counters).toMatchObject({ readsInterrupted: 1, readErrors: 0, wakes: 0 });
        expect(interrupted.lastReadInterruption).toBe('heartbeat timeout of readAuditLog');
        expect(interrupted.lastReadError).toBeUndefined();
      } finally {
        hang = false;
        release();
      }
      // After a failed read the tail sleeps out its poll, then reads the same rows again.
      await env.sleep(POLL_SECONDS * 1000);
      const state = await untilInvestigated(h, 1);
      expect(h.investigated).toEqual(['after']);
      expect(state.counters).toMatchObject({ readsInterrupted: 1, readErrors: 0, wakes: 1 });
      expect(state.lastReadInterruption).toBeUndefined();
    });
  });

  it('hostile bytes (NUL, invalid UTF-8, a 5 MB line) are counted as bad rows; the wake after them is investigated', async () => {
    await withTail({}, async (h) => {
      const [head, tail] = wakeRow('x', 'fly', 'XX').split('XX') as [string, string];
      h.append(
        Buffer.concat([Buffer.from(head), Buffer.from([0x00]), Buffer.from(tail)]),
        Buffer.concat([Buffer.from(head), Buffer.from([0xc3, 0x28]), Buffer.from(tail)]),
        `{"pad":"${'z'.repeat(5 * 1024 * 1024)}"}\n`,
        wakeRow('good'),
      );
      await h.tick();
      const state = await untilInvestigated(h, 1);
      expect(h.investigated).toEqual(['good']);
      expect(state.counters).toMatchObject({ rowsRead: 4, badRows: 3, wakes: 1 });
    });
  });

  it('a row split across two writes seconds apart is read once, whole, after its newline arrives', async () => {
    await withTail({}, async (h) => {
      const before = (await h.state()).cursor!.offset;
      const row = wakeRow('split');
      h.append(row.slice(0, 50));
      const partial = await h.tick();
      expect(partial.cursor!.offset).toBe(before);
      expect(partial.counters).toMatchObject({ rowsRead: 0, badRows: 0 });
      await new Promise((resolve) => setTimeout(resolve, 2000));
      h.append(row.slice(50));
      await h.tick();
      const state = await untilInvestigated(h, 1);
      expect(h.investigated).toEqual(['split']);
      expect(state.counters).toMatchObject({ rowsRead: 1, badRows: 0, wakes: 1 });
    });
  });

  it('100,000 rows appended between two ticks drain over several ticks with every wake counted exactly once', async () => {
    // Small reads so the backlog needs several ticks (20 reads per tick).
    const readLimits = { maxBytes: 64 * 1024, maxLineBytes: 4096 };
    // About the tail's counting: its 50 investigations are the stubs that record what they were given (the real
    // ones, each with its Slack thread, are the storm tests' business).
    const stubs = await bundleWorkflowCode({ workflowsPath: require.resolve('../support/windowWorkflows'), logger: new DefaultLogger('WARN') });
    await withTail({ readLimits, workflowBundle: stubs, settings: { debounce: { windowSeconds: 30 * 86_400, bypassCritical: false } } }, async (h) => {
      // Each tick jumps the clock an hour: a 30-day window keeps every pair's window open throughout.
      const rows: string[] = [];
      for (let i = 0; i < 100_000; i++) rows.push(i % 100 === 0 ? wakeRow(`w-${i}`, `p${(i / 100) % 50}`) : resultRow(i));
      h.append(rows.join(''));
      const size = statSync(h.log).size;
      let ticks = 0;
      let state = await h.state();
      while (state.cursor!.offset < size) {
        state = await h.tick();
        ticks += 1;
        if (ticks > 100) throw new Error('backlog did not drain');
      }
      expect(ticks).toBeGreaterThan(1);
      expect(state.counters).toMatchObject({ rowsRead: 100_000, wakes: 1000, investigationsStarted: 50, debounced: 950, badRows: 0, readErrors: 0 });
      // One investigation per pair, each opened by that pair's first wake.
      const opened = await Promise.all(
        Array.from({ length: 50 }, (_, k) => env.client.workflow.getHandle(investigationWorkflowId(`p${k}`, 'auth', `${idPrefix}w-${k * 100}`)).query(windowLogQuery)),
      );
      expect(opened.map((log) => log.input.wake.probe)).toEqual(Array.from({ length: 50 }, (_, k) => `p${k}`));
    });
  });

});
