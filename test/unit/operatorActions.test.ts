import type { Wake } from '../../src/domain/auditRow';
import { incidentMessage } from '../../src/domain/incidentMessage';
import { INVESTIGATION_ROUTE, OWN_ROW_MARKER } from '../../src/domain/investigationRows';
import { acknowledgedLine, ANSWERS_KEPT, mention, operatorActionProblem, operatorActionRow, rememberAnswer, snoozeReason, threadLines } from '../../src/domain/operatorActions';

const wake: Wake = { wakeId: 'w-7f3a', ts: '2026-11-23T10:15:02.113Z', probe: 'fly', category: 'auth', severity: 'critical', summary: 'HTTP 401', offset: 0 };
const ok = { action: 'ack', actor: 'U024BE7LH', requestId: 'slack:1764640000.0001:U024BE7LH:probe_wake.ack', source: 'slack' };
const AT = Date.parse('2026-11-23T10:32:40Z');

describe('operatorActionProblem (the Update validator)', () => {
  it('accepts every well-formed action', () => {
    expect(operatorActionProblem(ok)).toBeUndefined();
    for (const action of ['reset', 'fix_approve', 'fix_decline']) expect(operatorActionProblem({ ...ok, action })).toBeUndefined();
    for (const snoozeSeconds of [3600, 14400, 86400]) expect(operatorActionProblem({ ...ok, action: 'snooze', snoozeSeconds })).toBeUndefined();
    expect(operatorActionProblem({ ...ok, source: 'cli', requestId: 'cli:6f1c2a' })).toBeUndefined();
    expect(operatorActionProblem({ ...ok, actor: 'W0ENTERPRISE' })).toBeUndefined();
  });

  it.each([
    [null, 'the action must be an object'],
    [[], 'the action must be an object'],
    [{ ...ok, extra: 1 }, 'unknown field(s) "extra"'],
    [{ ...ok, action: 'delete' }, 'action must be one of ack, snooze, reset, fix_approve, fix_decline'],
    [{ ...ok, actor: '<!channel>' }, 'actor must be a Slack user ID (such as U024BE7LH)'],
    [{ ...ok, actor: 'u024be7lh' }, 'actor must be a Slack user ID (such as U024BE7LH)'],
    [{ ...ok, requestId: '' }, 'requestId must be 1-128 printable characters without spaces'],
    [{ ...ok, requestId: 'a b' }, 'requestId must be 1-128 printable characters without spaces'],
    [{ ...ok, requestId: 'x'.repeat(129) }, 'requestId must be 1-128 printable characters without spaces'],
    [{ ...ok, source: 'web' }, 'source must be slack or cli'],
    [{ ...ok, action: 'snooze' }, 'snoozeSeconds must be one of 3600, 14400, 86400'],
    [{ ...ok, action: 'snooze', snoozeSeconds: 60 }, 'snoozeSeconds must be one of 3600, 14400, 86400'],
    [{ ...ok, snoozeSeconds: 3600 }, 'snoozeSeconds belongs to snooze only, not ack'],
  ])('refuses %j: %s', (value, problem) => {
    expect(operatorActionProblem(value)).toBe(problem);
  });
});

describe('what the thread and the root say', () => {
  it('mentions valid user IDs only; anything else is inert text', () => {
    expect(mention('U024BE7LH')).toBe('<@U024BE7LH>');
    expect(mention('<!channel>')).toBe('@\u200Bchannel');
    expect(mention('U1>|<x')).toBe('U1&gt;|&lt;x');
  });

  it('one line per action, with the pair inert', () => {
    expect(threadLines.ack('U024BE7LH')).toBe('✋ Acknowledged by <@U024BE7LH>');
    const hostile = { probe: '<!here>', category: 'a&b' };
    expect(threadLines.snooze('U024BE7LH', hostile, 14_400, AT, 's-3')).toBe('🔕 Snoozed by <@U024BE7LH> for 4 h: @\u200Bhere/a&amp;b is silenced until 10:32 UTC (silence `s-3`)');
    expect(threadLines.reset('U024BE7LH', wake)).toBe('↩️ Window reset by <@U024BE7LH>: the next wake of fly/auth opens a new incident');
    expect(snoozeReason('slack', 'U024BE7LH')).toBe('snoozed from Slack by U024BE7LH');
    expect(snoozeReason('cli', 'U024BE7LH')).toBe('snoozed from the CLI by U024BE7LH');
  });

  it('the root shows who acknowledged and when on its context line', () => {
    expect(acknowledgedLine({ by: 'U024BE7LH', atMs: AT })).toBe('✋ acknowledged by <@U024BE7LH> at 10:32 UTC');
    const { blocks } = incidentMessage({ wake, openedAtMs: AT, acknowledged: { by: 'U024BE7LH', atMs: AT } });
    const context = blocks.find((b) => b.type === 'context') as { elements: Array<{ text: string }> };
    expect(context.elements.map((e) => e.text)).toContain('✋ acknowledged by <@U024BE7LH> at 10:32 UTC');
  });
});

describe('the probe.operator_action row', () => {
  it('says who, what, when, the workflow and the correlation key, in the investigation rows\' style', () => {
    const row = operatorActionRow(wake, 'probe-investigation:fly:auth:w-7f3a', AT, { action: 'snooze', actor: 'U024BE7LH', source: 'slack', requestId: 'slack:1.2:U024BE7LH:probe_wake.snooze.4h' }, { snooze_seconds: 14400, silence_id: 's-3' });
    expect(row).toEqual({
      ts: '2026-11-23T10:32:40.000Z',
      event: 'probe.operator_action',
      route: INVESTIGATION_ROUTE,
      correlation_key: 'probe:fly:auth',
      workflow_id: 'probe-investigation:fly:auth:w-7f3a',
      wake_id: 'w-7f3a',
      probe: 'fly',
      issue_category: 'auth',
      severity: 'critical',
      action: 'snooze',
      actor: 'U024BE7LH',
      source: 'slack',
      request_id: 'slack:1.2:U024BE7LH:probe_wake.snooze.4h',
      snooze_seconds: 14400,
      silence_id: 's-3',
    });
    // The tail's wait for growth skips our own rows by this marker.
    expect(JSON.stringify(row)).toContain(OWN_ROW_MARKER);
  });
});

describe('rememberAnswer', () => {
  it('keeps the newest answers, the oldest dropped past the cap, and a repeat still finds a recent one', () => {
    const answers = new Map<string, number>();
    for (let i = 0; i < 5; i += 1) rememberAnswer(answers, `r${i}`, i, 3);
    expect([...answers.keys()]).toEqual(['r2', 'r3', 'r4']);
    expect(answers.get('r4')).toBe(4);
    expect(answers.has('r0')).toBe(false);
  });

  it('caps an incident at ANSWERS_KEPT by default', () => {
    const answers = new Map<string, number>();
    for (let i = 0; i < ANSWERS_KEPT + 10; i += 1) rememberAnswer(answers, `r${i}`, i);
    expect(answers.size).toBe(ANSWERS_KEPT);
    expect(answers.has('r9')).toBe(false);
    expect(answers.has('r10')).toBe(true);
  });
});
