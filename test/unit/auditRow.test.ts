import { deriveWakeId } from '../../src/activities/auditFile';
import { parseAuditLine } from '../../src/domain/auditRow';
import { fixtureLines } from '../support/fixtures';

const parse = (line: string, offset = 0) => parseAuditLine(line, offset, deriveWakeId);

describe('parseAuditLine on audit-sample.jsonl', () => {
  const lines = fixtureLines('audit-sample.jsonl');

  it('classifies every row: 3 results, 4 wakes, 1 other event', () => {
    expect(lines.map((l) => parse(l).kind)).toEqual(['result', 'result', 'result', 'wake', 'wake', 'other', 'wake', 'wake']);
  });

  it('maps a wake row to the camelCase Wake with its envelope', () => {
    const parsed = parse(lines[3]!, 517);
    expect(parsed).toEqual({
      kind: 'wake',
      wake: expect.objectContaining({
        wakeId: 'w-7f3a',
        probe: 'fly',
        category: 'auth',
        severity: 'critical',
        summary: 'Fly app(s) unreachable: HTTP 401',
        envelope: { enabled: false, fixName: 'restart_unhealthy_machine' },
        snapshot: { machines_reachable: 0, deploys_24h: 'unknown' },
        offset: 517,
      }),
    });
  });
});

describe('parseAuditLine on bad-rows.jsonl', () => {
  const lines = fixtureLines('bad-rows.jsonl');
  const expected: Array<[number, string, RegExp | null]> = [
    [1, 'not JSON', /not valid JSON/],
    [2, 'wake without issue_category', /issue_category/],
    [3, 'severity outside critical|warning|info', /severity/],
    [4, 'ts not ISO-8601', /ts.*ISO-8601/],
    [5, 'probe name with /', /probe.*A-Za-z0-9/],
    [6, 'valid wake with hostile summary', null],
    [7, 'JSON array', /not a JSON object/],
    [8, 'details is a string', /details/],
  ];

  it('has the eight documented lines', () => expect(lines).toHaveLength(8));

  it.each(expected)('line %i (%s)', (lineNo, _label, reason) => {
    const parsed = parse(lines[lineNo - 1]!, lineNo * 100);
    if (reason === null) {
      expect(parsed.kind).toBe('wake');
    } else {
      expect(parsed).toEqual({ kind: 'bad', offset: lineNo * 100, reason: expect.stringMatching(reason) });
    }
  });

  it('keeps the hostile summary verbatim in the wake (escaping happens when formatting)', () => {
    const parsed = parse(lines[5]!);
    expect(parsed.kind === 'wake' && parsed.wake.summary).toContain('<!channel>');
  });
});

describe('wake IDs', () => {
  const row = '{"ts":"2026-11-23T10:20:04.000Z","event":"probe.wake_requested","probe":"fly","issue_category":"auth","severity":"critical"}';

  it('derives a stable ID from offset and content when the row has none', () => {
    const a = parse(row, 42);
    const b = parse(row, 42);
    expect(a.kind === 'wake' && a.wake.wakeId).toMatch(/^w-42-[0-9a-f]{12}$/);
    expect(a).toEqual(b);
  });

  it('gives the same row at another offset another ID', () => {
    const a = parse(row, 42);
    const b = parse(row, 43);
    expect(a.kind === 'wake' && b.kind === 'wake' && a.wake.wakeId !== b.wake.wakeId).toBe(true);
  });

  it('rejects a wake_id that could not be part of a workflow ID', () => {
    const withSpace = row.replace('"probe":"fly"', '"wake_id":"a b","probe":"fly"');
    expect(parse(withSpace)).toMatchObject({ kind: 'bad', reason: expect.stringMatching(/wake_id/) });
  });
});

describe('other rows', () => {
  it('rejects a probe.result with an unknown status', () => {
    expect(parse('{"ts":"2026-11-23T10:14:58.004Z","event":"probe.result","probe":"doppler","status":"green"}').kind).toBe('bad');
  });

  it('rejects a row without an event', () => {
    expect(parse('{"ts":"2026-11-23T10:14:58.004Z"}')).toMatchObject({ kind: 'bad', reason: expect.stringMatching(/event/) });
  });

  it('rejects an envelope without fix_name', () => {
    const line = '{"ts":"2026-11-23T10:20:04.000Z","event":"probe.wake_requested","probe":"fly","issue_category":"auth","severity":"info","envelope":{"enabled":true}}';
    expect(parse(line)).toMatchObject({ kind: 'bad', reason: expect.stringMatching(/envelope\.fix_name/) });
  });

  it('reads a probe.recovered row, with or without a category, and rejects a bad one', () => {
    expect(parse('{"ts":"2026-11-23T10:14:58.004Z","event":"probe.recovered","probe":"fly","issue_category":"auth"}')).toEqual({
      kind: 'recovered',
      recovered: { ts: '2026-11-23T10:14:58.004Z', event: 'probe.recovered', probe: 'fly', issue_category: 'auth' },
    });
    expect(parse('{"ts":"2026-11-23T10:14:58.004Z","event":"probe.recovered","probe":"fly"}').kind).toBe('recovered');
    expect(parse('{"ts":"2026-11-23T10:14:58.004Z","event":"probe.recovered","probe":"fly:x"}').kind).toBe('bad');
  });
});
