import {
  deliveredWithoutWindow,
  diagnosed,
  openIncident,
  repeatEditDueAtMs,
  repeated,
  REPEAT_EDIT_INTERVAL_MS,
  rootEdited,
  rootPosted,
  windowClosed,
} from '../../src/domain/incident';

const OPENED = 1_000_000;
const MIN = 60_000;

describe('incident lifecycle rules', () => {
  it('opens investigating, the alert as revision 0, one wake seen', () => {
    expect(openIncident(OPENED)).toEqual({ phase: 'investigating', rootRevision: 0, repeats: { wakes: 1, lastSeenAtMs: OPENED }, shownWakes: 1 });
  });

  it('the diagnosis is revision 1, investigated or fallback', () => {
    expect(diagnosed(openIncident(OPENED), true, OPENED + 5)).toMatchObject({ phase: 'investigated', rootRevision: 1, lastRootEditAtMs: OPENED + 5 });
    expect(diagnosed(openIncident(OPENED), false, OPENED + 5)).toMatchObject({ phase: 'fallback', rootRevision: 1 });
  });

  it('a diagnosis after recovery keeps the phase recovered', () => {
    const recovered = windowClosed(openIncident(OPENED), { because: 'recovered', atMs: OPENED + MIN }, OPENED);
    expect(diagnosed(recovered, true, OPENED + 2 * MIN).phase).toBe('recovered');
  });

  describe('repeats edit the root at most once a minute', () => {
    it('owes nothing until a repeat arrives', () => {
      expect(repeatEditDueAtMs(openIncident(OPENED))).toBeUndefined();
    });

    it('a repeat before any edit is due at once; after an edit, a minute after it', () => {
      const first = repeated(openIncident(OPENED), { wakes: 2, lastSeenAtMs: OPENED + 1000 });
      expect(repeatEditDueAtMs(first)).toBe(0);
      const edited = rootEdited(first, OPENED + 2000);
      expect(edited).toMatchObject({ rootRevision: 1, shownWakes: 2 });
      expect(repeatEditDueAtMs(edited)).toBeUndefined();
      const again = repeated(edited, { wakes: 5, lastSeenAtMs: OPENED + 3000 });
      expect(repeatEditDueAtMs(again)).toBe(OPENED + 2000 + REPEAT_EDIT_INTERVAL_MS);
    });

    it('many repeats within the minute coalesce into one edit showing the newest count', () => {
      let state = rootEdited(openIncident(OPENED), OPENED);
      for (let wakes = 2; wakes <= 14; wakes += 1) state = repeated(state, { wakes, lastSeenAtMs: OPENED + wakes * 1000 });
      expect(repeatEditDueAtMs(state)).toBe(OPENED + MIN);
      state = rootEdited(state, OPENED + MIN);
      expect(state).toMatchObject({ shownWakes: 14, rootRevision: 2, repeats: { wakes: 14, lastSeenAtMs: OPENED + 14_000 } });
      expect(repeatEditDueAtMs(state)).toBeUndefined();
    });

    it('ignores a stale or repeated count', () => {
      const state = repeated(openIncident(OPENED), { wakes: 4, lastSeenAtMs: OPENED + 4000 });
      expect(repeated(state, { wakes: 3, lastSeenAtMs: OPENED + 9000 })).toBe(state);
      expect(repeated(state, { wakes: 4, lastSeenAtMs: OPENED + 9000 })).toBe(state);
    });

    it('a closed window still owes its last count, at the same pace', () => {
      const edited = rootEdited(openIncident(OPENED), OPENED + 10 * MIN - 5000);
      const closed = windowClosed(repeated(edited, { wakes: 3, lastSeenAtMs: OPENED }), { because: 'expired', atMs: OPENED + 10 * MIN }, OPENED);
      expect(repeatEditDueAtMs(closed)).toBe(OPENED + 11 * MIN - 5000);
      expect(repeatEditDueAtMs(rootEdited(closed, OPENED + 11 * MIN))).toBeUndefined();
    });
  });

  it('keeps the first root report: the message the incident edits never changes', () => {
    const posted = rootPosted(openIncident(OPENED), { channel: 'D1', ts: '1.1' });
    expect(rootPosted(posted, { channel: 'D2', ts: '2.2' }).root).toEqual({ channel: 'D1', ts: '1.1' });
  });

  it('recovery closes the window: phase recovered, how long after it opened, by what', () => {
    const state = windowClosed(openIncident(OPENED), { because: 'recovered', atMs: OPENED + 26 * MIN, by: 'results' }, OPENED);
    expect(state).toMatchObject({ phase: 'recovered', recovered: { atMs: OPENED + 26 * MIN, afterMs: 26 * MIN, by: 'results' }, closed: { because: 'recovered' } });
  });

  it('only the first close counts; expiry and reset do not mark recovered', () => {
    const expired = windowClosed(diagnosed(openIncident(OPENED), true, OPENED), { because: 'expired', atMs: OPENED + 10 * MIN }, OPENED);
    expect(expired).toMatchObject({ phase: 'investigated', closed: { because: 'expired' } });
    expect(expired.recovered).toBeUndefined();
    expect(windowClosed(expired, { because: 'recovered', atMs: OPENED + 11 * MIN }, OPENED)).toBe(expired);
    expect(windowClosed(openIncident(OPENED), { because: 'reset', atMs: OPENED + 1 }, OPENED).phase).toBe('investigating');
  });

  it('without a window it closes once delivered', () => {
    expect(deliveredWithoutWindow(openIncident(OPENED), OPENED + 9).closed).toEqual({ because: 'delivered', atMs: OPENED + 9 });
  });
});
