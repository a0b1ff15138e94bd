import { pino } from 'pino';
import type { OperatorAction } from '../../src/api';
import { encodeButtonValue } from '../../src/domain/slackActions';
import { handleClick, NOT_ALLOWED } from '../../src/slack/clickHandler';
import type { OperatorActionDispatcher } from '../../src/slack/dispatcher';

const WF = 'probe-investigation:fly:auth:w-7f3a';
const OPERATOR = 'U024BE7LH';

/** The dispatcher port, recording what reaches it (our own interface, not an SDK object). */
class RecordingDispatcher implements OperatorActionDispatcher {
  readonly calls: Array<{ workflowId: string; action: OperatorAction }> = [];
  async dispatch(workflowId: string, action: OperatorAction) {
    this.calls.push({ workflowId, action });
    return { changed: true, message: 'done' };
  }
}

function setup() {
  const lines: string[] = [];
  const dispatcher = new RecordingDispatcher();
  const deps = { actors: new Set([OPERATOR]), dispatcher, log: pino({ level: 'info' }, { write: (l: string) => void lines.push(l) }) };
  return { dispatcher, deps, lines };
}

const facts = (over: Partial<Parameters<typeof handleClick>[0]> = {}) => ({
  actionId: 'probe_wake.snooze.24h',
  value: encodeButtonValue({ workflowId: WF, snoozeSeconds: 86_400 }),
  actionTs: '1764640000.123456',
  userId: OPERATOR,
  ...over,
});

describe('handleClick', () => {
  it('sends an authorised click to its workflow as one operator action and answers the workflow message', async () => {
    const { dispatcher, deps } = setup();
    expect(await handleClick(facts(), deps)).toBe('done');
    expect(dispatcher.calls).toEqual([
      { workflowId: WF, action: { action: 'snooze', actor: OPERATOR, snoozeSeconds: 86_400, requestId: 'slack:1764640000.123456:U024BE7LH:probe_wake.snooze.24h', source: 'slack' } },
    ]);
  });

  it('refuses anyone not in the actor list before reading the button, and logs the attempt', async () => {
    const { dispatcher, deps, lines } = setup();
    expect(await handleClick(facts({ userId: 'U0INTRUDER' }), deps)).toBe(NOT_ALLOWED);
    expect(await handleClick(facts({ userId: undefined }), deps)).toBe(NOT_ALLOWED);
    expect(dispatcher.calls).toEqual([]);
    expect(lines.filter((l) => l.includes('not in PROBE_WAKE_SLACK_ACTORS'))).toHaveLength(2);
    expect(lines[0]).toContain('U0INTRUDER');
  });

  it('refuses a malformed button, or one naming a workflow that is not an investigation', async () => {
    const { dispatcher, deps } = setup();
    expect(await handleClick(facts({ value: 'nope' }), deps)).toBe('Refused: the button value is not JSON.');
    expect(await handleClick(facts({ actionId: 'probe_wake.ack', value: encodeButtonValue({ workflowId: 'probe-tail' }) }), deps)).toMatch(/not name a probe-wake investigation/);
    expect(dispatcher.calls).toEqual([]);
  });
});
