import {
  decide,
  investigationWorkflowId,
  parseResetScope,
  pruneExpired,
  resetWindows,
  stampWindow,
  type DebouncePolicy,
  type WakeKey,
  type WindowTable,
} from '../../src/domain/debounce';

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
