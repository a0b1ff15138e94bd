import type { Severity } from '../../src/domain/auditRow';
import { foldRead, type DebouncePolicy, type FoldPolicy } from '../../src/domain/debounce';
import * as flapping from '../../src/domain/flapping';
import * as minWakes from '../../src/domain/minWakes';
import type { HealthRun } from '../../src/domain/recovery';
import * as stormRules from '../../src/domain/storm';
import { decideBatch, DEFAULT_WINDOW_RULES, initialWindowState, resetScope, type BatchInput, type WindowRules, type WindowState } from '../../src/domain/windowBatch';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const MIN = 60_000;
const debounce: DebouncePolicy = { windowSeconds: 600, bypassCritical: false };

interface TestWake {
  wakeId: string;
  probe: string;
  category: string;
  severity: Severity;
  summary?: string;
}
const wake = (wakeId: string, probe = 'fly', category = 'auth', severity: Severity = 'warning'): TestWake => ({ wakeId, probe, category, severity, summary: `wake ${wakeId}` });
const healthy = (probe: string, beforeWake: number, count = 1): HealthRun => ({ kind: 'result', probe, status: 'healthy', count, beforeWake });
const unhealthy = (probe: string, beforeWake: number): HealthRun => ({ kind: 'result', probe, status: 'unhealthy', count: 1, beforeWake });
const recovered = (probe: string, beforeWake: number, category?: string): HealthRun =>
  category === undefined ? { kind: 'recovered', probe, count: 1, beforeWake } : { kind: 'recovered', probe, category, count: 1, beforeWake };

function decide(state: WindowState, batch: Partial<BatchInput<TestWake>>, nowMs: number, rules: WindowRules = DEFAULT_WINDOW_RULES, policy = debounce) {
  return decideBatch(state, { wakes: [], repeats: [], health: [], ...batch }, { nowMs, debounce: policy, rules, tailWorkflowId: 'probe-tail' });
}

describe('recovery', () => {
  it('closes every window of the probe after 2 consecutive healthy results read after it opened', () => {
    const opened = decide(initialWindowState(), { wakes: [wake('a'), wake('b', 'fly', 'dns'), wake('p', 'pg')] }, T0);
    const one = decide(opened.state, { health: [healthy('fly', 0)] }, T0 + MIN);
    expect(one.recovered).toEqual([]);
    expect(one.state.windows['fly:auth']).toMatchObject({ healthyStreak: 1 });
    const two = decide(one.state, { health: [healthy('fly', 0)] }, T0 + 2 * MIN);
    expect(two.recovered.map((c) => [c.window.windowKey, c.by])).toEqual([
      ['a', 'results'],
      ['b', 'results'],
    ]);
    expect(Object.keys(two.state.windows)).toEqual(['pg:auth']);
  });

  it('a non-healthy result or a new wake of the probe breaks the streak', () => {
    const opened = decide(initialWindowState(), { wakes: [wake('a')] }, T0);
    const broken = decide(opened.state, { health: [healthy('fly', 0), unhealthy('fly', 0), healthy('fly', 0)] }, T0 + MIN);
    expect(broken.recovered).toEqual([]);
    expect(broken.state.windows['fly:auth']!.healthyStreak).toBe(1);
    // A debounced wake of another category of the same probe breaks it too.
    const woken = decide(broken.state, { wakes: [wake('x', 'fly', 'dns')], health: [healthy('fly', 1)] }, T0 + 2 * MIN);
    expect(woken.recovered).toEqual([]);
    expect(woken.state.windows['fly:auth']!.healthyStreak).toBe(1);
    const done = decide(woken.state, { health: [healthy('fly', 0)] }, T0 + 3 * MIN);
    expect(done.recovered.map((c) => c.window.windowKey)).toEqual(['a', 'x']);
  });

  it('counts a folded run of healthy results as that many confirmations, and honours the setting', () => {
    const opened = decide(initialWindowState(), { wakes: [wake('a')] }, T0);
    const rules = { ...DEFAULT_WINDOW_RULES, recoveryConfirmations: 3 };
    expect(decide(opened.state, { health: [healthy('fly', 0, 2)] }, T0 + MIN, rules).recovered).toEqual([]);
    expect(decide(opened.state, { health: [healthy('fly', 0, 3)] }, T0 + MIN, rules).recovered).toHaveLength(1);
  });

  it('a healthy result before the window opened (earlier in the read) does not count', () => {
    const read = decide(initialWindowState(), { wakes: [wake('a')], health: [healthy('fly', 0, 5), healthy('fly', 1)] }, T0);
    expect(read.recovered).toEqual([]);
    expect(read.dispatches).toHaveLength(1);
    expect(read.state.windows['fly:auth']!.healthyStreak).toBe(1);
  });

  it('probe.recovered closes that pair at once, or every window of the probe without a category', () => {
    const opened = decide(initialWindowState(), { wakes: [wake('a'), wake('b', 'fly', 'dns')] }, T0);
    const pair = decide(opened.state, { health: [recovered('fly', 0, 'dns')] }, T0 + MIN);
    expect(pair.recovered.map((c) => [c.window.windowKey, c.by])).toEqual([['b', 'event']]);
    expect(Object.keys(pair.state.windows)).toEqual(['fly:auth']);
    const all = decide(opened.state, { health: [recovered('fly', 0)] }, T0 + MIN);
    expect(all.recovered.map((c) => c.window.windowKey)).toEqual(['a', 'b']);
  });

  it('after recovery the next wake of the pair opens a new window; repeats are reported only for open windows', () => {
    const opened = decide(initialWindowState(), { wakes: [wake('a')] }, T0);
    const read = decide(opened.state, { wakes: [wake('b'), wake('c')], health: [recovered('fly', 1)] }, T0 + MIN);
    expect(read.recovered.map((c) => c.window.windowKey)).toEqual(['a']);
    expect(read.dispatches.map((d) => d.windowKey)).toEqual(['c']);
    expect(read.repeats).toEqual([]);
    const more = decide(read.state, { wakes: [wake('d'), wake('e')] }, T0 + 2 * MIN);
    expect(more.repeats).toEqual([{ probe: 'fly', category: 'auth', windowKey: 'c', wakes: 3, lastSeenAtMs: T0 + 2 * MIN }]);
  });
});

describe('flapping', () => {
  const policy: flapping.FlapPolicy = { windows: 3, periodSeconds: 7200, maxWindowSeconds: 6 * 3600 };

  it('a pair opening 3 windows within the period is flapping: each window twice as long as the last, capped', () => {
    let table: flapping.FlapTable = {};
    const lengths: number[] = [];
    const facts: Array<flapping.FlappingFacts | undefined> = [];
    let at = T0;
    for (let i = 0; i < 7; i++) {
      const opened = flapping.openWindow(table, 'fly:auth', at, 600, policy);
      lengths.push(opened.seconds);
      facts.push(opened.flapping);
      table = flapping.windowEnded(opened.table, 'fly:auth', at + opened.seconds * 1000);
      at += opened.seconds * 1000 + MIN; // the next wake a minute after the window ends
    }
    expect(lengths).toEqual([600, 600, 1200, 2400, 4800, 9600, 19200]);
    expect(facts.slice(0, 2)).toEqual([undefined, undefined]);
    expect(facts[2]).toEqual({ windows: 3, periodSeconds: (600 + 60) * 2 });
    expect(facts[3]!.windows).toBe(4);
    const capped = flapping.openWindow(table, 'fly:auth', at, 600, policy);
    expect(capped.seconds).toBe(6 * 3600);
  });

  it('windows further apart than the period never flap', () => {
    let table: flapping.FlapTable = {};
    for (let i = 0; i < 6; i++) {
      const opened = flapping.openWindow(table, 'fly:auth', T0 + i * 3700_000, 600, policy);
      expect(opened.seconds).toBe(600);
      table = flapping.windowEnded(opened.table, 'fly:auth', T0 + i * 3700_000 + 600_000);
    }
  });

  it('stops flapping after a full quiet period after its last window ended, not after its opening', () => {
    let table: flapping.FlapTable = {};
    let at = T0;
    for (let i = 0; i < 4; i++) {
      const opened = flapping.openWindow(table, 'fly:auth', at, 600, policy);
      table = flapping.windowEnded(opened.table, 'fly:auth', at + opened.seconds * 1000);
      at += opened.seconds * 1000;
    }
    // The 4th window (2400 s) ended at `at`: 1 s short of a quiet period it still flaps, at the period it is reset.
    expect(flapping.openWindow(table, 'fly:auth', at + 7_199_000, 600, policy)).toMatchObject({ seconds: 4800, flapping: { windows: 5 } });
    expect(flapping.openWindow(table, 'fly:auth', at + 7_200_000, 600, policy)).toEqual({ table: { 'fly:auth': { openedAtMs: [at + 7_200_000] } }, seconds: 600 });
    expect(flapping.flappingNow(table['fly:auth'], at + 7_200_000, policy)).toBeUndefined();
    expect(flapping.pruneQuiet(table, at + 7_200_000, policy)).toEqual({});
  });

  it('through decideBatch: the third window within two hours is doubled and tells the investigation', () => {
    let state = initialWindowState();
    const opened: number[] = [];
    for (let i = 0; i < 3; i++) {
      const read = decide(state, { wakes: [wake(`w${i}`)] }, T0 + i * 11 * MIN);
      state = read.state;
      opened.push((read.dispatches[0]!.window!.closesAtMs - read.dispatches[0]!.window!.openedAtMs) / 1000);
      if (i === 2) expect(read.dispatches[0]!.window!.flapping).toEqual({ windows: 3, periodSeconds: 22 * 60 });
    }
    expect(opened).toEqual([600, 600, 1200]);
    expect(state.windows['fly:auth']!.flapping).toEqual({ windows: 3, periodSeconds: 1320 });
    expect(decide(state, {}, T0 + 30 * MIN, { ...DEFAULT_WINDOW_RULES, flap: { ...DEFAULT_WINDOW_RULES.flap, windows: 0 } }).state.flaps).toBeDefined();
  });

  it('is off with PROBE_FLAP_WINDOWS=0', () => {
    expect(flapping.openWindow({}, 'fly:auth', T0, 600, { ...policy, windows: 0 })).toEqual({ table: {}, seconds: 600 });
  });
});

describe('min-wakes buffering', () => {
  const rules: WindowRules = { ...DEFAULT_WINDOW_RULES, minWakes: { wakes: 3, withinSeconds: 300 } };

  it('holds wakes until 3 arrive within 5 minutes; the third opens the window and says so', () => {
    const first = decide(initialWindowState(), { wakes: [wake('a')] }, T0, rules);
    expect(first).toMatchObject({ dispatches: [], held: 1 });
    const second = decide(first.state, { wakes: [wake('b')] }, T0 + MIN, rules);
    expect(second.dispatches).toEqual([]);
    const third = decide(second.state, { wakes: [wake('c')] }, T0 + 2 * MIN, rules);
    expect(third.dispatches.map((d) => [d.windowKey, d.window?.buffered])).toEqual([['c', { wakes: 3, seconds: 120 }]]);
    expect(third.state.held).toEqual({});
  });

  it('forgets held wakes older than the span', () => {
    let table: minWakes.HeldTable = {};
    const pair = { probe: 'fly', category: 'auth' };
    table = minWakes.holdOrOpen(table, pair, 'fly:auth', T0, rules.minWakes).table;
    table = minWakes.holdOrOpen(table, pair, 'fly:auth', T0 + 4 * MIN, rules.minWakes).table;
    // The first is now 5 min old: only two within the span.
    expect(minWakes.holdOrOpen(table, pair, 'fly:auth', T0 + 5 * MIN, rules.minWakes).open).toBe(false);
    expect(minWakes.pruneHeld(table, T0 + 10 * MIN, rules.minWakes)).toEqual({});
  });

  it('a critical wake skips the buffer only under critical bypass', () => {
    const critical = wake('c', 'fly', 'auth', 'critical');
    expect(decide(initialWindowState(), { wakes: [critical] }, T0, rules).dispatches).toEqual([]);
    const bypass = decide(initialWindowState(), { wakes: [critical] }, T0, rules, { windowSeconds: 600, bypassCritical: true });
    expect(bypass.dispatches.map((d) => d.windowKey)).toEqual(['c']);
  });

  it('1 (the default) opens on the first wake', () => {
    expect(decide(initialWindowState(), { wakes: [wake('a')] }, T0).dispatches[0]!.window).toEqual({ openedAtMs: T0, closesAtMs: T0 + 600_000 });
  });
});

describe('storms', () => {
  const pairs = (n: number, at: number) => Array.from({ length: n }, (_, i) => wake(`s${at}-${i}`, `p${i}`, 'auth', i % 2 ? 'warning' : 'critical'));

  it('more than 5 windows within 10 s make a storm: one digest key naming the first window, every pair in it', () => {
    const five = decide(initialWindowState(), { wakes: pairs(5, 0) }, T0);
    expect(five.state.storm.active).toBeUndefined();
    const sixth = decide(five.state, { wakes: [wake('late', 'p9')] }, T0 + 9_000);
    const active = sixth.state.storm.active!;
    expect(active.key).toBe('probe-storm:probe-tail:s0-0');
    expect(active.pairs.map((p) => p.probe)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p9']);
    expect(sixth.dispatches[0]!.window!.storm).toEqual({ digestKey: active.key });
    expect(sixth.state.storm.storms).toBe(1);
  });

  it('six windows more than 10 s apart in total are no storm', () => {
    const five = decide(initialWindowState(), { wakes: pairs(5, 0) }, T0);
    expect(decide(five.state, { wakes: [wake('late', 'p9')] }, T0 + 10_000).state.storm.active).toBeUndefined();
  });

  it('pairs joining raise the revision; the storm ends 10 s after the last window once its last revision is sent', () => {
    const storm = decide(initialWindowState(), { wakes: pairs(6, 0) }, T0);
    expect(storm.state.storm.active).toMatchObject({ pending: true, sentRevision: -1 });
    const sentFirst = { ...storm.state, storm: stormRules.digestSent(storm.state.storm, 0, T0) };
    expect(stormRules.digestDueInMs(sentFirst.storm, T0)).toBeUndefined();
    const joined = decide(sentFirst, { wakes: [wake('j', 'joiner')] }, T0 + 1_000);
    expect(joined.state.storm.active).toMatchObject({ pending: true, sentRevision: 0, lastOpenedAtMs: T0 + 1_000 });
    // Paced: the next revision is due 2 s after the last send.
    expect(stormRules.digestDueInMs(joined.state.storm, T0 + 1_000)).toBe(1_000);
    expect(stormRules.digestDueInMs(joined.state.storm, T0 + 2_500)).toBe(0);
    expect(stormRules.nextRevision(joined.state.storm.active!)).toBe(1);
    expect(joined.dispatches[0]!.window!.storm).toEqual({ digestKey: 'probe-storm:probe-tail:s0-0' });
    // Unsent revision: the storm stays until it is sent.
    expect(decide(joined.state, {}, T0 + 30_000).state.storm.active).toBeDefined();
    const sent = { ...joined.state, storm: stormRules.digestSent(joined.state.storm, 1, T0 + 3_000) };
    expect(decide(sent, {}, T0 + 10_999).state.storm.active).toBeDefined();
    expect(decide(sent, {}, T0 + 11_000).state.storm.active).toBeUndefined();
  });

  it('is off with PROBE_STORM_THRESHOLD=0', () => {
    const rules = { ...DEFAULT_WINDOW_RULES, storm: { threshold: 0, groupSeconds: 10 } };
    expect(decide(initialWindowState(), { wakes: pairs(50, 0) }, T0, rules).state.storm.active).toBeUndefined();
  });
});

describe('repeats and reset', () => {
  it('reports each window with debounced wakes once per batch: wakes so far (the opening one included) and when last seen', () => {
    const opened = decide(initialWindowState(), { wakes: [wake('a'), wake('b'), wake('p', 'pg')] }, T0);
    expect(opened.repeats).toEqual([{ probe: 'fly', category: 'auth', windowKey: 'a', wakes: 2, lastSeenAtMs: T0 }]);
    const later = decide(opened.state, { wakes: [wake('c'), wake('q', 'pg')], repeats: [{ probe: 'fly', category: 'auth', severity: 'warning', count: 10, afterWake: 0 }] }, T0 + MIN);
    expect(later.repeats).toEqual([
      { probe: 'fly', category: 'auth', windowKey: 'a', wakes: 13, lastSeenAtMs: T0 + MIN },
      { probe: 'pg', category: 'auth', windowKey: 'p', wakes: 2, lastSeenAtMs: T0 + MIN },
    ]);
  });

  it('resetScope clears the windows in scope (and their held wakes) and lists them', () => {
    const opened = decide(initialWindowState(), { wakes: [wake('a'), wake('p', 'pg')] }, T0);
    const { state, cleared } = resetScope(opened.state, { probe: 'fly' }, T0 + MIN);
    expect(cleared.map((w) => w.windowKey)).toEqual(['a']);
    expect(Object.keys(state.windows)).toEqual(['pg:auth']);
    expect(state.flaps['fly:auth']!.lastEndedAtMs).toBe(T0 + MIN);
  });
});

describe('foldRead with health rows, min-wakes and bypass: exact', () => {
  /** Every wake and health row decided one by one (nothing folded) against the same read folded. */
  it('gives the same windows, dispatches, counts and closes as the unfolded read (800 random reads)', () => {
    let seed = 13;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    let folded = 0;
    let healthFolded = 0;
    for (let round = 0; round < 800; round++) {
      const policy: FoldPolicy = { windowSeconds: pick([0, 600]), bypassCritical: pick([false, true]), minWakes: pick([1, 1, 2, 3]) };
      const rules: WindowRules = { ...DEFAULT_WINDOW_RULES, recoveryConfirmations: pick([1, 2]), minWakes: { wakes: policy.minWakes!, withinSeconds: 300 } };
      let state = initialWindowState();
      // Some windows already open before the read.
      const before = decide(state, { wakes: ['fly', 'pg'].filter(() => random() < 0.5).map((p) => wake(`old-${p}`, p)) }, T0 - 60_000, { ...rules, minWakes: { wakes: 1, withinSeconds: 300 } }, { ...policy, windowSeconds: 600 });
      state = before.state;
      const wakes: TestWake[] = [];
      const health: HealthRun[] = [];
      const length = Math.floor(random() * 14);
      for (let i = 0; i < length; i++) {
        const roll = random();
        const probe = pick(['fly', 'pg']);
        if (roll < 0.6) wakes.push(wake(`w${i}`, probe, pick(['auth', 'dns']), pick(['critical', 'warning'] as const)));
        else if (roll < 0.85) health.push({ kind: 'result', probe, status: pick(['healthy', 'healthy', 'unhealthy'] as const), count: 1, beforeWake: wakes.length });
        else health.push(random() < 0.5 ? recovered(probe, wakes.length) : recovered(probe, wakes.length, 'auth'));
      }
      const watch = Object.values(state.windows).map((w) => w.probe);
      const fold = foldRead({ wakes, health }, policy, watch);
      const unfoldedHealth = foldRead({ wakes, health }, undefined, ['fly', 'pg']).health;
      const plain = decideBatch(state, { wakes, repeats: [], health: unfoldedHealth }, { nowMs: T0, debounce: policy, rules, tailWorkflowId: 't' });
      const viaFold = decideBatch(state, { wakes: fold.kept, repeats: fold.repeats, health: fold.health }, { nowMs: T0, debounce: policy, rules, tailWorkflowId: 't' });
      const total = (d: typeof plain.debounced) => Object.fromEntries(d.map((e) => [`${e.probe}:${e.category}`, e.wakes]).filter(([, n]) => (n as number) > 0));
      const summary = (d: typeof plain) => ({
        windows: d.state.windows,
        held: d.state.held,
        dispatches: d.dispatches,
        debounced: total(d.debounced),
        recovered: d.recovered,
        // Which windows hear of repeats, and what: the order of the signals is free.
        repeats: [...d.repeats].sort((a, b) => a.windowKey.localeCompare(b.windowKey)),
        heldCount: d.held,
      });
      expect(summary(viaFold)).toEqual(summary(plain));
      folded += wakes.length - fold.kept.length;
      healthFolded += health.length - fold.health.length;
    }
    expect(folded).toBeGreaterThan(150);
    expect(healthFolded).toBeGreaterThan(100);
  });

  it('never folds a wake across a healthy or recovered row of its probe; folds across an unhealthy one', () => {
    const policy: FoldPolicy = { windowSeconds: 600, bypassCritical: false, minWakes: 1 };
    const wakes = [wake('a'), wake('b'), wake('c'), wake('d')];
    const cut = foldRead({ wakes, health: [healthy('fly', 2)] }, policy, []);
    expect(cut.kept.map((w) => w.wakeId)).toEqual(['a', 'c']);
    expect(cut.health).toEqual([healthy('fly', 1)]);
    const notCut = foldRead({ wakes, health: [unhealthy('fly', 2)] }, policy, []);
    expect(notCut.kept.map((w) => w.wakeId)).toEqual(['a']);
    expect(foldRead({ wakes, health: [recovered('fly', 2, 'dns')] }, policy, []).kept.map((w) => w.wakeId)).toEqual(['a', 'c']);
  });

  it('returns health rows only for watched probes and probes woken earlier in the read, runs folded', () => {
    const health = [healthy('pg', 0), healthy('pg', 0), healthy('fly', 0), healthy('fly', 1), healthy('fly', 1), unhealthy('fly', 1), healthy('zz', 1)];
    const { health: runs } = foldRead({ wakes: [wake('a')], health }, undefined, ['pg']);
    expect(runs).toEqual([healthy('pg', 0, 2), healthy('fly', 1, 2), unhealthy('fly', 1)]);
  });

  it('keeps the first min-wakes wakes of a pair, folds the rest', () => {
    const wakes = [wake('a'), wake('b'), wake('c'), wake('d')];
    expect(foldRead({ wakes, health: [] }, { ...debounce, minWakes: 3 }, []).kept.map((w) => w.wakeId)).toEqual(['a', 'b', 'c']);
  });
});
