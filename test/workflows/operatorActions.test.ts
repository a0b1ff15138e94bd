import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { getIncidentQuery, operatorActionUpdate, threadReplyKey, type IncidentSnapshot, type InvestigationMemo, type OperatorAction } from '../../src/api';
import type { Wake } from '../../src/domain/auditRow';
import { runWithTail, type ActionCalls } from '../support/actionHarness';
import { timeSkippingEnv } from '../support/temporal';

/**
 * The investigation's side of the operator's buttons on the time-skipping server: each action as an
 * Update on a real investigation (child of a stand-in tail), its answer, thread line, root edit and
 * audit row; repeats change nothing twice.
 */
const wake: Wake = { wakeId: 'w-7f3a', ts: '2026-11-23T10:15:02.113Z', probe: 'fly', category: 'auth', severity: 'critical', summary: 'Fly app(s) unreachable: HTTP 401', offset: 517 };
const OPERATOR = 'U024BE7LH';
const OTHER = 'U0SECOND1';
const HOUR = 3_600_000;

let env: TestWorkflowEnvironment;
let run = 0;
beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

async function incidentWhen(handle: WorkflowHandle, ready: (s: IncidentSnapshot) => boolean): Promise<IncidentSnapshot> {
  for (let i = 0; i < 400; i += 1) {
    const snapshot = await handle.query(getIncidentQuery).catch(() => undefined);
    if (snapshot && ready(snapshot)) return snapshot;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`getIncident never got there: ${JSON.stringify(await handle.query(getIncidentQuery))}`);
}

const window = async () => {
  const now = await env.currentTimeMs();
  return { openedAtMs: now, closesAtMs: now + HOUR };
};
const click = (action: OperatorAction['action'], n: string, extra: Partial<OperatorAction> = {}): OperatorAction => ({
  action,
  actor: OPERATOR,
  requestId: `slack:1764640000.${n}:${extra.actor ?? OPERATOR}:probe_wake.${action}`,
  source: 'slack',
  ...extra,
});
const act = (handle: WorkflowHandle, action: OperatorAction) => handle.executeUpdate(operatorActionUpdate, { args: [action], updateId: action.requestId });
type Blocks = { blocks?: Array<Record<string, unknown>> };
const contextLine = (m: Blocks) => JSON.stringify((m.blocks ?? []).find((b) => b.type === 'context') ?? {});
const actionIds = (m: Blocks) => ((m.blocks ?? []).find((b) => b.type === 'actions')?.elements as Array<{ action_id: string }> | undefined)?.map((e) => e.action_id);
const actionReplies = (calls: ActionCalls) => calls.replies.filter((r) => /#action-\d+$/.test(r.key));
const ready = (handle: WorkflowHandle) => incidentWhen(handle, (s) => s.diagnosed && s.root !== undefined);

describe('operator actions on the investigation', () => {
  it('ack: records who and when, one thread line, the root shows it, one audit row; a second ack changes nothing', async () => {
    let snapshot!: IncidentSnapshot;
    let answers: unknown[] = [];
    const { tail, calls, workflowId } = await runWithTail(env, wake, `act-${++run}`, await window(), async (handle, calls) => {
      await ready(handle);
      const ackAt = await env.currentTimeMs();
      const first = await act(handle, click('ack', '0001'));
      const again = await act(handle, click('ack', '0002', { actor: OTHER }));
      answers = [first, again];
      snapshot = await incidentWhen(handle, (s) => s.acknowledged !== undefined);
      expect(snapshot.acknowledged).toEqual({ by: OPERATOR, atMs: expect.any(Number) });
      expect(Math.abs(snapshot.acknowledged!.atMs - ackAt)).toBeLessThan(60_000);
      expect((await handle.describe()).memo as unknown as InvestigationMemo).toMatchObject({ incident: { acknowledged: { by: OPERATOR } } });
      // The buttons are on the root while the incident is open.
      await incidentWhen(handle, () => calls.updates.some((u) => contextLine(u.message).includes('acknowledged by')));
    }, 'expire');
    expect(answers).toEqual([
      { changed: true, message: 'Acknowledged: the alert now shows it.' },
      { changed: false, message: expect.stringMatching(/^Already acknowledged by <@U024BE7LH> at \d\d:\d\d UTC\.$/) },
    ]);
    const lines = actionReplies(calls);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ key: threadReplyKey(workflowId, 'action-1'), thread: { channel: 'D1', ts: '1.000001' }, message: { text: `✋ Acknowledged by <@${OPERATOR}>` } });
    const acked = calls.updates.find((u) => contextLine(u.message).includes('acknowledged by'))!;
    expect(contextLine(acked.message)).toMatch(/✋ acknowledged by <@U024BE7LH> at \d\d:\d\d UTC/);
    expect(actionIds(acked.message)).toEqual(['probe_wake.ack', 'probe_wake.snooze.1h', 'probe_wake.snooze.4h', 'probe_wake.snooze.24h', 'probe_wake.reset']);
    expect(calls.rows).toEqual([
      expect.objectContaining({ event: 'probe.operator_action', action: 'ack', actor: OPERATOR, source: 'slack', workflow_id: workflowId, correlation_key: 'probe:fly:auth', request_id: click('ack', '0001').requestId }),
    ]);
    // The window expired: the close took the buttons off the root, and it still shows the ack.
    expect(tail.outcome).toMatchObject({ closedBecause: 'expired' });
    const last = calls.updates.at(-1)!.message;
    expect(actionIds(last)).toBeUndefined();
    expect(contextLine(last)).toContain('acknowledged by');
    expect(calls.rootPosts).toHaveLength(1);
  });

  it('a repeated requestId answers the first answer and changes nothing twice', async () => {
    const answers: unknown[] = [];
    const { calls } = await runWithTail(env, wake, `act-${++run}`, await window(), async (handle) => {
      await ready(handle);
      const once = click('ack', '0003');
      answers.push(await act(handle, once));
      // Slack's redelivery is the same Update ID (the server dedupes); a CLI retry may not be: the workflow dedupes too.
      answers.push(await act(handle, once));
      answers.push(await handle.executeUpdate(operatorActionUpdate, { args: [once], updateId: `${once.requestId}-another-update-id` }));
      const snooze = click('snooze', '0004', { snoozeSeconds: 3600 });
      answers.push(await act(handle, snooze));
      answers.push(await handle.executeUpdate(operatorActionUpdate, { args: [snooze], updateId: `${snooze.requestId}-again` }));
    });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({ changed: true });
    expect(answers[4]).toEqual(answers[3]);
    expect(actionReplies(calls).map((r) => r.key.replace(/^.*#/, ''))).toEqual(['action-1', 'action-2']);
    expect(calls.rows.map((r) => r.action)).toEqual(['ack', 'snooze']);
    expect(calls.addSilenceAttempts).toBe(1);
  });

  it('refuses malformed input in the validator: nothing recorded', async () => {
    const refusals: string[] = [];
    const { calls } = await runWithTail(env, wake, `act-${++run}`, await window(), async (handle) => {
      await ready(handle);
      for (const bad of [
        { ...click('snooze', '0005'), snoozeSeconds: 60 },
        { ...click('ack', '0006'), actor: '<!channel>' },
        { ...click('ack', '0007'), action: 'delete' },
      ]) {
        const err = await act(handle, bad as OperatorAction).then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
        refusals.push((err as WorkflowUpdateFailedError).cause?.message ?? '');
      }
      expect((await handle.query(getIncidentQuery)).acknowledged).toBeUndefined();
    });
    expect(refusals).toEqual([
      'operatorAction refused: snoozeSeconds must be one of 3600, 14400, 86400',
      'operatorAction refused: actor must be a Slack user ID (such as U024BE7LH)',
      'operatorAction refused: action must be one of ack, snooze, reset, fix_approve, fix_decline',
    ]);
    expect(actionReplies(calls)).toEqual([]);
    expect(calls.rows).toEqual([]);
  });

  it('snooze: the tail gets addSilence for the pair until then (the click\'s requestId), one thread line and row', async () => {
    let answer: unknown;
    let clickedAt = 0;
    const snooze = click('snooze', '0008', { snoozeSeconds: 14_400 });
    const { tail, calls } = await runWithTail(env, wake, `act-${++run}`, await window(), async (handle) => {
      await ready(handle);
      clickedAt = await env.currentTimeMs();
      answer = await act(handle, snooze);
    });
    expect(tail.addSilenceCalls).toEqual([
      { probe: 'fly', category: 'auth', forSeconds: 14_400, reason: `snoozed from Slack by ${OPERATOR}`, createdBy: OPERATOR, requestId: snooze.requestId },
    ]);
    const silence = tail.silences[0]!;
    expect(silence.untilMs - clickedAt).toBeGreaterThanOrEqual(14_400_000);
    expect(silence.untilMs - clickedAt).toBeLessThan(14_400_000 + 60_000);
    expect(answer).toEqual({ changed: true, message: expect.stringMatching(/^Snoozed: fly\/auth is silenced until \d\d:\d\d UTC \(silence s-1\)\.$/) });
    expect(actionReplies(calls).map((r) => r.message.text)).toEqual([expect.stringMatching(/^🔕 Snoozed by <@U024BE7LH> for 4 h: fly\/auth is silenced until \d\d:\d\d UTC \(silence `s-1`\)$/)]);
    expect(calls.rows).toEqual([
      expect.objectContaining({ action: 'snooze', snooze_seconds: 14_400, silence_id: 's-1', silenced_until: new Date(silence.untilMs).toISOString(), request_id: snooze.requestId }),
    ]);
  });

  it('reset: signals the tail resetDebounce for the pair; the tail closes the window and the incident ends', async () => {
    let answer: unknown;
    const { tail, calls } = await runWithTail(env, wake, `act-${++run}`, await window(), async (handle) => {
      await ready(handle);
      answer = await act(handle, click('reset', '0009'));
    });
    expect(answer).toEqual({ changed: true, message: 'Window reset: this incident ends, and the next wake opens a new one.' });
    expect(tail.resets).toEqual([{ probe: 'fly', category: 'auth' }]);
    expect(tail.outcome).toMatchObject({ closedBecause: 'reset' });
    expect(actionReplies(calls).map((r) => r.message.text)).toEqual(['↩️ Window reset by <@U024BE7LH>: the next wake of fly/auth opens a new incident']);
    expect(calls.rows.map((r) => r.action)).toEqual(['reset']);
    expect(actionIds(calls.updates.at(-1)!.message)).toBeUndefined();
  });

  it('approve / decline: no fix waits for approval, nothing changes', async () => {
    const answers: unknown[] = [];
    const { calls } = await runWithTail(env, wake, `act-${++run}`, await window(), async (handle) => {
      await ready(handle);
      answers.push(await act(handle, click('fix_approve', '0010')), await act(handle, click('fix_decline', '0011')));
    });
    expect(answers).toEqual([
      { changed: false, message: 'No fix is waiting for approval on this incident.' },
      { changed: false, message: 'No fix is waiting for approval on this incident.' },
    ]);
    expect(actionReplies(calls)).toEqual([]);
    expect(calls.rows).toEqual([]);
  });
});
