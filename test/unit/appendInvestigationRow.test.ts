import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { MockActivityEnvironment } from '@temporalio/testing';
import { AUDIT_LOG_MID_ROW, createAppendInvestigationRow, endsAtRowBoundary } from '../../src/activities/appendInvestigationRow';
import { parseAuditLine } from '../../src/domain/auditRow';
import { startedRow } from '../../src/domain/investigationRows';
import { flyWake } from '../support/fixtures';
import { tempAuditLog } from '../support/tempAuditLog';

const log = tempAuditLog('append');

const PROBE_ROW = '{"ts":"2026-11-23T10:14:58.004Z","event":"probe.result","probe":"doppler","status":"healthy","summary":"all 14 secrets readable"}';
const row = () => startedRow(flyWake(), 'probe-investigation:fly:auth:w-7f3a', Date.parse('2026-11-29T05:00:00Z'));

describe('appendInvestigationRow never appends into a probe mid-row', () => {
  it('a probe writes half a row, the append waits, the probe finishes, and both rows parse', async () => {
    writeFileSync(log.file, `${PROBE_ROW}\n`);
    const half = Math.floor(PROBE_ROW.length / 2);
    appendFileSync(log.file, PROBE_ROW.slice(0, half)); // the probe, mid-row
    let appended = false;
    const append = new MockActivityEnvironment({ attempt: 1 }).run(createAppendInvestigationRow(log.file), row()).then((result) => {
      appended = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(appended).toBe(false); // still waiting for the probe's newline
    expect(readFileSync(log.file, 'utf8').endsWith(PROBE_ROW.slice(0, half))).toBe(true);
    appendFileSync(log.file, `${PROBE_ROW.slice(half)}\n`); // the probe finishes its row
    expect(await append).toEqual({ appended: true });

    const lines = readFileSync(log.file, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(PROBE_ROW);
    expect(JSON.parse(lines[2]!)).toEqual(row());
    for (const [index, line] of lines.entries()) expect(parseAuditLine(line, index, () => 'x').kind).not.toBe('bad');
  });

  it('a row never finished within the wait: a retryable AuditLogMidRow failure, nothing written', async () => {
    writeFileSync(log.file, PROBE_ROW.slice(0, 20));
    await expect(new MockActivityEnvironment({ attempt: 1 }).run(createAppendInvestigationRow(log.file), row())).rejects.toMatchObject({
      type: AUDIT_LOG_MID_ROW,
      nonRetryable: false,
    });
    expect(readFileSync(log.file, 'utf8')).toBe(PROBE_ROW.slice(0, 20));
  }, 15_000);

  it('an empty or missing log is a row boundary', async () => {
    expect(await endsAtRowBoundary(log.file)).toBe(true);
    writeFileSync(log.file, '');
    expect(await endsAtRowBoundary(log.file)).toBe(true);
    writeFileSync(log.file, '{"a":1}');
    expect(await endsAtRowBoundary(log.file)).toBe(false);
  });
});
