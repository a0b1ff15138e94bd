import {
  addSilence,
  addSilenceProblem,
  emptySilences,
  matchesPattern,
  parseSilenceDuration,
  partitionSilenced,
  pruneSilences,
  removeSilence,
  removeSilenceProblem,
  silenceFor,
  silenceRequestProblem,
  silencesDetails,
  type SilenceRequest,
  type SilenceTable,
} from '../../src/domain/silences';

const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);
const request = (overrides: Partial<SilenceRequest> = {}): SilenceRequest => ({ probe: 'fly', category: 'auth', forSeconds: 7200, reason: 'planned maintenance', createdBy: 'U024BE7LH', ...overrides });

function added(table: SilenceTable, r: SilenceRequest, at = T0) {
  const result = addSilence(table, r, at);
  if ('error' in result) throw new Error(result.error);
  return result;
}

describe('silence requests', () => {
  it('accepts a good request, with or without a category', () => {
    expect(silenceRequestProblem(request())).toBeUndefined();
    expect(silenceRequestProblem(request({ category: undefined }))).toBeUndefined();
    const { category: _unused, ...noCategory } = request();
    expect(silenceRequestProblem(noCategory)).toBeUndefined();
    expect(silenceRequestProblem(request({ probe: 'fly*', category: '*-eu', requestId: 'cli:1' }))).toBeUndefined();
  });

  it.each<[unknown, string]>([
    [null, 'input must be a JSON object'],
    [[1], 'input must be a JSON object'],
    ['fly', 'input must be a JSON object'],
    [{ ...request(), Probe: 'fly' }, 'unknown field(s) Probe'],
    [{ ...request(), probe: undefined }, 'probe is required'],
    [request({ probe: 'fly app' }), 'probe "fly app" must be 1-64 characters of [A-Za-z0-9_.-], with * for any run of them'],
    [request({ probe: 'fly:auth' }), 'probe "fly:auth" must be 1-64'],
    [request({ probe: '' }), 'probe "" must be 1-64'],
    [request({ probe: 'x'.repeat(65) }), 'must be 1-64'],
    [request({ probe: '*' }), 'probe "*" matches everything'],
    [request({ probe: '**' }), 'matches everything'],
    [request({ category: 'a b' }), 'category "a b" must be 1-64'],
    [request({ category: 7 as unknown as string }), 'category must be a string'],
    [request({ forSeconds: -60 }), 'the duration must be positive'],
    [request({ forSeconds: 0 }), 'the duration must be positive'],
    [request({ forSeconds: 30 }), 'at least 1 minute'],
    [request({ forSeconds: 31 * 86_400 }), 'at most 30 days (got 31 d)'],
    [request({ forSeconds: Number.NaN }), 'forSeconds must be a number'],
    [request({ forSeconds: '2h' as unknown as number }), 'forSeconds must be a number'],
    [request({ reason: '' }), 'a reason is required'],
    [request({ reason: '   ' }), 'a reason is required'],
    [request({ reason: 'x'.repeat(301) }), 'at most 300 characters (got 301)'],
    [request({ reason: 'two\nlines' }), 'one line of text'],
    [request({ createdBy: '' }), 'createdBy must be 1-64 characters'],
    [request({ createdBy: 'a b' }), 'createdBy must be'],
    [request({ requestId: '' }), 'requestId must be a string'],
  ])('refuses %j: %s', (input, message) => {
    expect(silenceRequestProblem(input)).toContain(message);
  });

  it('allows exactly 1 minute and exactly 30 days', () => {
    expect(silenceRequestProblem(request({ forSeconds: 60 }))).toBeUndefined();
    expect(silenceRequestProblem(request({ forSeconds: 30 * 86_400 }))).toBeUndefined();
  });
});

describe('--for durations', () => {
  it('reads units', () => {
    expect(['2h', '90m', '1d', '45m', '3600s', '1.5h', ' 2H '].map(parseSilenceDuration)).toEqual(
      [7200, 5400, 86_400, 2700, 3600, 5400, 7200].map((seconds) => ({ seconds })),
    );
  });

  it.each([
    ['2', 'give a duration with its unit'],
    ['', 'give a duration with its unit'],
    ['two hours', 'give a duration with its unit'],
    ['2w', 'give a duration with its unit'],
    ['-2h', 'must be positive'],
    ['0m', 'must be positive'],
    ['30s', 'at least 1 minute'],
    ['31d', 'at most 30 days'],
    ['99999999d', 'at most 30 days'],
  ])('refuses %j: %s', (text, message) => {
    const parsed = parseSilenceDuration(text);
    expect('error' in parsed && parsed.error).toContain(message);
    expect('error' in parsed && parsed.error).toContain(`--for ${JSON.stringify(text)}`);
  });
});

describe('patterns', () => {
  it.each([
    ['fly', 'fly', true],
    ['fly', 'fly2', false],
    ['fly*', 'fly', true],
    ['fly*', 'fly-eu', true],
    ['fly*', 'xfly', false],
    ['*-eu', 'fly-eu', true],
    ['*-eu', 'fly-us', false],
    ['f*y', 'fly', true],
    ['f*y', 'fy', true],
    ['f*l*y', 'fly', true],
    ['f*l*y', 'fy', false],
    ['ab*ba', 'aba', false],
    ['a*b*c', 'acb', false],
    ['*ly*', 'fly-eu', true],
    ['fly.*', 'flyX', false],
  ])('%s matches %s: %s', (pattern, name, expected) => {
    expect(matchesPattern(pattern, name)).toBe(expected);
  });
});

describe('the silence table', () => {
  it('gives ids from the counter carried in state, never reused', () => {
    const first = added(emptySilences(), request());
    expect(first.silence).toEqual({ id: 's-1', probe: 'fly', category: 'auth', reason: 'planned maintenance', createdBy: 'U024BE7LH', createdAtMs: T0, untilMs: T0 + 7_200_000 });
    const second = added(first.table, request({ probe: 'doppler', category: undefined }));
    expect(second.silence.id).toBe('s-2');
    expect(second.silence).not.toHaveProperty('category');
    const removed = removeSilence(second.table, 's-2', T0);
    if ('error' in removed) throw new Error(removed.error);
    expect(added(removed.table, request()).silence.id).toBe('s-3');
  });

  it('answers a repeated requestId with the first silence and changes nothing', () => {
    const first = added(emptySilences(), request({ requestId: 'slack:1' }));
    const repeat = added(first.table, request({ requestId: 'slack:1', forSeconds: 60, reason: 'other' }), T0 + 5_000);
    expect(repeat.repeat).toBe(true);
    expect(repeat.silence).toEqual(first.silence);
    expect(repeat.table).toEqual(first.table);
    // Another requestId (or none) is another silence.
    expect(added(first.table, request({ requestId: 'slack:2' })).silence.id).toBe('s-2');
    expect(added(first.table, request()).silence.id).toBe('s-2');
  });

  it('matches a wake to an active silence by probe pattern and category; a silence without category covers every category', () => {
    let table = added(emptySilences(), request({ probe: 'fly', category: 'auth' })).table;
    table = added(table, request({ probe: 'pg*', category: undefined }), T0).table;
    expect(silenceFor(table, { probe: 'fly', category: 'auth' }, T0)?.id).toBe('s-1');
    expect(silenceFor(table, { probe: 'fly', category: 'quota' }, T0)).toBeUndefined();
    expect(silenceFor(table, { probe: 'doppler', category: 'auth' }, T0)).toBeUndefined();
    expect(silenceFor(table, { probe: 'pg-main', category: 'replication_lag' }, T0)?.id).toBe('s-2');
  });

  it('expires on the clock it is given: active until untilMs, not at it', () => {
    const table = added(emptySilences(), request({ forSeconds: 60 })).table;
    expect(silenceFor(table, { probe: 'fly', category: 'auth' }, T0 + 59_999)?.id).toBe('s-1');
    expect(silenceFor(table, { probe: 'fly', category: 'auth' }, T0 + 60_000)).toBeUndefined();
    expect(pruneSilences(table, T0 + 59_999)).toBe(table);
    expect(pruneSilences(table, T0 + 60_000)).toEqual({ silences: [], nextId: 2 });
  });

  it('a repeat after the silence ended makes a new one', () => {
    const first = added(emptySilences(), request({ requestId: 'r', forSeconds: 60 }));
    const later = added(first.table, request({ requestId: 'r', forSeconds: 60 }), T0 + 61_000);
    expect(later.repeat).toBe(false);
    expect(later.table.silences.map((s) => s.id)).toEqual(['s-2']);
  });

  it('refuses an unknown or ended id on remove, naming the active ones', () => {
    const table = added(emptySilences(), request({ forSeconds: 60 })).table;
    expect(removeSilenceProblem(table, { id: 's-9' }, T0)).toBe('no active silence "s-9" (active: s-1)');
    expect(removeSilenceProblem(table, { id: 's-1' }, T0 + 60_000)).toBe('no active silence "s-1" (active: none)');
    expect(removeSilenceProblem(table, {}, T0)).toBe('input must be {"id":"s-1"} (optionally with "removedBy")');
    expect(removeSilenceProblem(table, { id: 's-1' }, T0)).toBeUndefined();
    expect(removeSilenceProblem(table, { id: 's-1', removedBy: 'U024BE7LH' }, T0)).toBeUndefined();
    expect(removeSilenceProblem(table, { id: 's-1', removedBy: 'two words' }, T0)).toMatch(/^removedBy must be 1-\d+ characters without spaces/);
    expect(removeSilenceProblem(table, { id: 's-1', removedBy: 7 }, T0)).toMatch(/^removedBy must be/);
  });

  it('the validator refuses what the handler would refuse', () => {
    expect(addSilenceProblem(emptySilences(), request({ forSeconds: -1 }), T0)).toContain('must be positive');
    expect(addSilenceProblem(emptySilences(), { probe: 'fly' }, T0)).toBe('forSeconds must be a number');
    let table = emptySilences();
    for (let i = 0; i < 100; i++) table = added(table, request({ probe: `p${i}` })).table;
    expect(addSilenceProblem(table, request(), T0)).toBe('100 silences are active already; remove some first');
    // ...but a repeat of an active one is still answered.
    const withId = added(removeOk(table, 's-1'), request({ requestId: 'x' })).table;
    expect(addSilenceProblem(withId, request({ requestId: 'x' }), T0)).toBeUndefined();
  });
});

function removeOk(table: SilenceTable, id: string): SilenceTable {
  const result = removeSilence(table, id, T0);
  if ('error' in result) throw new Error(result.error);
  return result.table;
}

describe('partitionSilenced', () => {
  const wake = (wakeId: string, probe = 'fly', category = 'auth') => ({ wakeId, probe, category });

  it('takes silenced wakes and their folded repeats out of the batch, counted per pair', () => {
    const table = added(emptySilences(), request({ probe: 'fly', category: undefined })).table;
    const batch = {
      wakes: [wake('a'), wake('b', 'doppler'), wake('c', 'fly', 'quota')],
      repeats: [{ probe: 'fly', category: 'auth', count: 4, afterWake: 0 }, { probe: 'doppler', category: 'auth', count: 2, afterWake: 1 }],
      health: [],
      caughtUp: true,
    };
    const { batch: left, silenced } = partitionSilenced(table, batch, T0);
    expect(left.wakes.map((w) => w.wakeId)).toEqual(['b']);
    expect(left.repeats).toEqual([{ probe: 'doppler', category: 'auth', count: 2, afterWake: 0 }]);
    expect(left.caughtUp).toBe(true);
    expect(silenced).toEqual([
      { probe: 'fly', category: 'auth', wakes: 5, silenceId: 's-1' },
      { probe: 'fly', category: 'quota', wakes: 1, silenceId: 's-1' },
    ]);
  });

  it('keeps repeats and health rows where they were among the wakes that remain', () => {
    const table = added(emptySilences(), request({ probe: 'fly', category: 'auth' })).table;
    // File order: h0, fly(a), h1, pg(b), fly(c), h2, doppler(d), h3; repeats of pg after b and of doppler after d.
    const batch = {
      wakes: [wake('a'), wake('b', 'pg'), wake('c'), wake('d', 'doppler')],
      repeats: [{ probe: 'pg', category: 'auth', count: 2, afterWake: 1 }, { probe: 'fly', category: 'auth', count: 3, afterWake: 2 }, { probe: 'doppler', category: 'auth', count: 1, afterWake: 3 }],
      health: [{ id: 'h0', beforeWake: 0 }, { id: 'h1', beforeWake: 1 }, { id: 'h2', beforeWake: 3 }, { id: 'h3', beforeWake: 4 }],
    };
    const { batch: left, silenced } = partitionSilenced(table, batch, T0);
    // Remaining file order: h0, h1, pg(b), h2, doppler(d), h3.
    expect(left.wakes.map((w) => w.wakeId)).toEqual(['b', 'd']);
    expect(left.repeats.map((r) => [r.probe, r.afterWake])).toEqual([['pg', 0], ['doppler', 1]]);
    expect(left.health.map((h) => [h.id, h.beforeWake])).toEqual([['h0', 0], ['h1', 0], ['h2', 1], ['h3', 2]]);
    expect(silenced).toEqual([{ probe: 'fly', category: 'auth', wakes: 5, silenceId: 's-1' }]);
  });

  it('leaves the batch alone once the silence has expired, and with no silences', () => {
    const table = added(emptySilences(), request({ forSeconds: 60 })).table;
    const batch = { wakes: [wake('a')], repeats: [] };
    expect(partitionSilenced(table, batch, T0 + 60_000)).toEqual({ batch, silenced: [] });
    expect(partitionSilenced(emptySilences(), batch, T0).batch).toBe(batch);
  });
});

describe('rendering', () => {
  it('shows active silences with their expiry for the Web UI', () => {
    let table = added(emptySilences(), request()).table;
    table = added(table, request({ probe: 'pg*', category: undefined, forSeconds: 86_400 * 2 + 3600, reason: 'migrating' })).table;
    expect(silencesDetails(table, T0 + 60_000)).toBe(
      [
        '**Silences** (2)',
        '',
        '- `s-1` fly/auth until 2026-12-02T12:00:00.000Z by U024BE7LH: planned maintenance',
        '- `s-2` pg* (every category) until 2026-12-04T11:00:00.000Z by U024BE7LH: migrating',
      ].join('\n'),
    );
    expect(silencesDetails(table, T0 + 10 * 86_400_000)).toBe('**Silences**: none');
  });

});

