import { DEFAULT_PRICES } from '../../src/config/config';
import { costOf, pruneDays, reserve, reserveEstimate, settle, utcDay, type SpendLedger } from '../../src/domain/costLadder';

const price = { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 };

describe('cost ladder', () => {
  it('prices usage per million tokens, cache reads and writes included', () => {
    expect(costOf({ inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, price)).toBe(1);
    expect(costOf({ inputTokens: 321, outputTokens: 54, cacheReadTokens: 1000, cacheWriteTokens: 2000 }, price)).toBe(0.003191);
    expect(costOf({ inputTokens: 5, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 }, undefined)).toBe(0);
  });

  it('prices claude-haiku-5-5 in two bands: a turn whose prompt passes 100k tokens pays the higher rates on every token', () => {
    const haiku = DEFAULT_PRICES['claude-haiku-5-5']!;
    // 60k input + 30k cache read + 10k cache write = 100,000 prompt tokens: still the lower band.
    const atLimit = { inputTokens: 60_000, outputTokens: 1_000, cacheReadTokens: 30_000, cacheWriteTokens: 10_000 };
    expect(costOf(atLimit, haiku)).toBeCloseTo((60_000 * 0.1 + 1_000 * 0.5 + 30_000 * 0.01 + 10_000 * 0.125) / 1e6, 10);
    expect(costOf(atLimit, haiku)).toBe(0.00805);
    // One more prompt token: the higher band, output included ($0.50 / $2.50 / $0.05 / $0.625).
    const over = { ...atLimit, inputTokens: 60_001 };
    expect(costOf(over, haiku)).toBe(0.0402505);
    // A typical investigation turn: 2,000 in, 850 out (thinking included), 900 cache read.
    expect(costOf({ inputTokens: 2_000, outputTokens: 850, cacheReadTokens: 900, cacheWriteTokens: 0 }, haiku)).toBe(0.000634);
  });

  it('reserves the worst case of one investigation', () => {
    expect(reserveEstimate(price, 4, 600)).toBe(0.036);
    expect(reserveEstimate(undefined, 4, 600)).toBe(0);
  });

  it('grants until the next reservation would pass the budget, then halts and counts', () => {
    let ledger: SpendLedger = {};
    const policy = { dailyBudgetUsd: 0.1, reserveUsd: 0.04 };
    const grants: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      const next = reserve(ledger, '2026-11-29', policy);
      ledger = next.ledger;
      grants.push(next.reservation.granted);
    }
    expect(grants).toEqual([true, true, false]);
    expect(ledger['2026-11-29']).toEqual({ spentUsd: 0, reservedUsd: 0.08, halted: 1 });
  });

  it('settles a reservation into real spend, which then counts against the budget', () => {
    let ledger = reserve({}, 'd', { dailyBudgetUsd: 0.1, reserveUsd: 0.04 }).ledger;
    ledger = settle(ledger, { reservation: { granted: true, day: 'd', reservedUsd: 0.04 }, spentUsd: 0.09 });
    expect(ledger.d).toEqual({ spentUsd: 0.09, reservedUsd: 0, halted: 0 });
    expect(reserve(ledger, 'd', { dailyBudgetUsd: 0.1, reserveUsd: 0.04 }).reservation.granted).toBe(false);
    // A new UTC day starts from zero.
    expect(reserve(ledger, 'e', { dailyBudgetUsd: 0.1, reserveUsd: 0.04 }).reservation.granted).toBe(true);
  });

  it('never halts without a budget, and a budget of 0 halts everything', () => {
    expect(reserve({ d: { spentUsd: 1e6, reservedUsd: 0, halted: 0 } }, 'd', { reserveUsd: 1 }).reservation.granted).toBe(true);
    expect(reserve({}, 'd', { dailyBudgetUsd: 0, reserveUsd: 0.001 }).reservation.granted).toBe(false);
  });

  it('keys days in UTC and keeps a week of them', () => {
    expect(utcDay(Date.parse('2026-11-29T23:59:59-05:00'))).toBe('2026-11-30');
    const ledger: SpendLedger = Object.fromEntries(
      Array.from({ length: 10 }, (_v, i) => [`2026-11-${String(i + 10).padStart(2, '0')}`, { spentUsd: i, reservedUsd: 0, halted: 0 }]),
    );
    expect(Object.keys(pruneDays(ledger, '2026-11-20'))).toEqual(['2026-11-14', '2026-11-15', '2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19']);
    expect(Object.keys(pruneDays(ledger, '2026-11-19'))).toHaveLength(7);
  });
});
