import { investigationCard } from '../../src/domain/investigationCard';
import { flyWake } from '../support/fixtures';

describe('investigationCard (Web UI summary and details)', () => {
  test('the fly wake: DM header + summary; details carry severity, category, wake, impact, auto-fix and details JSON', () => {
    const wake = flyWake();
    const card = investigationCard(wake);
    expect(card.summary).toBe('🚨 Probe alert · fly — Fly app(s) unreachable: HTTP 401');
    expect(card.details.split('\n').slice(0, 6)).toEqual([
      '**Severity:** critical',
      '**Probe:** `fly` · **Category:** `auth`',
      `**Wake:** \`${wake.wakeId}\` at ${wake.ts} (audit log offset ${wake.offset})`,
      '**Impact:** Deploy-control impact: app machines may be unreachable; scale-down / restart actions may not complete.',
      '**Auto-fix:** `restart_unhealthy_machine` disabled',
      '',
    ]);
    expect(card.details).toContain('```json\n{\n  "status": "unhealthy",\n  "error": "HTTP 401",');
  });

  test('no summary: category and severity instead; no optional sections', () => {
    const card = investigationCard({ wakeId: 'w-1', ts: '2026-11-23T10:00:00Z', probe: 'disk', category: 'space', severity: 'warning', offset: 0 });
    expect(card.summary).toBe('⚠️ Probe alert · disk — space (warning)');
    expect(card.details).not.toContain('Impact');
    expect(card.details).not.toContain('```');
  });

  test('untrusted text stays on one line, cannot close the code fence, and is capped', () => {
    const card = investigationCard({
      wakeId: 'w-2', ts: '2026-11-23T10:00:00Z', probe: 'fly', category: 'auth', severity: 'info', offset: 0,
      summary: `line one\nline two ${'x'.repeat(500)}`,
      impact: 'a\n\nb',
      details: { note: '```\n**bold**', big: 'y'.repeat(10_000) },
    });
    expect(card.summary).not.toContain('\n');
    expect(card.summary.length).toBeLessThanOrEqual(200);
    expect(card.summary.endsWith('…')).toBe(true);
    expect(card.details).toContain('**Impact:** a b');
    expect(card.details.match(/```/g)).toHaveLength(1); // the opening fence; the rest was capped, and the wake's own backticks are escaped
    expect(card.details).toContain('\\u0060\\u0060\\u0060');
    expect(card.details.length).toBeLessThanOrEqual(4000);
  });
});
