import { OPERATOR_ACTIONS } from '../../src/api';
import {
  ACTION_ID_MAX,
  ACTIONS_BLOCK_MAX_ELEMENTS,
  actionsBlock,
  BUTTON_TEXT_MAX,
  BUTTON_VALUE_MAX,
  CLICK_ACTIONS,
  clickRequestId,
  encodeButtonValue,
  readClick,
  type ClickFacts,
} from '../../src/domain/slackActions';

const WF = 'probe-investigation:fly:auth:w-7f3a';
const click = (over: Partial<ClickFacts> = {}): ClickFacts => ({
  actionId: 'probe_wake.ack',
  value: JSON.stringify({ workflowId: WF }),
  actionTs: '1764640000.123456',
  userId: 'U024BE7LH',
  ...over,
});

describe('button values and clicks', () => {
  it('names the same actions as the api contract', () => {
    expect([...CLICK_ACTIONS]).toEqual([...OPERATOR_ACTIONS]);
  });

  it('reads a click into its action, workflow, actor and identity', () => {
    expect(readClick(click())).toEqual({
      ok: true,
      click: { action: 'ack', workflowId: WF, actor: 'U024BE7LH', requestId: 'slack:1764640000.123456:U024BE7LH:probe_wake.ack' },
    });
  });

  it('reads the snooze duration from the value, not the action_id suffix', () => {
    const reading = readClick(click({ actionId: 'probe_wake.snooze.1h', value: encodeButtonValue({ workflowId: WF, snoozeSeconds: 14_400 }) }));
    expect(reading).toMatchObject({ ok: true, click: { action: 'snooze', snoozeSeconds: 14_400 } });
  });

  it('gives a redelivered click the same identity and another click another one', () => {
    const first = readClick(click());
    expect(readClick(click())).toEqual(first);
    expect(readClick(click({ actionTs: '1764640001.000001' }))).not.toEqual(first);
    expect(clickRequestId('1.2', 'U1X', 'probe_wake.reset')).toBe('slack:1.2:U1X:probe_wake.reset');
  });

  it.each<[string, Partial<ClickFacts>, RegExp]>([
    ['an unknown action_id', { actionId: 'probe_wake.delete' }, /unknown action_id/],
    ['a foreign action_id', { actionId: 'other.ack' }, /unknown action_id/],
    ['no value', { value: undefined }, /no value/],
    ['a value that is not JSON', { value: 'probe-investigation:x' }, /not JSON/],
    ['a JSON array', { value: '["x"]' }, /not a JSON object/],
    ['no workflowId', { value: '{}' }, /workflowId/],
    ['a workflowId with spaces', { value: JSON.stringify({ workflowId: 'a b' }) }, /workflowId/],
    ['an unknown field', { value: JSON.stringify({ workflowId: WF, force: true }) }, /unknown field/],
    ['snoozeSeconds on ack', { value: JSON.stringify({ workflowId: WF, snoozeSeconds: 3600 }) }, /snooze only/],
    ['a snooze without duration', { actionId: 'probe_wake.snooze', value: JSON.stringify({ workflowId: WF }) }, /snoozeSeconds must be one of/],
    ['an absurd snooze', { actionId: 'probe_wake.snooze', value: JSON.stringify({ workflowId: WF, snoozeSeconds: -5 }) }, /snoozeSeconds must be one of/],
    ['no user', { userId: undefined }, /no Slack user/],
    ['no action_ts', { actionTs: undefined }, /no action_ts/],
    ['an oversized value', { value: JSON.stringify({ workflowId: 'x'.repeat(2_100) }) }, /over 2000/],
  ])('refuses %s', (_name, over, problem) => {
    const reading = readClick(click(over));
    expect(reading.ok).toBe(false);
    if (!reading.ok) expect(reading.problem).toMatch(problem);
  });

  it('refuses to encode what it would refuse to read', () => {
    expect(() => encodeButtonValue({ workflowId: '' })).toThrow(/workflowId/);
    expect(() => encodeButtonValue({ workflowId: WF, snoozeSeconds: 60 })).toThrow(/snoozeSeconds/);
  });
});

describe('the actions block', () => {
  it('carries ack, three snoozes and reset, each value naming the workflow, within Slack limits', () => {
    const block = actionsBlock({ workflowId: WF });
    expect(block.type).toBe('actions');
    expect(block.elements.map((e) => e.action_id)).toEqual(['probe_wake.ack', 'probe_wake.snooze.1h', 'probe_wake.snooze.4h', 'probe_wake.snooze.24h', 'probe_wake.reset']);
    expect(new Set(block.elements.map((e) => e.action_id)).size).toBe(block.elements.length);
    for (const element of block.elements) {
      expect(element.text.text.length).toBeLessThanOrEqual(BUTTON_TEXT_MAX);
      expect(element.value.length).toBeLessThanOrEqual(BUTTON_VALUE_MAX);
      expect(element.action_id.length).toBeLessThanOrEqual(ACTION_ID_MAX);
      const reading = readClick(click({ actionId: element.action_id, value: element.value }));
      expect(reading).toMatchObject({ ok: true, click: { workflowId: WF } });
    }
    expect(block.elements.slice(1, 4).map((e) => readClick(click({ actionId: e.action_id, value: e.value })))).toMatchObject([
      { click: { snoozeSeconds: 3_600 } },
      { click: { snoozeSeconds: 14_400 } },
      { click: { snoozeSeconds: 86_400 } },
    ]);
  });

  it('adds Approve and Decline only when a fix waits', () => {
    const block = actionsBlock({ workflowId: WF, fixPending: true });
    expect(block.elements.map((e) => e.action_id).slice(-2)).toEqual(['probe_wake.fix_approve', 'probe_wake.fix_decline']);
    expect(block.elements.length).toBeLessThanOrEqual(ACTIONS_BLOCK_MAX_ELEMENTS);
    expect(actionsBlock({ workflowId: WF }).elements.some((e) => e.action_id.startsWith('probe_wake.fix'))).toBe(false);
  });

  it('refuses a workflow ID longer than Temporal takes (so no value can pass 2,000 characters)', () => {
    expect(() => actionsBlock({ workflowId: 'w'.repeat(1_001) })).toThrow(/workflowId/);
    expect(actionsBlock({ workflowId: 'w'.repeat(1_000) }).elements.every((e) => e.value.length <= BUTTON_VALUE_MAX)).toBe(true);
  });
});
