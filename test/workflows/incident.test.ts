import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DeliverMessageResult } from '../../src/activities/deliverMessage';
import {
  getIncidentQuery,
  InvestigationOutcomeKey,
  threadReplyKey,
  windowClosedSignal,
  windowRepeatsSignal,
  type IncidentSnapshot,
  type InvestigationMemo,
} from '../../src/api';
import type { Wake } from '../../src/domain/auditRow';
import { formatDm } from '../../src/domain/dmText';
import { alertText } from '../../src/domain/incidentMessage';
import { runIncident, type IncidentCalls } from '../support/incidentHarness';
import { textTurn } from '../support/modelMocks';
import { devServerEnv, timeSkippingEnv } from '../support/temporal';

/**
 * The incident's lifecycle on the time-skipping server: one investigation workflow is one Slack thread
 * for its debounce window (alert, diagnosis in place, details, repeats, recovery, expiry).
 */
const wake: Wake = {
  wakeId: 'w-7f3a',
  ts: '2026-11-23T10:15:02.113Z',
  probe: 'fly',
  category: 'auth',
  severity: 'critical',
  summary: 'Fly app(s) unreachable: HTTP 401',
  details: { status: 'unhealthy', error: 'HTTP 401' },
  offset: 517,
};
const DIAGNOSIS = 'Token rotated.\nNext step: mint a new token.';
const answer = async () => textTurn(DIAGNOSIS, { model: 'claude-haiku-5-5' });
const posted = async (): Promise<DeliverMessageResult> => ({ kind: 'posted', channel: 'D1', ts: '1.000001', alreadyPosted: false });
const MIN = 60_000;

let env: TestWorkflowEnvironment;
let run = 0;
beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

/** Polls the getIncident query until `ready` holds (the workflow needs a task or two to get there). */
async function incidentWhen(handle: WorkflowHandle, ready: (s: IncidentSnapshot) => boolean): Promise<IncidentSnapshot> {
  for (let i = 0; i < 400; i += 1) {
    const snapshot = await handle.query(getIncidentQuery);
    if (ready(snapshot)) return snapshot;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`getIncident never got there: ${JSON.stringify(await handle.query(getIncidentQuery))}`);
}

type TextObject = { text: string };
const contextLine = (message: { blocks?: Array<Record<string, unknown>> }) =>
  ((message.blocks ?? []).find((b) => b.type === 'context')?.elements as TextObject[] | undefined)?.map((e) => e.text).join(' | ') ?? '';
const allText = (message: { blocks?: Array<Record<string, unknown>> }) => JSON.stringify(message.blocks ?? []);
const topLevelPosts = (calls: IncidentCalls) => [...calls.rootPosts, ...calls.replies.filter((r) => r.thread === undefined)];

/** Workflow time is the server's: the window opens "now" for the test server too. */
async function windowFrom(openMs: number, closesAfterMs: number) {
  const now = await env.currentTimeMs();
  return { openedAtMs: now + openMs, closesAtMs: now + closesAfterMs };
}

describe('the incident thread', () => {
  it('posts the alert before the model answers, edits it into the diagnosis, then replies the details in its thread', async () => {
    const { outcome, calls, workflowId } = await runIncident(env, wake, `inc-${++run}`, { investigate: answer, postRoot: posted, uiUrl: 'http://127.0.0.1:8233' });
    expect(calls.order).toEqual(['alert', 'model']);
    expect(calls.rootPosts).toHaveLength(1);
    const alert = calls.rootPosts[0]!.message;
    expect(alert.text).toBe(alertText(wake));
    expect(allText(alert)).toContain('investigation running…');
    expect(contextLine(alert)).toContain(`<http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(workflowId)}/`);

    const final = calls.updates.at(-1)!;
    expect(final.at).toEqual({ channel: 'D1', ts: '1.000001' });
    expect(final.message.text).toBe(formatDm(wake, { investigated: true, text: DIAGNOSIS }));
    expect(allText(final.message)).toContain('Token rotated.\\nNext step: mint a new token.');
    expect(allText(final.message)).not.toContain('investigation running');

    expect(calls.replies).toHaveLength(1);
    expect(calls.replies[0]).toMatchObject({ key: threadReplyKey(workflowId, 'details'), thread: { channel: 'D1', ts: '1.000001' } });
    expect(calls.replies[0]!.message.text).toMatch(/^Investigation details: 1 model turn · 0 tool calls · tokens .* · model `claude-haiku-5-5`$/);
    expect(outcome).toMatchObject({ phase: 'investigated', wakesSeen: 1, closedBecause: 'delivered', dmSent: true, slackTs: '1.000001' });
  });

  it('the fallback path edits the alert into the fallback DM with its reason code', async () => {
    const { outcome, calls } = await runIncident(env, wake, `inc-${++run}`, {
      investigate: async () => textTurn('', { stopReason: 'refusal' }),
      postRoot: posted,
    });
    expect(outcome).toMatchObject({ investigated: false, reason: 'model_refusal', phase: 'fallback' });
    const final = calls.updates.at(-1)!.message;
    expect(final.text).toBe(formatDm(wake, { investigated: false, reason: 'model_refusal' }));
    expect(allText(final)).toContain('I was unable to investigate — engine returned: model_refusal');
    expect(calls.replies[0]!.message.text).toContain('fallback `model_refusal`');
  });

  it('repeats edit the root at most once a minute and never post; the window expiring ends it', async () => {
    let revisionAfterDiagnosis = -1;
    const { outcome, calls, described } = await runIncident(env, wake, `inc-${++run}`, {
      investigate: answer,
      postRoot: posted,
      window: await windowFrom(0, 10 * MIN),
      during: async (handle, calls) => {
        const diagnosed = await incidentWhen(handle, (s) => s.diagnosed && s.root !== undefined);
        revisionAfterDiagnosis = diagnosed.rootRevision;
        const now = await env.currentTimeMs();
        // Hand-typed signals that are not what the tail sends change nothing.
        await handle.signal(windowClosedSignal, { reason: 'bogus', atMs: now } as never);
        await handle.signal(windowRepeatsSignal, { wakes: 'many' } as never);
        for (let wakes = 2; wakes <= 6; wakes += 1) await handle.signal(windowRepeatsSignal, { wakes, lastSeenAtMs: now });
        // Inside the minute after the diagnosis edit: counted, not yet shown.
        expect(await incidentWhen(handle, (s) => s.wakes === 6)).toMatchObject({ rootRevision: revisionAfterDiagnosis });
        await env.sleep(MIN + 1000);
        await incidentWhen(handle, (s) => s.rootRevision === revisionAfterDiagnosis + 1);
        await handle.signal(windowRepeatsSignal, { wakes: 7, lastSeenAtMs: now + 30_000 });
        expect(await incidentWhen(handle, (s) => s.wakes === 7)).toMatchObject({ rootRevision: revisionAfterDiagnosis + 1 });
        expect(calls.updates.some((u) => contextLine(u.message).includes('seen 6×'))).toBe(true);
      },
    });
    expect(topLevelPosts(calls)).toHaveLength(1);
    expect(calls.replies.map((r) => r.key)).toEqual([expect.stringMatching(/#details$/)]);
    // The window's close edits the root once more: it takes the operator's buttons off (issue 14).
    const closeEdit = calls.updates.at(-1)!.message;
    expect((closeEdit.blocks ?? []).some((b) => b.type === 'actions')).toBe(false);
    expect(contextLine(closeEdit)).toContain('seen 7×');
    // One edit for the first five repeats, one more (a minute later) for the seventh wake, before the window closed.
    const repeatEdits = calls.updates.slice(0, -1).filter((u) => /seen \d+×/.test(contextLine(u.message)));
    expect(repeatEdits.map((u) => /seen (\d+)×/.exec(contextLine(u.message))![1])).toEqual(['6', '7']);
    expect(contextLine(repeatEdits[0]!.message)).toMatch(/seen 6× · last \d\d:\d\d UTC/);
    // Every root edit still reads as the finished DM.
    for (const update of repeatEdits) expect(update.message.text).toBe(formatDm(wake, { investigated: true, text: DIAGNOSIS }));
    expect(outcome).toMatchObject({ phase: 'investigated', wakesSeen: 7, closedBecause: 'expired' });
    expect(outcome.recoveredAfterMs).toBeUndefined();
    expect((described.memo as unknown as InvestigationMemo).incident).toEqual({ phase: 'investigated', wakes: 7, closedBecause: 'expired' });
  });

  it('recovery: a thread reply, the root marked recovered, the result and memo say recovered', async () => {
    const window = await windowFrom(0, 60 * MIN);
    const { outcome, calls, described, workflowId } = await runIncident(env, wake, `inc-${++run}`, {
      investigate: answer,
      postRoot: posted,
      window,
      during: async (handle) => {
        await incidentWhen(handle, (s) => s.diagnosed && s.root !== undefined);
        await handle.signal(windowClosedSignal, { reason: 'recovered', atMs: window.openedAtMs + 26 * MIN, by: 'results' });
      },
    });
    expect(outcome).toMatchObject({ phase: 'recovered', recoveredAfterMs: 26 * MIN, closedBecause: 'recovered', investigated: true });
    const recovered = calls.replies.find((r) => r.key === threadReplyKey(workflowId, 'recovered'))!;
    expect(recovered).toMatchObject({ thread: { channel: 'D1', ts: '1.000001' }, message: { text: '✅ fly recovered after 26 min' } });
    const root = calls.updates.at(-1)!.message;
    expect(allText(root)).toContain('✅ *Recovered* after 26 min');
    expect(contextLine(root)).toContain('✅ recovered after 26 min');
    expect(topLevelPosts(calls)).toHaveLength(1);
    expect((described.memo as unknown as InvestigationMemo).incident).toEqual({ phase: 'recovered', wakes: 1, recoveredAfterMs: 26 * MIN, closedBecause: 'recovered' });
  });

  it('without Slack (no token): no reply goes into a thread that does not exist, so the outbox lists nothing undelivered', async () => {
    const window = await windowFrom(0, 60 * MIN);
    const { outcome, calls, outbox } = await runIncident(env, wake, `inc-${++run}`, {
      investigate: answer,
      postRoot: async () => ({ kind: 'notConfigured', reason: 'slack_token_missing' }),
      window,
      during: async (handle) => {
        await incidentWhen(handle, (s) => s.diagnosed);
        await handle.signal(windowClosedSignal, { reason: 'recovered', atMs: window.openedAtMs + 26 * MIN, by: 'results' });
      },
    });
    expect(outcome).toMatchObject({ phase: 'recovered', dmSent: false, dmReason: 'slack_token_missing' });
    expect(calls.replies).toEqual([]);
    expect(outbox.undelivered).toEqual([]);
  });

  it('a reset closes it early without a recovery reply; the root still ends showing every wake', async () => {
    const { outcome, calls } = await runIncident(env, wake, `inc-${++run}`, {
      investigate: answer,
      postRoot: posted,
      window: await windowFrom(0, 60 * MIN),
      during: async (handle) => {
        await incidentWhen(handle, (s) => s.diagnosed);
        await handle.signal(windowRepeatsSignal, { wakes: 2, lastSeenAtMs: await env.currentTimeMs() });
        await handle.signal(windowClosedSignal, { reason: 'reset', atMs: await env.currentTimeMs() });
      },
    });
    expect(outcome).toMatchObject({ phase: 'investigated', closedBecause: 'reset', wakesSeen: 2 });
    expect(calls.replies.map((r) => r.key)).toEqual([expect.stringMatching(/#details$/)]);
    // Owed when the window closed, sent at its pace (a minute after the diagnosis edit).
    expect(contextLine(calls.updates.at(-1)!.message)).toContain('seen 2×');
  });
});

/** The time-skipping server knows no custom search attributes: this one runs on the dev server, which has ours registered. */
describe('the incident thread: InvestigationOutcome', () => {
  let dev: TestWorkflowEnvironment;
  beforeAll(async () => {
    dev = await devServerEnv();
  });
  afterAll(async () => {
    await dev?.teardown();
  });

  it('goes investigating → investigated → recovered', async () => {
    const now = Date.now();
    const window = { openedAtMs: now, closesAtMs: now + 60 * MIN };
    const seen: Array<string | undefined> = [];
    let release!: () => void;
    const modelMayAnswer = new Promise<void>((resolve) => (release = resolve));
    const { outcome, described } = await runIncident(dev, wake, `inc-sa-${++run}`, {
      investigate: async () => {
        await modelMayAnswer;
        return answer();
      },
      postRoot: posted,
      window,
      searchAttributes: true,
      during: async (handle) => {
        // The model is held: the alert is out and the incident is investigating.
        await incidentWhen(handle, (s) => s.root !== undefined);
        seen.push((await handle.describe()).typedSearchAttributes.get(InvestigationOutcomeKey));
        release();
        await incidentWhen(handle, (s) => s.diagnosed);
        seen.push((await handle.describe()).typedSearchAttributes.get(InvestigationOutcomeKey));
        await handle.signal(windowClosedSignal, { reason: 'recovered', atMs: now + 26 * MIN, by: 'event' });
      },
    });
    expect(seen).toEqual(['investigating', 'investigated']);
    expect(outcome).toMatchObject({ phase: 'recovered', recoveredAfterMs: 26 * MIN });
    expect(described.typedSearchAttributes.get(InvestigationOutcomeKey)).toBe('recovered');
  });
});
