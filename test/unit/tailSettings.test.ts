import { settingsProblem, type TailSettings } from '../../src/api';

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
});
