import { countDebounced, decide, foldRepeats, pairKey, parseResetScope, pruneExpired, resetWindows, stampWindow, type DebouncePolicy, type WakeKey, type WindowTable } from '../../src/domain/debounce';
import { investigationWorkflowId } from '../../src/api';
import { decideBatch, DEFAULT_WINDOW_RULES, initialWindowState } from '../../src/domain/windowBatch';
import type { RepeatCount } from '../../src/domain/debounce';

/** The plain-debounce part of decideBatch (no health rows; the other rules at their defaults do nothing here). */
function applyBatch(windows: WindowTable, batch: { wakes: WakeKey[]; repeats: RepeatCount[] }, nowMs: number, p: DebouncePolicy) {
  const decision = decideBatch({ ...initialWindowState(), windows }, { ...batch, health: [] }, { nowMs, debounce: p, rules: DEFAULT_WINDOW_RULES, tailWorkflowId: 'probe-tail' });
  return { windows: decision.state.windows, dispatches: decision.dispatches.map(({ wake, windowKey }) => ({ wake, windowKey })), debounced: decision.debounced };
}

const policy: DebouncePolicy = { windowSeconds: 600, bypassCritical: false };
const wake = (wakeId: string, probe = 'fly', category = 'auth', severity: WakeKey['severity'] = 'warning'): WakeKey => ({ wakeId, probe, category, severity });
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

/** Applies the policy to a sequence of (wake, time) and returns the dispatched wake IDs. */
function run(sequence: Array<[WakeKey, number]>, p = policy, table: WindowTable = {}) {
  const dispatched: string[] = [];
  for (const [w, at] of sequence) {
    const decision = decide(table, w, at, p);
    if (decision.action === 'dispatch') {
      dispatched.push(`${w.wakeId}@${decision.windowKey}`);
      table = stampWindow(table, w, decision.windowKey, at, p);
    }
  }
  return { dispatched, table };
}

describe('debounce policy', () => {
  it('opens a window on the first wake and debounces the rest inside it', () => {
    const { dispatched } = run([
      [wake('a'), T0],
      [wake('b'), T0 + 30_000],
      [wake('c'), T0 + 599_999],
    ]);
    expect(dispatched).toEqual(['a@a']);
  });

  it('slides from the last dispatch: a wake at exactly the window length opens a new window', () => {
    const { dispatched } = run([
      [wake('a'), T0],
      [wake('b'), T0 + 599_000],
      [wake('c'), T0 + 600_000],
      [wake('d'), T0 + 1_100_000],
      [wake('e'), T0 + 1_200_000],
    ]);
    expect(dispatched).toEqual(['a@a', 'c@c', 'e@e']);
  });

  it('keys windows by (probe, category)', () => {
    const { dispatched } = run([
      [wake('a', 'fly', 'auth'), T0],
      [wake('b', 'fly', 'dns'), T0 + 1],
      [wake('c', 'doppler', 'auth'), T0 + 2],
      [wake('d', 'fly', 'auth'), T0 + 3],
    ]);
    expect(dispatched).toEqual(['a@a', 'b@b', 'c@c']);
  });

  it('with a 0 window investigates every wake, keyed by its own ID', () => {
    const { dispatched, table } = run(
      [
        [wake('a'), T0],
        [wake('b'), T0],
      ],
      { windowSeconds: 0, bypassCritical: false },
    );
    expect(dispatched).toEqual(['a@a', 'b@b']);
    expect(table).toEqual({});
  });

  it('debounces critical wakes too unless bypass is on', () => {
    const seq: Array<[WakeKey, number]> = [
      [wake('a', 'fly', 'auth', 'critical'), T0],
      [wake('b', 'fly', 'auth', 'critical'), T0 + 1000],
      [wake('c', 'fly', 'auth', 'warning'), T0 + 2000],
    ];
    expect(run(seq).dispatched).toEqual(['a@a']);
    expect(run(seq, { windowSeconds: 600, bypassCritical: true }).dispatched).toEqual(['a@a', 'b@b']);
  });

  it('counts the window as open until its expiry, then prunes it', () => {
    const { table } = run([[wake('a'), T0]]);
    expect(Object.keys(pruneExpired(table, T0 + 599_999))).toEqual(['fly:auth']);
    expect(pruneExpired(table, T0 + 600_000)).toEqual({});
  });

  it('builds the deterministic investigation workflow ID', () => {
    expect(investigationWorkflowId('fly', 'auth', 'w-7f3a')).toBe('probe-investigation:fly:auth:w-7f3a');
  });
});

describe('resetWindows', () => {
  const { table } = run([
    [wake('a', 'fly', 'auth'), T0],
    [wake('b', 'fly', 'dns'), T0],
    [wake('c', 'doppler', 'auth'), T0],
  ]);

  it('clears every window for {}', () => {
    expect(resetWindows(table, {})).toEqual({ table: {}, cleared: 3 });
  });

  it('clears one probe for {probe}', () => {
    const { table: left, cleared } = resetWindows(table, { probe: 'fly' });
    expect(cleared).toBe(2);
    expect(Object.keys(left)).toEqual(['doppler:auth']);
  });

  it('clears one pair for {probe, category}', () => {
    const { table: left, cleared } = resetWindows(table, { probe: 'fly', category: 'auth' });
    expect(cleared).toBe(1);
    expect(Object.keys(left).sort()).toEqual(['doppler:auth', 'fly:dns']);
  });

  it('clears nothing for an unknown probe', () => {
    expect(resetWindows(table, { probe: 'nope' }).cleared).toBe(0);
  });

  it('lets the next wake of a cleared pair dispatch at once', () => {
    const { table: left } = resetWindows(table, { probe: 'fly', category: 'auth' });
    expect(decide(left, wake('d'), T0 + 1000, policy)).toEqual({ action: 'dispatch', windowKey: 'd', bypassed: false });
  });
});

describe('parseResetScope', () => {
  it.each([
    [{}, {}],
    [null, {}],
    [undefined, {}],
    [{ probe: 'fly' }, { probe: 'fly' }],
    [{ probe: 'fly', category: 'auth' }, { probe: 'fly', category: 'auth' }],
    [{ category: 'auth' }, { category: 'auth' }],
  ])('reads %j', (input, scope) => {
    expect(parseResetScope(input)).toEqual({ scope });
  });

  it.each([
    [{ probe: 5 }, /probe must be a string/],
    [{ Probe: 'fly' }, /unknown field\(s\) Probe/],
    [{ probe: 'fly', cat: 'auth' }, /unknown field\(s\) cat/],
    ['fly', /JSON object/],
    [['fly'], /JSON object/],
  ])('refuses %j instead of clearing everything', (input, error) => {
    expect(parseResetScope(input)).toEqual({ error: expect.stringMatching(error) });
  });
});

describe('foldRepeats', () => {
  /** Every wake decided one by one, as the tail did before folding: dispatches, windows and counts. */
  function decideAll(wakes: WakeKey[], table: WindowTable, nowMs: number, p: DebouncePolicy) {
    const dispatched: string[] = [];
    let debounced = 0;
    for (const w of wakes) {
      const decision = decide(table, w, nowMs, p);
      if (decision.action === 'debounce') {
        table = countDebounced(table, decision.window);
        debounced += 1;
      } else {
        dispatched.push(`${w.wakeId}@${decision.windowKey}`);
        table = stampWindow(table, w, decision.windowKey, nowMs, p);
      }
    }
    return { dispatched, table, debounced };
  }

  /** The kept wakes decided one by one, then the repeats counted onto their pairs' windows. */
  function decideFolded(wakes: WakeKey[], table: WindowTable, nowMs: number, p: DebouncePolicy) {
    const { kept, repeats } = foldRepeats(wakes, p);
    const result = decideAll(kept, table, nowMs, p);
    for (const repeat of repeats) {
      const window = result.table[pairKey(repeat.probe, repeat.category)]!;
      result.table = countDebounced(result.table, window, repeat.count);
      result.debounced += repeat.count;
    }
    return { ...result, kept: kept.length, repeats: repeats.reduce((sum, r) => sum + r.count, 0) };
  }

  it('gives the same decisions, windows and counts as deciding every wake (600 random reads)', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const severities = ['critical', 'warning', 'info'] as const;
    let folded = 0;
    for (let round = 0; round < 600; round++) {
      const p: DebouncePolicy = { windowSeconds: pick([0, 600]), bypassCritical: pick([false, true]) };
      let table: WindowTable = {};
      for (const probe of ['fly', 'pg']) {
        if (random() < 0.5) table = stampWindow(table, wake(`old-${probe}`, probe), `old-${probe}`, T0 - pick([10, 700]) * 1000, { ...p, windowSeconds: 600 });
      }
      const wakes = Array.from({ length: Math.floor(random() * 12) }, (_, i) => wake(`w${i}`, pick(['fly', 'pg']), 'auth', pick(severities)));
      const { kept, repeats, ...viaFold } = decideFolded(wakes, table, T0, p);
      expect(viaFold).toEqual(decideAll(wakes, table, T0, p));
      expect(kept + repeats).toBe(wakes.length);
      folded += repeats;
    }
    expect(folded).toBeGreaterThan(500);
  });

  it('keeps file order, the first wake of each pair, and under bypass each critical wake and its pair before it; folds nothing with debounce off', () => {
    const wakes = [wake('a1'), wake('b1', 'pg'), wake('a2'), wake('a3', 'fly', 'auth', 'critical'), wake('b2', 'pg'), wake('a4')];
    expect(foldRepeats(wakes, policy)).toEqual({
      kept: [wakes[0], wakes[1]],
      repeats: [
        { probe: 'fly', category: 'auth', severity: 'warning', count: 2, afterWake: 0 },
        { probe: 'fly', category: 'auth', severity: 'critical', count: 1, afterWake: 0 },
        { probe: 'pg', category: 'auth', severity: 'warning', count: 1, afterWake: 1 },
      ],
    });
    expect(foldRepeats(wakes, { ...policy, bypassCritical: true }).kept.map((w) => w.wakeId)).toEqual(['a1', 'b1', 'a2', 'a3']);
    expect(foldRepeats(wakes, { ...policy, windowSeconds: 0 })).toEqual({ kept: wakes, repeats: [] });
  });
});

describe('applyBatch (one read decided at one instant)', () => {
  const pg = (id: string) => wake(id, 'pg', 'lag');

  it('dispatches the wake that opens a window, counts the rest on it, and leaves the input table alone', () => {
    const before: WindowTable = {};
    const { windows, dispatches, debounced } = applyBatch(before, { wakes: [wake('a'), pg('p'), wake('b'), wake('c')], repeats: [] }, T0, policy);
    expect(dispatches).toEqual([
      { wake: wake('a'), windowKey: 'a' },
      { wake: pg('p'), windowKey: 'p' },
    ]);
    expect(debounced).toEqual([{ probe: 'fly', category: 'auth', wakes: 2 }]);
    expect(windows['fly:auth']).toMatchObject({ windowKey: 'a', openedAtMs: T0, expiresAtMs: T0 + 600_000, debounced: 2 });
    expect(windows['pg:lag']).toMatchObject({ windowKey: 'p', debounced: 0 });
    expect(before).toEqual({});
  });

  it('counts folded repeats on the window their pair\'s first wake left open, in the same entry as the pair\'s debounced wakes', () => {
    const open = stampWindow({}, wake('old'), 'old', T0 - 60_000, policy);
    const { windows, dispatches, debounced } = applyBatch(
      open,
      { wakes: [wake('a'), pg('p')], repeats: [{ probe: 'fly', category: 'auth', severity: 'warning', count: 5, afterWake: 0 }, { probe: 'pg', category: 'lag', severity: 'info', count: 3, afterWake: 1 }] },
      T0,
      policy,
    );
    expect(dispatches.map((d) => d.windowKey)).toEqual(['p']);
    expect(debounced).toEqual([
      { probe: 'fly', category: 'auth', wakes: 6 },
      { probe: 'pg', category: 'lag', wakes: 3 },
    ]);
    expect(windows['fly:auth']).toMatchObject({ windowKey: 'old', debounced: 6 });
    expect(windows['pg:lag']).toMatchObject({ windowKey: 'p', debounced: 3 });
  });

  it('prunes expired windows before deciding, so a wake after the window opens a new one', () => {
    const open = stampWindow({ ...stampWindow({}, pg('old-p'), 'old-p', T0 - 700_000, policy) }, wake('old'), 'old', T0 - 600_000, policy);
    const { windows, dispatches, debounced } = applyBatch(open, { wakes: [wake('a')], repeats: [] }, T0, policy);
    expect(dispatches.map((d) => d.windowKey)).toEqual(['a']);
    expect(debounced).toEqual([]);
    expect(Object.keys(windows)).toEqual(['fly:auth']);
  });

  it('with debounce off dispatches every wake and stamps nothing; under critical bypass a critical wake opens a fresh window', () => {
    const wakes = [wake('a'), wake('b'), wake('c', 'fly', 'auth', 'critical'), wake('d')];
    const off = applyBatch({}, { wakes, repeats: [] }, T0, { windowSeconds: 0, bypassCritical: false });
    expect(off).toEqual({ windows: {}, dispatches: wakes.map((w) => ({ wake: w, windowKey: w.wakeId })), debounced: [] });
    const bypass = applyBatch({}, { wakes, repeats: [] }, T0, { ...policy, bypassCritical: true });
    expect(bypass.dispatches.map((d) => d.windowKey)).toEqual(['a', 'c']);
    expect(bypass.windows['fly:auth']).toMatchObject({ windowKey: 'c', debounced: 1 });
    expect(bypass.debounced).toEqual([{ probe: 'fly', category: 'auth', wakes: 2 }]);
  });

  it('decides a folded read exactly as the same read unfolded (300 random reads)', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    for (let round = 0; round < 300; round++) {
      const p: DebouncePolicy = { windowSeconds: pick([0, 600]), bypassCritical: pick([false, true]) };
      const table = random() < 0.5 ? stampWindow({}, wake('old'), 'old', T0 - pick([10, 700]) * 1000, { ...p, windowSeconds: 600 }) : {};
      const wakes = Array.from({ length: Math.floor(random() * 10) }, (_, i) => wake(`w${i}`, pick(['fly', 'pg']), 'auth', pick(['critical', 'warning'] as const)));
      const unfolded = applyBatch(table, { wakes, repeats: [] }, T0, p);
      const { kept, repeats } = foldRepeats(wakes, p);
      const folded = applyBatch(table, { wakes: kept, repeats }, T0, p);
      const total = (d: typeof folded.debounced) => Object.fromEntries(d.map((e) => [pairKey(e.probe, e.category), e.wakes]));
      expect({ windows: folded.windows, dispatches: folded.dispatches, debounced: total(folded.debounced) }).toEqual({
        windows: unfolded.windows,
        dispatches: unfolded.dispatches,
        debounced: total(unfolded.debounced),
      });
    }
  });
});
