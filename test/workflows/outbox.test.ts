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
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { loadConfig } from '../../src/config/config';
import type { Wake } from '../../src/domain/auditRow';
import { LATE_AFTER_MS } from '../../src/domain/delivery';
import type { InvestigationOutcome } from '../../src/api';
import { outboxWorkflowId } from '../../src/api';
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
  env = await timeSkippingEnv();
  slack = new FakeSlack({ clock: () => env.currentTimeMs() });
  slackBase = await slack.start();
  await workflowBundle();
});
afterAll(async () => {
  await Promise.all([env?.teardown(), slack?.stop()]);
  rmSync(auditDir, { recursive: true, force: true });
});
beforeEach(() => slack.reset());

function wakeOf(i: number): Wake {
  return { wakeId: `w-${n}-${i}`, ts: '2026-11-23T10:15:02.113Z', probe: 'storm', category: `c${i}`, severity: 'critical', summary: `wake ${i}`, offset: i };
}

/** Runs `count` investigations (real deliverMessage, mocked engine) on a fresh task queue; `during` runs while they are in flight. */
async function investigations(count: number, during?: (ids: string[], start: (from: number, to: number) => Promise<void>) => Promise<void>) {
  const taskQueue = `outbox-${++n}`;
  const config = loadConfig({
    AUDIT_LOG_PATH: path.join(auditDir, 'audit.jsonl'),
    SLACK_BOT_TOKEN: 'xoxb-outbox-test',
    SLACK_OPERATOR_USER_ID: 'U024BE7LH',
    SLACK_API_URL: slack.apiUrl(slackBase),
    TEMPORAL_TASK_QUEUE: taskQueue,
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: { ...createActivities(config, { slackRequestTimeoutMs: 1000 }), ...mockModel(() => undefined, async () => textTurn('Token rotated.\nNext step: mint one.')) },
  });
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
    const keys = slack.dms.map(keyOf);
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
    expect(slack.dms.map(keyOf).sort()).toEqual([...ids].sort());
    for (const outcome of outcomes) expect(outcome.dmLateMs).toBeGreaterThanOrEqual(LATE_AFTER_MS);
    for (const dm of slack.dms) expect(dm.text).toMatch(/^⏱ Delivered \d+ (min|h)( \d+ min)? late: Slack could not take it when it was written\.\n🚨 Probe alert · storm/);
  }, 300_000);

  it('a post whose answer was lost is found by a 15-message look-up (paging past the operator\'s messages), not posted again', async () => {
    slack.holdPostsAfterAccepting(1);
    const { outcomes } = await investigations(1, async () => {
      // While the held answer times out: the operator writes 20 messages after ours, so ours is not on the first page.
      for (let i = 0; i < 200 && slack.dms.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      slack.operatorWrites(20, await env.currentTimeMs());
    });
    expect(slack.dms).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ dmSent: true, slackTs: slack.dms[0]!.ts });
    const lookUps = slack.requestsTo('conversations.history');
    expect(lookUps.every((r) => Number(r.body.limit) <= 15)).toBe(true);
    expect(slack.historyCalls).toBe(2);
    expect(slack.rateLimitedHistory).toBe(0);
  }, 120_000);

  it('two lost answers in a row: the second look-up, rate limited, waits its minute instead of posting blind', async () => {
    slack.holdPostsAfterAccepting(2);
    const { outcomes, ids } = await investigations(2);
    expect(slack.dms.map(keyOf).sort()).toEqual([...ids].sort());
    expect(outcomes.map((o) => o.dmSent)).toEqual([true, true]);
    expect(outcomes.map((o) => o.slackTs).sort()).toEqual(slack.dms.map((d) => d.ts).sort());
  }, 120_000);
});
