import { settingsProblem, type TailSettings } from '../../src/api';
import { DEFAULT_WINDOW_RULES } from '../../src/domain/windowBatch';

const valid: TailSettings = {
  auditLogPath: '/var/log/audit.jsonl',
  pollSeconds: 30,
  debounce: { windowSeconds: 600, bypassCritical: false },
  replayFromStart: false,
  searchAttributes: true,
  historyEventLimit: 5000,
  waitForGrowth: true,
  investigation: { maxTurns: 4, dailyBudgetUsd: null, reserveUsd: 0.036 },
};

describe('settingsProblem (updateSettings signal input)', () => {
  it('accepts complete settings', () => expect(settingsProblem(valid)).toBeUndefined());
  it('accepts a daily budget', () =>
    expect(settingsProblem({ ...valid, investigation: { ...valid.investigation, dailyBudgetUsd: 2.5 } })).toBeUndefined());

  it.each<[string, unknown, RegExp]>([
    ['null', null, /must be an object/],
    ['no path', { ...valid, auditLogPath: '' }, /auditLogPath/],
    ['poll as a string', { ...valid, pollSeconds: '30' }, /pollSeconds/],
    ['zero poll', { ...valid, pollSeconds: 0 }, /pollSeconds/],
    ['no debounce', { ...valid, debounce: undefined }, /debounce must be an object/],
    ['negative window', { ...valid, debounce: { windowSeconds: -1, bypassCritical: false } }, /windowSeconds/],
    ['bypass as a string', { ...valid, debounce: { windowSeconds: 1, bypassCritical: 'yes' } }, /bypassCritical/],
    ['missing replay flag', { ...valid, replayFromStart: undefined }, /replayFromStart/],
    ['tiny history limit', { ...valid, historyEventLimit: 1 }, /historyEventLimit/],
    ['no investigation settings', { ...valid, investigation: undefined }, /investigation must be an object/],
    ['zero steps', { ...valid, investigation: { ...valid.investigation, maxTurns: 0 } }, /maxTurns/],
    ['budget as a string', { ...valid, investigation: { ...valid.investigation, dailyBudgetUsd: '5' } }, /dailyBudgetUsd/],
    ['negative reserve', { ...valid, investigation: { ...valid.investigation, reserveUsd: -1 } }, /reserveUsd/],
  ])('refuses %s', (_label, input, problem) => {
    expect(settingsProblem(input)).toMatch(problem);
  });

  it('accepts window rules, or none (the defaults)', () => {
    expect(settingsProblem({ ...valid, windowRules: DEFAULT_WINDOW_RULES })).toBeUndefined();
    expect(settingsProblem({ ...valid, windowRules: { ...DEFAULT_WINDOW_RULES, flap: { ...DEFAULT_WINDOW_RULES.flap, windows: 0 }, storm: { threshold: 0, groupSeconds: 10 } } })).toBeUndefined();
  });

  const rules = DEFAULT_WINDOW_RULES;
  it.each<[string, unknown, string]>([
    ['rules not an object', 'on', 'windowRules must be an object'],
    ['zero confirmations', { ...rules, recoveryConfirmations: 0 }, 'windowRules.recoveryConfirmations must be an integer >= 1 (PROBE_RECOVERY_CONFIRMATIONS)'],
    ['no flap policy', { ...rules, flap: null }, 'windowRules.flap must be an object'],
    ['one flap window', { ...rules, flap: { ...rules.flap, windows: 1 } }, 'windowRules.flap.windows must be 0 (off) or an integer >= 2 (PROBE_FLAP_WINDOWS)'],
    ['flap period as a string', { ...rules, flap: { ...rules.flap, periodSeconds: '2h' } }, 'windowRules.flap.periodSeconds must be a number >= 1 (PROBE_FLAP_PERIOD_SECONDS)'],
    ['no flap cap', { ...rules, flap: { ...rules.flap, maxWindowSeconds: undefined } }, 'windowRules.flap.maxWindowSeconds must be a number >= 1 (PROBE_FLAP_MAX_WINDOW_SECONDS)'],
    ['fractional min wakes', { ...rules, minWakes: { ...rules.minWakes, wakes: 1.5 } }, 'windowRules.minWakes.wakes must be an integer >= 1 (PROBE_WAKE_MIN_WAKES)'],
    ['zero min-wakes span', { ...rules, minWakes: { ...rules.minWakes, withinSeconds: 0 } }, 'windowRules.minWakes.withinSeconds must be a number >= 1 (PROBE_WAKE_MIN_WAKES_SECONDS)'],
    ['negative storm threshold', { ...rules, storm: { ...rules.storm, threshold: -1 } }, 'windowRules.storm.threshold must be an integer >= 0, 0 turning digests off (PROBE_STORM_THRESHOLD)'],
    ['no storm group span', { ...rules, storm: { threshold: 5 } }, 'windowRules.storm.groupSeconds must be a number >= 1 (PROBE_STORM_GROUP_SECONDS)'],
  ])('refuses %s, naming the field and its variable', (_label, windowRules, problem) => {
    expect(settingsProblem({ ...valid, windowRules })).toBe(problem);
  });
});
