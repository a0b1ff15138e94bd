import { settingsProblem, type TailSettings } from '../../src/workflows/tailState';

const valid: TailSettings = {
  auditLogPath: '/var/log/audit.jsonl',
  pollSeconds: 30,
  debounce: { windowSeconds: 600, bypassCritical: false },
  replayFromStart: false,
  searchAttributes: true,
  historyEventLimit: 5000,
};

describe('settingsProblem (updateSettings signal input)', () => {
  it('accepts complete settings', () => expect(settingsProblem(valid)).toBeUndefined());

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
  ])('refuses %s', (_label, input, problem) => {
    expect(settingsProblem(input)).toMatch(problem);
  });
});
