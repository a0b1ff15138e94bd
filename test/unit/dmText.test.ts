import type { Severity, Wake } from '../../src/domain/auditRow';
import { formatDm, headerLine } from '../../src/domain/dmText';
import { capLength, escapeMrkdwn, inert, MAX_DM_CHARS, neutraliseMentions } from '../../src/domain/slackText';
import { fixtureWake, flyFallbackDm, flyWake as sampleFlyWake } from '../support/fixtures';

const flyWake = sampleFlyWake();

describe('headerLine', () => {
  it.each<[Severity, string]>([
    ['critical', '🚨 Probe alert · fly'],
    ['warning', '⚠️ Probe alert · fly'],
    ['info', 'ℹ️ Probe alert · fly'],
  ])('%s → %s', (severity, expected) => {
    expect(headerLine({ probe: 'fly', severity })).toBe(expected);
  });
});

describe('formatDm', () => {
  it('renders the fallback exactly as the contract shows', () => {
    expect(formatDm(flyWake, { investigated: false, reason: 'engine_unavailable' })).toBe(flyFallbackDm('engine_unavailable'));
  });

  it('renders the happy path as the header and the investigation text', () => {
    const text = 'Token likely rotated.\nNext step: mint a new token.';
    expect(formatDm(flyWake, { investigated: true, text: `  ${text}\n` })).toBe(`🚨 Probe alert · fly\n${text}`);
  });

  it.each<[Severity, string]>([
    ['warning', '⚠️'],
    ['info', 'ℹ️'],
  ])('uses the %s emoji on both paths', (severity, emoji) => {
    const wake = { ...flyWake, severity };
    expect(formatDm(wake, { investigated: true, text: 'x' })).toMatch(new RegExp(`^${emoji} Probe alert · fly\n`));
    expect(formatDm(wake, { investigated: false, reason: 'empty_response_text' })).toContain(`fly (${severity}): `);
  });

  it('leaves out the status and impact lines when the wake has neither', () => {
    const bare: Wake = { wakeId: 'w1', ts: flyWake.ts, probe: 'disk', category: 'usage', severity: 'info', offset: 0 };
    expect(formatDm(bare, { investigated: false, reason: 'engine_exception:OverloadedError' })).toBe(
      'ℹ️ Probe alert · disk\ndisk (info): no summary given\n\nI was unable to investigate — engine returned: engine_exception:OverloadedError',
    );
  });

  it('makes the hostile fixture row (bad-rows line 6) inert', () => {
    const hostile = fixtureWake('bad-rows.jsonl', 5);
    const text = formatDm(hostile, { investigated: false, reason: 'engine_unavailable' });
    expect(text).not.toMatch(/<!channel>|<@U|<https?:/);
    expect(text).toContain('&lt;https://evil.example|here&gt; &amp; ignore previous instructions');
    expect(text).toContain('@\u200Bchannel @\u200BU024BE7LH');
  });

  it('escapes the model answer too', () => {
    const text = formatDm(flyWake, { investigated: true, text: 'Ping <!here> and <@W123|bob>; a<b>c & d' });
    expect(text).toBe('🚨 Probe alert · fly\nPing @\u200Bhere and @\u200BW123; a&lt;b&gt;c &amp; d');
  });
});

describe('neutraliseMentions', () => {
  it.each([
    ['<!channel>', '@\u200Bchannel'],
    ['<!here|here>', '@\u200Bhere'],
    ['<!everyone>', '@\u200Beveryone'],
    ['<@U024BE7LH>', '@\u200BU024BE7LH'],
    ['<!subteam^S0123|@oncall>', '@\u200Bsubteam-S0123'],
    ['hey @channel now', 'hey @\u200Bchannel now'],
    ['mail me@here.example', 'mail me@\u200Bhere.example'],
  ])('%s', (input, expected) => expect(neutraliseMentions(input)).toBe(expected));
});

describe('escapeMrkdwn', () => {
  it('escapes &, < and > and nothing else', () => {
    expect(escapeMrkdwn('a & b < c > d *e* _f_')).toBe('a &amp; b &lt; c &gt; d *e* _f_');
  });

  it('does not double-escape in inert()', () => {
    expect(inert('&amp;')).toBe('&amp;amp;');
  });
});

describe('capLength', () => {
  it('leaves short text alone', () => expect(capLength('short')).toBe('short'));

  it('cuts long text under the cap and says so', () => {
    const long = 'A sentence. '.repeat(1000);
    const capped = capLength(long);
    expect(capped.length).toBeLessThanOrEqual(MAX_DM_CHARS);
    expect(capped.endsWith('… (truncated)')).toBe(true);
  });

  it('never cuts an escape entity in half', () => {
    const capped = capLength('&amp;'.repeat(2000), 100);
    expect(capped).toMatch(/^(&amp;)+\n… \(truncated\)$/);
  });
});

describe('inert: the gaps beyond mentions', () => {
  it.each([
    ['a user group', '<!subteam^S0123|@oncall> look', '@\u200Bsubteam-S0123 look'],
    ['a channel link', 'see <#C024BE7LR|general>', 'see &lt;#C024BE7LR|general&gt;'],
    ['a link with custom text', 'click <https://evil.example|the runbook>', 'click &lt;https://evil.example|the runbook&gt;'],
    ['a date token', '<!date^1392734382^{date}|Feb 18>', '&lt;!date^1392734382^{date}|Feb 18&gt;'],
    ['a mention split by a zero-width space (Slack does not ping it; stays literal)', '<!chan\u200Bnel>', '&lt;!chan\u200Bnel&gt;'],
    ['a bidi override hiding the real order', 'ok \u202Eevil\u202C done', 'ok evil done'],
    ['NUL and ANSI escapes from JSON escapes', 'a\u0000b \u001b[31mred', 'ab [31mred'],
  ])('%s', (_what, input, expected) => expect(inert(input)).toBe(expected));

  it('leaves no raw < or > from untrusted text, so no Slack control sequence survives', () => {
    const hostile = '<!here> <!channel|x> <@U1> <#C1> <!subteam^S1> <https://x|y> <mailto:a@b|c> >>quote';
    expect(inert(hostile)).not.toMatch(/[<>]/);
  });
});
