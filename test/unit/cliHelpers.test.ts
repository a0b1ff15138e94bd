import { DEFAULT_WINDOW_RULES } from '../../src/domain/windowBatch';
import { renderState } from '../../src/cli/commands/status';
import { visibilityQuery } from '../../src/cli/commands/investigations';
import { CliError } from '../../src/cli/context';
import { parseSince } from '../../src/cli/since';
import { formatTable } from '../../src/cli/table';
import { renderSilences } from '../../src/cli/commands/silences';
import type { TailStateView } from '../../src/api';

const NOW = new Date('2026-11-23T12:00:00.000Z');

describe('parseSince', () => {
  test.each([
    ['90s', '2026-11-23T11:58:30.000Z'],
    ['30m', '2026-11-23T11:30:00.000Z'],
    ['6h', '2026-11-23T06:00:00.000Z'],
    ['7d', '2026-11-16T12:00:00.000Z'],
    ['2w', '2026-11-09T12:00:00.000Z'],
    ['2026-11-23T10:00:00Z', '2026-11-23T10:00:00.000Z'],
    ['2026-11-22', '2026-11-22T00:00:00.000Z'],
  ])('%s', (input, expected) => {
    expect(parseSince(input, NOW)).toEqual({ at: new Date(expected) });
  });

  test.each(['yesterday', '5', '-5m', '1y', '2026-13-45T00:00:00Z', ''])('%j is refused with what is accepted', (input) => {
    expect(parseSince(input, NOW)).toEqual({ error: expect.stringContaining('give a duration such as 30m, 6h, 7d, or an ISO-8601 time') });
  });
});

describe('visibilityQuery', () => {
  test('no filter: every investigation', () => {
    expect(visibilityQuery({}, NOW)).toBe('WorkflowType = "probeInvestigationWorkflow"');
  });

  test('every filter, ANDed', () => {
    expect(visibilityQuery({ probe: 'fly', category: 'auth', outcome: 'fallback', since: '1h' }, NOW)).toBe(
      'WorkflowType = "probeInvestigationWorkflow" AND ProbeName = "fly" AND IssueCategory = "auth" AND InvestigationOutcome = "fallback" AND StartTime > "2026-11-23T11:00:00.000Z"',
    );
  });

  test.each([
    [{ probe: 'fly" OR WorkflowType != "x' }, '--probe'],
    [{ category: '' }, '--category'],
    [{ outcome: 'Investigated' }, '--outcome'],
    [{ since: 'soon' }, '--since'],
  ])('%j cannot reach the query: usage error naming the flag', (options, flag) => {
    let thrown: unknown;
    try {
      visibilityQuery(options, NOW);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CliError);
    expect((thrown as CliError).exitCode).toBe(2);
    expect((thrown as CliError).message).toContain(flag);
  });
});

describe('formatTable', () => {
  test('columns padded to the widest cell, no trailing spaces', () => {
    expect(formatTable(['probe', 'n'], [['fly', '1'], ['postgres', '12']])).toBe('probe     n\nfly       1\npostgres  12');
  });
});

describe('status: spend line', () => {
  const state = {
    cursor: { inode: 1, offset: 10 },
    windows: [],
    held: [],
    flapping: [],
    counters: { rowsRead: 0, wakes: 0, investigationsStarted: 0, debounced: 0, silenced: 0, badRows: 0, readErrors: 0, readsInterrupted: 0, restarts: 0, restartsByReason: {}, rowsFromRotatedFile: 0, continuedAsNew: 0, recovered: 0, windowsReset: 0, held: 0, flappingWindows: 0, storms: 0, signalsUndelivered: 0 },
    settings: {
      auditLogPath: '/a.jsonl',
      pollSeconds: 30,
      debounce: { windowSeconds: 600, bypassCritical: false },
      replayFromStart: false,
      searchAttributes: true,
      historyEventLimit: 5000,
      waitForGrowth: true,
      investigation: { maxTurns: 4, dailyBudgetUsd: 5, reserveUsd: 0.036 },
      windowRules: DEFAULT_WINDOW_RULES,
    },
    spendToday: { day: '2026-11-29', spentUsd: 0.0123, reservedUsd: 0.072, halted: 2, budgetUsd: 5 },
    silences: [] as TailStateView['silences'],
  };

  it("shows today's spend, what running investigations hold, and the budget", () => {
    expect(renderState(state, 'probe-tail')).toContain(
      'spend today     $0.0123 spent, $0.0720 held by running investigations, budget $5.0000 (2 halted) (2026-11-29 UTC)',
    );
    expect(renderState({ ...state, spendToday: { ...state.spendToday, budgetUsd: null, halted: 0 } }, 'probe-tail')).toContain('no budget');
  });

  it('counts silenced wakes and lists the active silences', () => {
    expect(renderState(state, 'probe-tail')).toContain('Active silences: none');
    const silenced = { ...state, counters: { ...state.counters, silenced: 7 }, silences: [{ id: 's-1', probe: 'fly', reason: 'maintenance', createdBy: 'U024BE7LH', createdAtMs: 0, untilMs: Date.parse('2026-11-29T12:00:00Z') }] };
    const text = renderState(silenced, 'probe-tail');
    expect(text).toMatch(/debounced\s+silenced\s+held/);
    expect(text).toMatch(/^  0\s+0\s+0\s+0\s+7\s+0/m);
    expect(text).toContain('Active silences (1)\n  id   scope                 until                     reason       by\n  s-1  fly (every category)  2026-11-29T12:00:00.000Z  maintenance  U024BE7LH');
  });
});

describe('status and silences: active silences', () => {
  const silence = { id: 's-2', probe: 'fly', category: 'auth', reason: 'Fly maintenance', createdBy: 'U024BE7LH', createdAtMs: Date.parse('2026-11-29T10:00:00Z'), untilMs: Date.parse('2026-11-29T12:00:00Z') };
  const wide = { id: 's-3', probe: 'pg*', reason: 'replica rebuild', createdBy: 'cli:ops', createdAtMs: 0, untilMs: Date.parse('2026-11-30T10:00:00Z') };

  it('silences: a table of id, scope, until, reason, by', () => {
    expect(renderSilences([silence, wide]).split('\n')).toEqual([
      'id   scope                 until                     reason           by',
      's-2  fly/auth              2026-11-29T12:00:00.000Z  Fly maintenance  U024BE7LH',
      's-3  pg* (every category)  2026-11-30T10:00:00.000Z  replica rebuild  cli:ops',
    ]);
    expect(renderSilences([])).toBe('No active silences.');
  });
});

describe('status: windows, held wakes, flapping pairs, storm', () => {
  const base = {
    cursor: { inode: 1, offset: 10 },
    counters: { rowsRead: 9, wakes: 9, investigationsStarted: 3, debounced: 4, silenced: 0, badRows: 0, readErrors: 0, readsInterrupted: 0, restarts: 0, restartsByReason: {}, rowsFromRotatedFile: 0, continuedAsNew: 0, recovered: 2, windowsReset: 1, held: 2, flappingWindows: 1, storms: 1, signalsUndelivered: 0 },
    settings: {
      auditLogPath: '/a.jsonl',
      pollSeconds: 30,
      debounce: { windowSeconds: 600, bypassCritical: false },
      replayFromStart: false,
      searchAttributes: true,
      historyEventLimit: 5000,
      waitForGrowth: true,
      investigation: { maxTurns: 4, dailyBudgetUsd: null, reserveUsd: 0.036 },
      windowRules: { ...DEFAULT_WINDOW_RULES, minWakes: { wakes: 3, withinSeconds: 60 } },
    },
    spendToday: { day: '2026-11-29', spentUsd: 0, reservedUsd: 0, halted: 0, budgetUsd: null },
    silences: [] as TailStateView['silences'],
  };
  const state = {
    ...base,
    windows: [
      {
        probe: 'fly',
        category: 'auth',
        windowKey: 'w-1',
        investigationWorkflowId: 'probe-investigation:fly:auth:w-1',
        openedAt: '2026-11-29T10:00:00.000Z',
        expiresAt: '2026-11-29T10:20:00.000Z',
        debounced: 13,
        wakes: 14,
        lastSeenAt: '2026-11-29T10:12:00.000Z',
        healthyStreak: 1,
        flapping: { windows: 4, periodSeconds: 7200 },
      },
    ],
    held: [{ probe: 'pg', category: 'lag', wakes: 2, firstSeenAt: '2026-11-29T10:11:00.000Z' }],
    flapping: [{ probe: 'fly', category: 'auth', windows: 4, periodSeconds: 7200 }],
    storm: { digestKey: 'probe-storm:probe-tail:w-9', startedAt: '2026-11-29T10:11:50.000Z', pairs: 37, sentRevision: 2, pending: true },
  };

  it('shows the rules, each window\'s wakes, streak and flapping, the held wakes, the flapping pairs and the storm', () => {
    const text = renderState(state, 'probe-tail');
    expect(text).toContain('window rules    recovery after 2 healthy results, flapping at 3 windows in 2 h (up to 6 h), storm over 5 windows in 10 s, opens at 3 wakes in 60 s');
    expect(text).toMatch(/fly\s+auth\s+2026-11-29T10:00:00.000Z\s+2026-11-29T10:20:00.000Z\s+14\s+2026-11-29T10:12:00.000Z\s+1\s+4 windows in 2 h\s+-\s+probe-investigation:fly:auth:w-1/);
    expect(text).toContain('Held wakes, no window yet (1)');
    expect(text).toMatch(/pg\s+lag\s+2\s+2026-11-29T10:11:00.000Z/);
    expect(text).toContain('Flapping pairs (1)');
    expect(text).toContain('Storm since 2026-11-29T10:11:50.000Z: 37 pairs, digest probe-storm:probe-tail:w-9 (revision 2 sent, more pairs joined since)');
  });
});
