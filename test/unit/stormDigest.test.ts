import type { Severity } from '../../src/domain/auditRow';
import type { StormPair } from '../../src/domain/storm';
import { MAX_BLOCKS, MAX_HEADER_CHARS, MAX_SECTION_CHARS, packLines, pairLine, stormDigestMessage } from '../../src/domain/stormDigest';

const T0 = Date.UTC(2026, 10, 23, 10, 15, 2);
const pair = (i: number, severity: Severity, summary?: string): StormPair => ({
  probe: `probe-${i}`,
  category: 'auth',
  severity,
  summary,
  windowKey: `w-${i}`,
  openedAtMs: T0 + i,
});

type Block = { type: string; text?: { type: string; text: string }; elements?: Array<{ text: string }> };

function sectionsText(blocks: Block[]): string {
  return blocks
    .filter((b) => b.type === 'section')
    .map((b) => b.text!.text)
    .join('\n');
}

describe('storm digest message', () => {
  it('lists every pair, severity first, then in the order they woke', () => {
    const pairs = [pair(1, 'info'), pair(2, 'critical'), pair(3, 'warning'), pair(4, 'critical')];
    const { text, blocks } = stormDigestMessage({ pairs, startedAtMs: T0, lastOpenedAtMs: T0 + 4_000 });
    const order = [...sectionsText(blocks as Block[]).matchAll(/`(probe-\d)`/g)].map((m) => m[1]);
    expect(order).toEqual(['probe-2', 'probe-4', 'probe-3', 'probe-1']);
    expect((blocks[0] as Block).text!.text).toBe('🌩️ Probe storm · 4 pairs woke');
    expect((blocks[1] as Block).text!.text).toBe('🚨 2 critical · ⚠️ 1 warning · ℹ️ 1 info');
    expect(text.split('\n')[0]).toBe('🌩️ Probe storm · 4 pairs woke');
    expect(text).toContain('`probe-2`');
    expect(((blocks.at(-1) as Block).elements![0]!.text)).toBe("since 10:15:02 UTC · 4 s · each pair's investigation follows in its own message");
  });

  it('makes untrusted summaries inert: no mention pings, no hidden link, no markup breakage', () => {
    const line = pairLine(pair(1, 'critical', '<!channel> see <https://evil.example|here> & <@U024BE7LH>\nnext line'));
    expect(line).toBe('🚨 `probe-1` · `auth` — @\u200Bchannel see &lt;https://evil.example|here&gt; &amp; @\u200BU024BE7LH next line');
    const { blocks, text } = stormDigestMessage({ pairs: [pair(1, 'critical', '<!here> <@W1234>')], startedAtMs: T0, lastOpenedAtMs: T0 });
    expect(JSON.stringify(blocks)).not.toMatch(/<!here>|<@W1234>/);
    expect(text).not.toMatch(/<!here>|<@W1234>/);
  });

  it('a storm of 150 pairs with long, entity-heavy summaries fits Slack: ≤ 50 blocks, sections ≤ 3,000 chars, header ≤ 150, every pair listed', () => {
    const severities: Severity[] = ['critical', 'warning', 'info'];
    const pairs = Array.from({ length: 150 }, (_, i) => ({ ...pair(i, severities[i % 3]!, '<&>'.repeat(200)), probe: `p${String(i).padStart(3, '0')}-${'x'.repeat(58)}`, category: 'c'.repeat(64) }));
    const { blocks } = stormDigestMessage({ pairs, startedAtMs: T0, lastOpenedAtMs: T0 + 9_000 });
    expect(blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    for (const block of blocks as Block[]) {
      if (block.type === 'section') expect(block.text!.text.length).toBeLessThanOrEqual(MAX_SECTION_CHARS);
      if (block.type === 'header') expect(block.text!.text.length).toBeLessThanOrEqual(MAX_HEADER_CHARS);
    }
    const listed = sectionsText(blocks as Block[]);
    for (const p of pairs) expect(listed).toContain(`\`${p.probe}\``);
    // Entities are never cut in half: the summary is cut before it is escaped.
    expect(listed).not.toMatch(/&(a|am|l|g|lt|gt|amp)?(?=[^a-z;]|$)/m);
  });

  it('past what 47 sections hold, the last one says how many more there are (still within the limits)', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i} ${'y'.repeat(200)}`);
    const sections = packLines(lines, 47);
    expect(sections).toHaveLength(47);
    for (const s of sections) expect(s.length).toBeLessThanOrEqual(MAX_SECTION_CHARS);
    const shown = sections.join('\n').split('\n').filter((l) => l.startsWith('line ')).length;
    const more = Number(/… and (\d+) more/.exec(sections.at(-1)!)![1]);
    expect(shown + more).toBe(2000);
  });
});
