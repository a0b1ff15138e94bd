/**
 * DM delivery through the outbox against the faithful Slack fake (per-channel
 * post limit, conversations.history at 1 a minute and 15 messages, outages),
 * with the real deliverMessage activity and its real WebClient, on the time-skipping
 * server: the fake reads the server's clock, so its limits and outages follow
 * skipped time and a storm of 100 paced posts costs no wall time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { loadConfig } from '../../src/config/config';
import type { Wake } from '../../src/domain/auditRow';
import { LATE_AFTER_MS } from '../../src/domain/delivery';
import type { InvestigationOutcome } from '../../src/api';
import { outboxWorkflowId, threadReplyKey } from '../../src/api';
import type { Delivery, MessageRequest } from '../../src/workflows/delivery';
import type { RequesterStep } from '../support/workflows/messageRequester';
import { mockModel, textTurn } from '../support/modelMocks';
import { outboxSettled } from '../support/deliveryMocks';
import { FakeSlack } from '../support/fakeSlack';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';

let env: TestWorkflowEnvironment;
let slack: FakeSlack;
let slackBase: string;
let n = 0;
/** The storm's size: 100 windows (the figure). */
const STORM = 100;
const auditDir = mkdtempSync(path.join(tmpdir(), 'probe-wake-outbox-'));

beforeAll(async () => {
  slack = new FakeSlack({ clock: () => env.currentTimeMs() });
  slackBase = await slack.start();
  await workflowBundle();
});
afterAll(async () => {
  await slack?.stop();
  rmSync(auditDir, { recursive: true, force: true });
});
// A time-skipping server per test: one test's leftovers on a shared server (a held Slack answer,
// a terminated outbox) have been seen to stop its clock from skipping for the next test, which then
// waited out Slack's minute-long limits in real time.
beforeEach(async () => {
  env = await timeSkippingEnv();
  slack.reset();
});
afterEach(() => env?.teardown());

/** A worker on `taskQueue` with the real activities (deliverMessage's real WebClient against the fake), plus `extra`. */
async function slackWorker(taskQueue: string, bundle: WorkflowBundleWithSourceMap, extra: object = {}): Promise<Worker> {
  const config = loadConfig({
    AUDIT_LOG_PATH: path.join(auditDir, 'audit.jsonl'),
    SLACK_BOT_TOKEN: 'xoxb-outbox-test',
    SLACK_OPERATOR_USER_ID: 'U024BE7LH',
    SLACK_API_URL: slack.apiUrl(slackBase),
    TEMPORAL_TASK_QUEUE: taskQueue,
  });
  return Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: { ...createActivities(config, { slackRequestTimeoutMs: 1000 }), ...extra },
  });
}

function wakeOf(i: number): Wake {
  return { wakeId: `w-${n}-${i}`, ts: '2026-11-23T10:15:02.113Z', probe: 'storm', category: `c${i}`, severity: 'critical', summary: `wake ${i}`, offset: i };
}

/** Runs `count` investigations (real deliverMessage, mocked engine) on a fresh task queue; `during` runs while they are in flight. */
async function investigations(count: number, during?: (ids: string[], start: (from: number, to: number) => Promise<void>) => Promise<void>) {
  const taskQueue = `outbox-${++n}`;
  const worker = await slackWorker(taskQueue, await workflowBundle(), mockModel(() => undefined, async () => textTurn('Token rotated.\nNext step: mint one.')));
  const handles: Array<{ result(): Promise<unknown> }> = [];
  const ids: string[] = [];
  const start = async (from: number, to: number) => {
    for (let i = from; i < to; i += 1) {
      const workflowId = `probe-investigation:storm:c${i}:${taskQueue}`;
      ids.push(workflowId);
      const handle = await env.client.workflow.start('probeInvestigationWorkflow', { taskQueue, workflowId, args: [{ wake: wakeOf(i), windowKey: `w${i}` }] });
      handles.push(handle);
    }
  };
  const outcomes = await worker.runUntil(async () => {
    await start(0, count);
    if (during) await during(ids, start);
    // One result wait at a time: each one unlocks the test server's time skipping while it waits.
    const all: InvestigationOutcome[] = [];
    for (const handle of handles) all.push((await handle.result()) as InvestigationOutcome);
    await outboxSettled(env.client, taskQueue);
    await env.client.workflow.getHandle(outboxWorkflowId(taskQueue)).terminate('test over').catch(() => undefined);
    return all;
  });
  return { outcomes, ids };
}

const keyOf = (dm: { metadata?: { event_payload?: Record<string, unknown> } }) => String(dm.metadata?.event_payload?.key);

describe('the outbox through a faithful Slack', () => {
  it('a storm of 100 windows: all 100 DMs delivered, none twice, paced within the per-channel limit', async () => {
    const { outcomes, ids } = await investigations(STORM);
    expect(outcomes.filter((o) => o.dmSent)).toHaveLength(STORM);
    const keys = slack.roots.map(keyOf);
    expect(new Set(keys).size).toBe(STORM);
    expect(keys.sort()).toEqual([...ids].sort());
    expect(new Set(outcomes.map((o) => o.slackTs)).size).toBe(STORM);
    // Paced at the channel's rate: Slack never had to refuse a post.
    expect(slack.rateLimitedPosts).toBe(0);
  }, 300_000);

  it('a 30-minute outage (HTTP 503, then connection refused): every DM due in it delivered after recovery, once, marked late', async () => {
    await slack.goDown(20 * 60_000, 'http503');
    const { outcomes, ids } = await investigations(4, async (_ids, start) => {
      await env.sleep(20 * 60_000 + 1_000);
      await slack.goDown(10 * 60_000, 'refused');
      await start(4, 6);
    });
    expect(outcomes.map((o) => o.dmSent)).toEqual(Array(6).fill(true));
    expect(slack.roots.map(keyOf).sort()).toEqual([...ids].sort());
    for (const outcome of outcomes) expect(outcome.dmLateMs).toBeGreaterThanOrEqual(LATE_AFTER_MS);
    for (const dm of slack.roots) expect(dm.text).toMatch(/^⏱ Delivered \d+ (min|h)( \d+ min)? late: Slack could not take it when it was written\.\n🚨 Probe alert · storm/);
  }, 300_000);

  it('a post whose answer was lost is found by a 15-message look-up (paging past the operator\'s messages), not posted again', async () => {
    slack.holdPostsAfterAccepting(1);
    const { outcomes } = await investigations(1, async () => {
      // While the held answer times out: the operator writes 20 messages after ours, so ours is not on the first page.
      for (let i = 0; i < 200 && slack.roots.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      slack.operatorWrites(20, await env.currentTimeMs());
    });
    expect(slack.roots).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ dmSent: true, slackTs: slack.roots[0]!.ts });
    const lookUps = slack.requestsTo('conversations.history');
    expect(lookUps.every((r) => Number(r.body.limit) <= 15)).toBe(true);
    expect(slack.historyCalls).toBe(2);
    expect(slack.rateLimitedHistory).toBe(0);
  }, 120_000);

  it('two lost answers in a row: the second look-up, rate limited, waits its minute instead of posting blind', async () => {
    slack.holdPostsAfterAccepting(2);
    const { outcomes, ids } = await investigations(2);
    expect(slack.roots.map(keyOf).sort()).toEqual([...ids].sort());
    expect(outcomes.map((o) => o.dmSent)).toEqual([true, true]);
    expect(outcomes.map((o) => o.slackTs).sort()).toEqual(slack.roots.map((d) => d.ts).sort());
  }, 120_000);
});

// ── Keyed messages: revisions, edits, threads, urgency (issue 13) ─────────────

let requesterBundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The project's workflows plus a scripted requester (test/support/workflows), bundled once. */
const bundleWithRequester = () =>
  (requesterBundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../support/workflows'), logger: new DefaultLogger('WARN') }));

const header = (text: string) => ({ type: 'header', text: { type: 'plain_text', text } });
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const msg = (text: string, blocks = [header('🚨 Probe alert · fly'), section(text)]) => ({ text, blocks });
const send = (request: MessageRequest): RequesterStep => ({ send: request });
const wait = (key: string, revision: number): RequesterStep => ({ await: { key, revision } });

/**
 * Runs requester workflows (each a script of sends and waits) against the real
 * deliverMessage and the faithful fake, on a fresh task queue; `during` runs
 * while they are in flight. Answers each requester's deliveries, in order.
 */
async function requesters(scripts: Array<{ id: string; steps: RequesterStep[] }>, during?: () => Promise<void>): Promise<Delivery[][]> {
  const taskQueue = `messages-${++n}`;
  const worker = await slackWorker(taskQueue, await bundleWithRequester());
  return worker.runUntil(async () => {
    const handles = [];
    for (const script of scripts) {
      handles.push(await env.client.workflow.start('messageRequesterWorkflow', { taskQueue, workflowId: `${script.id}:${taskQueue}`, args: [script.steps] }));
    }
    if (during) await during();
    const all: Delivery[][] = [];
    for (const handle of handles) all.push((await handle.result()) as Delivery[]);
    await outboxSettled(env.client, taskQueue);
    await env.client.workflow.getHandle(outboxWorkflowId(taskQueue)).terminate('test over').catch(() => undefined);
    return all;
  });
}

describe('keyed messages through the outbox and a faithful Slack', () => {
  it('a higher revision of a posted message is an edit: chat.update of the same ts, and the report names the revision Slack holds', async () => {
    const key = 'incident-1';
    const [deliveries] = await requesters([
      { id: 'edit', steps: [send({ key, revision: 0, message: msg('investigation running…') }), wait(key, 0), send({ key, revision: 1, message: msg('Token rotated.') }), wait(key, 1)] },
    ]);
    expect(slack.requestsTo('chat.postMessage')).toHaveLength(1);
    expect(slack.requestsTo('chat.update')).toHaveLength(1);
    const [root] = slack.byKey(key);
    expect(root).toMatchObject({ text: 'Token rotated.', blocks: msg('Token rotated.').blocks });
    expect(root!.edits).toHaveLength(1);
    expect(deliveries!.map((d) => [d.dmSent, d.revision, d.slackTs])).toEqual([
      [true, 0, root!.ts],
      [true, 1, root!.ts],
    ]);
  }, 120_000);

  it('revisions queued before the post (Slack down) coalesce: one post carrying the newest, no edit', async () => {
    const key = 'incident-2';
    await slack.goDown(60_000, 'http503');
    const [deliveries] = await requesters([
      {
        id: 'queued',
        steps: [
          send({ key, revision: 0, message: msg('investigation running…') }),
          send({ key, revision: 1, message: msg('diagnosis one') }),
          send({ key, revision: 2, message: msg('diagnosis two') }),
          wait(key, 2),
        ],
      },
    ]);
    expect(slack.byKey(key)).toHaveLength(1);
    expect(slack.byKey(key)[0]).toMatchObject({ text: 'diagnosis two', edits: [] });
    expect(slack.requestsTo('chat.update')).toHaveLength(0);
    expect(deliveries![0]).toMatchObject({ dmSent: true, revision: 2 });
  }, 120_000);

  it('edits queued while an edit is being retried coalesce: one chat.update with the newest revision', async () => {
    const key = 'incident-3';
    // The first edits fail (HTTP 503): the ones asked for meanwhile join the queued edit.
    slack.script('chat.update', ...Array(3).fill({ kind: 'status', status: 503, body: 'Service Unavailable' }));
    const [deliveries] = await requesters([
      {
        id: 'coalesce',
        steps: [
          send({ key, revision: 0, message: msg('running') }),
          wait(key, 0),
          send({ key, revision: 1, message: msg('seen 2×') }),
          send({ key, revision: 2, message: msg('seen 3×') }),
          send({ key, revision: 3, message: msg('seen 4×') }),
          wait(key, 3),
        ],
      },
    ]);
    const [root] = slack.byKey(key);
    expect(root!.edits.map((e) => e.text)).toEqual(['seen 4×']);
    expect(deliveries!.at(-1)).toMatchObject({ dmSent: true, revision: 3, slackTs: root!.ts });
  }, 120_000);

  it('an urgent request goes ahead of everything queued', async () => {
    await slack.goDown(60_000, 'http503');
    await requesters([
      {
        id: 'urgent',
        steps: [
          send({ key: 'plain-1', revision: 0, message: msg('one') }),
          send({ key: 'plain-2', revision: 0, message: msg('two') }),
          send({ key: 'plain-3', revision: 0, message: msg('three') }),
          send({ key: 'digest', revision: 0, message: msg('storm: 3 pairs'), urgent: true }),
          wait('plain-3', 0),
          wait('digest', 0),
        ],
      },
    ]);
    expect(slack.roots.map((m) => m.key)).toEqual(['digest', 'plain-1', 'plain-2', 'plain-3']);
  }, 120_000);

  it('a thread reply lands in its parent\'s thread, the parent found by key in the outbox\'s record', async () => {
    const key = 'incident-4';
    const reply = threadReplyKey(key, 'details');
    const [deliveries] = await requesters([
      {
        id: 'thread',
        steps: [send({ key, revision: 0, message: msg('running') }), send({ key: reply, revision: 0, message: msg('4 tool calls · 1,234 tokens'), threadOf: key }), wait(reply, 0)],
      },
    ]);
    const [root] = slack.byKey(key);
    const [posted] = slack.byKey(reply);
    expect(posted).toMatchObject({ threadTs: root!.ts, channel: root!.channel });
    expect(slack.repliesTo(root!.ts).map((m) => m.key)).toEqual([reply]);
    expect(deliveries![0]).toMatchObject({ dmSent: true, revision: 0, slackTs: posted!.ts });
  }, 120_000);

  it('the reply of a parent given up is given up too, with a reason naming the parent', async () => {
    const key = 'incident-5';
    const early = threadReplyKey(key, 'details');
    const late = threadReplyKey(key, 'recovered');
    // A header over 150 characters: Slack refuses the parent for good (invalid_blocks).
    const tooLong = { text: 'x', blocks: [header('h'.repeat(151))] };
    const [deliveries] = await requesters([
      {
        id: 'orphans',
        steps: [
          send({ key, revision: 0, message: tooLong }),
          send({ key: early, revision: 0, message: msg('details'), threadOf: key }),
          wait(key, 0),
          wait(early, 0),
          send({ key: late, revision: 0, message: msg('recovered'), threadOf: key }),
          wait(late, 0),
        ],
      },
    ]);
    expect(deliveries!.map((d) => [d.dmSent, d.dmReason])).toEqual([
      [false, 'slack_error:invalid_blocks'],
      [false, 'thread_parent_undelivered:slack_error:invalid_blocks'],
      [false, 'thread_parent_undelivered:slack_error:invalid_blocks'],
    ]);
    expect(slack.dms).toHaveLength(0);
  }, 120_000);

  it('a thread reply whose answer was lost is looked up with conversations.replies (not history), not posted twice', async () => {
    const key = 'incident-6';
    const reply = threadReplyKey(key, 'details');
    // Slack takes the reply, but its answer never comes back (the request times out): did it land?
    slack.holdRepliesAfterAccepting(1);
    const [deliveries] = await requesters([
      { id: 'lost', steps: [send({ key, revision: 0, message: msg('running') }), wait(key, 0), send({ key: reply, revision: 0, message: msg('details'), threadOf: key }), wait(reply, 0)] },
    ]);
    const [root] = slack.byKey(key);
    expect(slack.byKey(reply)).toHaveLength(1);
    expect(slack.byKey(reply)[0]!.threadTs).toBe(root!.ts);
    expect(slack.repliesCalls).toBe(1);
    expect(slack.historyCalls).toBe(0);
    expect(slack.requestsTo('conversations.replies')[0]!.body).toMatchObject({ ts: root!.ts, limit: '15' });
    expect(deliveries![1]).toMatchObject({ dmSent: true, alreadyPosted: true, slackTs: slack.byKey(reply)[0]!.ts });
  }, 120_000);

  it('an edit request carrying where the message is needs no record: chat.update at that ts', async () => {
    const key = 'incident-7';
    const [first] = await requesters([{ id: 'before', steps: [send({ key, revision: 0, message: msg('running') }), wait(key, 0)] }]);
    const at = { channel: first![0]!.channel!, ts: first![0]!.slackTs! };
    // A new task queue: a new outbox with no record of the key.
    const [second] = await requesters([{ id: 'after', steps: [send({ key, revision: 1, message: msg('done'), posted: at }), wait(key, 1)] }]);
    expect(slack.byKey(key)).toHaveLength(1);
    expect(slack.byKey(key)[0]).toMatchObject({ text: 'done', edits: [{ text: 'done' }] });
    expect(second![0]).toMatchObject({ dmSent: true, revision: 1, slackTs: at.ts });
  }, 120_000);
});
