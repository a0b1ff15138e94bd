import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { recentRows, scanBackwards } from '../../src/activities/auditBackwards';
import { createAppendInvestigationRow } from '../../src/activities/appendInvestigationRow';
import { parseAuditLine } from '../../src/domain/auditRow';
import { startedRow } from '../../src/domain/investigationRows';
import { flyWake } from '../support/fixtures';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'probe-wake-back-'));
  file = path.join(dir, 'audit.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function linesBackwards(options: { chunkBytes?: number; maxBytes?: number } = {}): Promise<string[]> {
  const seen: string[] = [];
  await scanBackwards(file, (line) => (seen.push(line), true), options);
  return seen;
}

describe('scanBackwards', () => {
  const lines = Array.from({ length: 50 }, (_v, i) => `{"n":${i},"pad":"${'x'.repeat(i % 7)}"}`);

  it.each([1, 3, 7, 64, 1 << 16])('yields every complete line newest first with %i-byte chunks', async (chunkBytes) => {
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect(await linesBackwards({ chunkBytes })).toEqual([...lines].reverse());
  });

  it.each([1, 2, 4, 1 << 16])('terminates when a chunk starts at a newline (file opens with blank lines), %i-byte chunks', async (chunkBytes) => {
    writeFileSync(file, '\n\na\n\nbb\n');
    expect(await linesBackwards({ chunkBytes })).toEqual(['bb', 'a']);
  });

  it('leaves out a partial last line and blank lines', async () => {
    writeFileSync(file, `a\n\nb\n{"half":`);
    expect(await linesBackwards({ chunkBytes: 2 })).toEqual(['b', 'a']);
  });

  it('stops scanning at maxBytes (cost bounded by the answer, not the file)', async () => {
    writeFileSync(file, `${lines.join('\n')}\n`);
    const tail = lines.slice(-3).join('\n').length + 1;
    // The scanned range starts mid-line: that cut line is not reported.
    expect(await linesBackwards({ maxBytes: tail + 2 })).toEqual(lines.slice(-3).reverse());
  });

  it('stops when the visitor has enough', async () => {
    writeFileSync(file, `${lines.join('\n')}\n`);
    const rows = await recentRows(file, 2, (row) => row.n as number);
    expect(rows).toEqual([49, 48]);
  });

  it('treats a missing file as empty', async () => {
    expect(await linesBackwards()).toEqual([]);
  });
});

describe('appendInvestigationRow', () => {
  const attempt = (n: number) => new MockActivityEnvironment({ attempt: n });

  it('appends once per event and workflow ID however often it is retried, and the tail sees no wake in it', async () => {
    writeFileSync(file, '{"ts":"2026-11-23T10:14:58.004Z","event":"probe.result","probe":"doppler","status":"healthy"}\n');
    const append = createAppendInvestigationRow(file);
    const row = startedRow(flyWake(), 'probe-investigation:fly:auth:w-7f3a', Date.parse('2026-11-29T05:00:00Z'));
    expect(await attempt(1).run(append, row)).toEqual({ appended: true });
    appendFileSync(file, '{"ts":"2026-11-23T10:15:00.000Z","event":"other.event"}\n');
    // A retry (the first attempt died after writing) finds its row.
    expect(await attempt(2).run(append, row)).toEqual({ appended: false });
    expect(await attempt(3).run(append, row)).toEqual({ appended: false });
    // Another investigation's row, or this one's other event, is not mistaken for it.
    expect(await attempt(2).run(append, { ...row, workflow_id: 'probe-investigation:fly:auth:w-other' })).toEqual({ appended: true });
    expect(await attempt(2).run(append, { ...row, event: 'probe.investigation_completed' as const })).toEqual({ appended: true });

    const written = readFileSync(file, 'utf8').trim().split('\n');
    expect(written).toHaveLength(5);
    expect(JSON.parse(written[1]!)).toEqual(row);
    for (const [index, line] of written.entries()) expect(parseAuditLine(line, index, () => 'x').kind).not.toMatch(/wake|bad/);
  });

  it('a first attempt does not scan the log: it cannot have written before', async () => {
    const append = createAppendInvestigationRow(file);
    const row = startedRow(flyWake(), 'probe-investigation:fly:auth:w-7f3a', 0);
    await attempt(1).run(append, row);
    await attempt(1).run(append, row);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('a local activity looks even on attempt 1: one lost with its worker before its result was recorded runs again from 1', async () => {
    const append = createAppendInvestigationRow(file);
    const row = startedRow(flyWake(), 'probe-investigation:fly:auth:w-7f3a', 0);
    const local = new MockActivityEnvironment({ attempt: 1, isLocal: true });
    expect(await local.run(append, row)).toEqual({ appended: true });
    expect(await local.run(append, row)).toEqual({ appended: false });
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
