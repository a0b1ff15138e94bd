import type { Wake } from '../../src/domain/auditRow';
import { alreadyDecided, fixExecutedRow, fixThreadLines, fixUnderway, offerableFix, outputBlock, pendingFix, resultWords, waitLength } from '../../src/domain/fixApproval';

const wake: Wake = { wakeId: 'w-1', ts: '2026-11-23T10:15:02.113Z', probe: 'fly', category: 'auth', severity: 'critical', summary: 's', offset: 0 };
const ids = { workflowId: 'probe-investigation:fly:auth:w-1', idempotencyKey: 'probe-investigation:fly:auth:w-1/restart' };
const T0 = Date.parse('2026-11-23T10:00:00.000Z');

describe('fix approval rules', () => {
  it('offers a fix only for an enabled envelope with a configured runner of that name', () => {
    expect(offerableFix({ enabled: true, fixName: 'restart' }, ['restart'])).toBe('restart');
    expect(offerableFix({ enabled: false, fixName: 'restart' }, ['restart'])).toBeUndefined();
    expect(offerableFix({ enabled: true, fixName: 'restart' }, ['other'])).toBeUndefined();
    expect(offerableFix({ enabled: true, fixName: 'restart' }, undefined)).toBeUndefined();
    expect(offerableFix(undefined, ['restart'])).toBeUndefined();
  });

  it('waits until the timeout (default 1800 s) and is underway until done', () => {
    const fix = pendingFix('restart', T0);
    expect(fix.untilMs - T0).toBe(1_800_000);
    expect(pendingFix('restart', T0, 60).untilMs - T0).toBe(60_000);
    expect(fixUnderway(undefined)).toBe(false);
    expect(fixUnderway(fix)).toBe(true);
    expect(fixUnderway({ ...fix, decision: { kind: 'approved', by: 'U1AAA', atMs: T0 } })).toBe(true);
    expect(fixUnderway({ ...fix, done: true })).toBe(false);
  });

  it('words: wait lengths, results, and a code block that stays one block and inert', () => {
    expect([waitLength(60_000), waitLength(1_800_000), waitLength(3_600_000), waitLength(5_400_000)]).toEqual(['1 min', '30 min', '1 h', '1 h 30 min']);
    const base = { runner: 'webhook', outputExcerpt: '', durationMs: 1, attempt: 1 };
    expect(resultWords({ ...base, ok: true, status: 200 })).toBe('ok (HTTP 200)');
    expect(resultWords({ ...base, ok: true, status: 409, alreadyDone: true })).toBe('ok, already done (the runner had this idempotency key) (HTTP 409)');
    expect(resultWords({ ...base, ok: false, runner: 'command', exitCode: 3, reason: 'exit_3' })).toBe('failed: exit_3 (exit code 3)');
    const block = outputBlock('done ``` <!channel> <@U024BE7LH>');
    expect(block.startsWith('\n```')).toBe(true);
    expect(block.slice(4, -3)).not.toContain('```');
    expect(block).not.toContain('<!channel>');
    expect(block).not.toContain('<@U024BE7LH>');
    expect(outputBlock('')).toBe('');
    expect(fixThreadLines.windowClosed('restart', 'recovered')).toBe('Fix `restart` not run: the probe recovered');
  });

  it('a second click hears who decided', () => {
    const fix = pendingFix('restart', T0);
    expect(alreadyDecided({ ...fix, decision: { kind: 'approved', by: 'U024BE7LH', atMs: T0 } })).toBe('Already decided by <@U024BE7LH>: approved at 10:00 UTC.');
    expect(alreadyDecided({ ...fix, decision: { kind: 'declined', by: 'U024BE7LH', atMs: T0 } })).toMatch(/^Already decided by <@U024BE7LH>: declined/);
    expect(alreadyDecided({ ...fix, decision: { kind: 'timed_out', atMs: T0 } })).toMatch(/not run/);
  });

  it('the probe.fix_executed row for each ending', () => {
    const fix = pendingFix('restart', T0);
    const ran = fixExecutedRow(wake, ids, T0 + 5000, { ...fix, decision: { kind: 'approved', by: 'U024BE7LH', atMs: T0 + 1000 } }, {
      result: { ok: true, runner: 'webhook', status: 200, outputExcerpt: 'ok', durationMs: 40, attempt: 1 },
    });
    expect(ran).toEqual({
      ts: '2026-11-23T10:00:05.000Z', event: 'probe.fix_executed', route: 'probe_investigation', correlation_key: 'probe:fly:auth',
      workflow_id: ids.workflowId, wake_id: 'w-1', probe: 'fly', issue_category: 'auth', severity: 'critical', fix_name: 'restart',
      idempotency_key: ids.idempotencyKey, outcome: 'ran', offered_at: '2026-11-23T10:00:00.000Z', decided_by: 'U024BE7LH',
      decided_at: '2026-11-23T10:00:01.000Z', ok: true, runner: 'webhook', status: 200, output_excerpt: 'ok', duration_ms: 40, attempt: 1,
    });
    expect(fixExecutedRow(wake, ids, T0, { ...fix, decision: { kind: 'approved', by: 'U024BE7LH', atMs: T0 } }, { failure: 'boom' })).toMatchObject({ outcome: 'run_failed', ok: false, reason: 'boom' });
    expect(fixExecutedRow(wake, ids, T0, { ...fix, decision: { kind: 'declined', by: 'U024BE7LH', atMs: T0 } })).toMatchObject({ outcome: 'declined', decided_by: 'U024BE7LH' });
    expect(fixExecutedRow(wake, ids, T0, { ...fix, decision: { kind: 'timed_out', atMs: T0 } })).toMatchObject({ outcome: 'timed_out' });
    expect(fixExecutedRow(wake, ids, T0, { ...fix, decision: { kind: 'window_closed', because: 'recovered', atMs: T0 } })).toMatchObject({ outcome: 'window_closed', closed_because: 'recovered' });
  });
});
