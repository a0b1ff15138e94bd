import { clockUtc, formatDuration, parseDurationMs } from '../../src/domain/durations';

describe('formatDuration: one way to write a length, in every message and command', () => {
  it.each([
    [45_000, '45 s'],
    [90_000, '2 min'],
    [26 * 60_000, '26 min'],
    [7_200_000, '2 h'],
    [65 * 60_000, '1 h 5 min'],
    [2 * 3_600_000 + 5 * 60_000, '2 h 5 min'],
    [86_400_000, '24 h'],
    [76 * 3_600_000, '3 d 4 h'],
    [30 * 86_400_000, '30 d'],
    [-5, '0 s'],
  ])('%d ms → %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe('parseDurationMs', () => {
  it('reads a number with an optional unit', () => {
    expect(['24h', '90m', '2d', '3600s', '3600', '1.5h'].map(parseDurationMs)).toEqual([86_400_000, 5_400_000, 172_800_000, 3_600_000, 3_600_000, 5_400_000]);
  });

  it('refuses anything else', () => {
    expect(['', 'abc', '-5m', '24 hours', '5w'].map(parseDurationMs)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('clockUtc', () => {
  it('says the zone it uses', () => {
    expect(clockUtc(Date.UTC(2026, 11, 2, 10, 32, 59))).toBe('10:32 UTC');
  });
});
