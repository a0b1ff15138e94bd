import type { Wake } from '../../src/domain/auditRow';
import { formatDm } from '../../src/domain/dmText';
import {
  alertText,
  CONTEXT_MAX_ELEMENTS,
  detailsMessage,
  HEADER_MAX_CHARS,
  incidentMessage,
  investigationUiLink,
  MESSAGE_MAX_BLOCKS,
  recoveredMessage,
  SECTION_MAX_CHARS,
  splitAtLines,
  type Block,
  type IncidentView,
} from '../../src/domain/incidentMessage';
import { flyFallbackDm, flyWake as sampleFlyWake } from '../support/fixtures';

const flyWake = sampleFlyWake();
const OPENED = Date.parse('2026-11-23T10:15:02.113Z');
const view = (extra: Partial<IncidentView> = {}): IncidentView => ({ wake: flyWake, openedAtMs: OPENED, ...extra });

type TextObject = { type: string; text: string; verbatim?: boolean; emoji?: boolean };
const texts = (blocks: Block[]): TextObject[] =>
  blocks.flatMap((b) => [...(b.text ? [b.text as TextObject] : []), ...((b.elements as TextObject[] | undefined) ?? []).filter((e) => typeof e.text === 'string')]);
const contextOf = (blocks: Block[]) => (blocks.find((b) => b.type === 'context')!.elements as TextObject[]).map((e) => e.text);

describe('incidentMessage: the alert, before the model answers', () => {
  const message = incidentMessage(view());

  it('has a short alert as the notification text', () => {
    expect(message.text).toBe('🚨 Probe alert · fly\nfly (critical): Fly app(s) unreachable: HTTP 401\ninvestigation running…');
    expect(alertText(flyWake)).toBe(message.text);
  });

  it('shows the header, the wake facts, that the investigation runs, then the context line', () => {
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '🚨 Probe alert · fly', emoji: true } });
    expect((message.blocks[1]!.text as TextObject).text).toBe(
      "fly (critical): Fly app(s) unreachable: HTTP 401\n\nFly probe reported status=unhealthy. error='HTTP 401'.\nDeploy-control impact: app machines may be unreachable; scale-down / restart actions may not complete.",
    );
    expect((message.blocks[2]!.text as TextObject).text).toBe('_investigation running…_');
    expect(contextOf(message.blocks)).toEqual(['probe `fly`', 'category `auth`', 'severity critical', 'window opened 10:15 UTC']);
  });
});

describe('incidentMessage: finished', () => {
  it('keeps DESIGN\'s DM format as the text, on both paths', () => {
    const diagnosis = { investigated: true as const, text: 'Token rotated.\nNext step: mint a new token.' };
    expect(incidentMessage(view({ finding: diagnosis })).text).toBe(formatDm(flyWake, diagnosis));
    expect(incidentMessage(view({ finding: { investigated: false, reason: 'engine_unavailable' } })).text).toBe(flyFallbackDm('engine_unavailable'));
  });

  it('puts the diagnosis in sections under the header and drops the running line', () => {
    const message = incidentMessage(view({ finding: { investigated: true, text: 'Token rotated.\nNext step: mint a new token.' } }));
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect((message.blocks[1]!.text as TextObject).text).toBe('Token rotated.\nNext step: mint a new token.');
  });

  it('shows the fallback with its reason code in the blocks', () => {
    const message = incidentMessage(view({ finding: { investigated: false, reason: 'model_refusal' } }));
    expect(texts(message.blocks).map((t) => t.text).join('\n')).toContain('I was unable to investigate — engine returned: model_refusal');
  });

  it('shows repeats, flapping, recovery and the Web UI link in the context line', () => {
    const message = incidentMessage(
      view({
        finding: { investigated: true, text: 'x' },
        repeats: { wakes: 14, lastSeenAtMs: Date.parse('2026-11-23T10:32:40Z') },
        flapping: { windows: 4, periodSeconds: 7200 },
        recoveredAfterMs: 26 * 60_000,
        uiLink: 'http://127.0.0.1:8233/namespaces/default/workflows/probe-investigation%3Afly%3Aauth%3Aw1/run/history',
      }),
    );
    expect(contextOf(message.blocks)).toEqual([
      'probe `fly`',
      'category `auth`',
      'severity critical',
      'window opened 10:15 UTC',
      'seen 14× · last 10:32 UTC',
      'flapping: 4 windows in 2 h',
      '✅ recovered after 26 min',
      '<http://127.0.0.1:8233/namespaces/default/workflows/probe-investigation%3Afly%3Aauth%3Aw1/run/history|Temporal Web UI>',
    ]);
    expect(message.blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '✅ *Recovered* after 26 min', verbatim: true } });
  });

  it('does not say "seen" for the opening wake alone, and leaves the link out when there is none', () => {
    const elements = contextOf(incidentMessage(view({ repeats: { wakes: 1, lastSeenAtMs: OPENED } })).blocks);
    expect(elements.join(' ')).not.toMatch(/seen|Web UI/);
  });

  it('ends with an actions block when buttons are given (issue 14), capped at 25 elements', () => {
    const button = { type: 'button', text: { type: 'plain_text', text: 'Ack' }, action_id: 'probe_wake.ack', value: 'wf' };
    const message = incidentMessage(view({ actions: Array(30).fill(button) }));
    const last = message.blocks.at(-1)!;
    expect(last.type).toBe('actions');
    expect(last.elements).toHaveLength(25);
  });
});

describe('incidentMessage: Slack limits and escaping', () => {
  const hostile = '<!channel> <@U024BE7LH> <!here|here> @everyone *bold* <https://evil.example|click> & \u202Eevil';
  const wake: Wake = { ...flyWake, summary: hostile, impact: hostile };

  it('neutralises mentions and escapes &, <, > in every mrkdwn block, and parses nothing automatically', () => {
    for (const message of [incidentMessage(view({ wake })), incidentMessage(view({ wake, finding: { investigated: true, text: hostile } }))]) {
      for (const t of texts(message.blocks)) {
        if (t.type === 'mrkdwn') expect(t.verbatim).toBe(true);
        const own = t.text.replace(/^<http:\/\/127[^>]*>$/, '');
        expect(own).not.toMatch(/<!|<@|<https?:|\u202E/);
        expect(own).not.toMatch(/(^|\s)@(channel|here|everyone)\b/);
      }
      expect(message.text).not.toMatch(/<!|<@|<https?:/);
    }
  });

  it('keeps mentions from pinging in the plain_text header too', () => {
    const message = incidentMessage(view({ wake: { ...flyWake, probe: 'x' }, finding: { investigated: true, text: 'y' } }));
    expect((message.blocks[0]!.text as TextObject).type).toBe('plain_text');
  });

  it('cuts a header at 150 characters', () => {
    const long = incidentMessage(view({ wake: { ...flyWake, probe: 'p'.repeat(200) } }));
    const text = (long.blocks[0]!.text as TextObject).text;
    expect(text.length).toBe(HEADER_MAX_CHARS);
    expect(text.endsWith('…')).toBe(true);
  });

  it('splits a long diagnosis across sections at line boundaries, each within 3,000 characters', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i} ${'x'.repeat(90)}`);
    const message = incidentMessage(view({ finding: { investigated: true, text: lines.join('\n') } }));
    const bodies = message.blocks.filter((b) => b.type === 'section').map((b) => (b.text as TextObject).text);
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) {
      expect(body.length).toBeLessThanOrEqual(SECTION_MAX_CHARS);
      expect(body.split('\n').every((line) => /^line \d+ x+$/.test(line) || line === '' || line === '… (truncated)')).toBe(true);
    }
    expect(message.blocks.length).toBeLessThanOrEqual(MESSAGE_MAX_BLOCKS);
  });

  it('splitAtLines: whole lines per chunk, an over-long line cut, never inside an entity, no empty chunk', () => {
    expect(splitAtLines('a\nb\nc', 3)).toEqual(['a\nb', 'c']);
    expect(splitAtLines('abcdefg', 3)).toEqual(['abc', 'def', 'g']);
    expect(splitAtLines('ab&amp;cd', 4)[0]).toBe('ab');
    expect(splitAtLines('\n\n\n', 3)).toEqual([]);
  });

  it('keeps at most 10 context elements', () => {
    expect(contextOf(incidentMessage(view({ repeats: { wakes: 3, lastSeenAtMs: OPENED }, flapping: { windows: 3, periodSeconds: 60 }, recoveredAfterMs: 1, uiLink: 'http://x' })).blocks).length).toBeLessThanOrEqual(CONTEXT_MAX_ELEMENTS);
  });
});

describe('thread replies', () => {
  it('details: tool calls, tokens, cost and model in one reply', () => {
    const message = detailsMessage({ turnCount: 2, toolCalls: 3, usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 2, cacheWriteTokens: 3 }, costUsd: 0.0042, model: 'claude-haiku-5-5' });
    expect(message.text).toBe(
      'Investigation details: 2 model turns · 3 tool calls · tokens 10 in · 5 out · 2 cache read · 3 cache write · cost $0.0042 · model `claude-haiku-5-5`',
    );
    expect(message.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: message.text, verbatim: true } }]);
  });

  it('details names the fallback reason when there was no diagnosis', () => {
    const message = detailsMessage({ turnCount: 0, toolCalls: 0, usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0, reason: 'cost_ladder_halted' });
    expect(message.text).toContain('model none · fallback `cost_ladder_halted`');
  });

  it('recovered: "✅ fly recovered after 26 min"', () => {
    expect(recoveredMessage(flyWake, 26 * 60_000 + 10_000).text).toBe('✅ fly recovered after 26 min');
  });
});

describe('investigationUiLink', () => {
  it("links the run's history page, every part encoded", () => {
    expect(investigationUiLink('http://127.0.0.1:8233/', 'default', 'probe-investigation:fly:auth:w|1>', 'run-1')).toBe(
      'http://127.0.0.1:8233/namespaces/default/workflows/probe-investigation%3Afly%3Aauth%3Aw%7C1%3E/run-1/history',
    );
  });
});
