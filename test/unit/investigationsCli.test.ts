import { TypedSearchAttributes } from '@temporalio/common';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { InvestigationOutcomeKey, ProbeNameKey } from '../../src/api';
import { renderRows, toRow, visibilityQuery } from '../../src/cli/commands/investigations';

/** `probe-wake investigations`: the incident's lifecycle (phase, repeats, recovered-after), running ones too. */
const info = (outcome: string, memo: Record<string, unknown>, status = 'RUNNING') =>
  ({
    workflowId: 'probe-investigation:fly:auth:w1',
    startTime: new Date('2026-11-23T10:15:02.113Z'),
    status: { name: status },
    typedSearchAttributes: new TypedSearchAttributes([
      { key: ProbeNameKey, value: 'fly' },
      { key: InvestigationOutcomeKey, value: outcome },
    ]),
    memo,
  }) as unknown as Pick<WorkflowExecutionInfo, 'workflowId' | 'startTime' | 'status' | 'typedSearchAttributes' | 'memo'>;

describe('probe-wake investigations rows', () => {
  it('shows a running incident with its phase and repeats', () => {
    const row = toRow(info('investigated', { incident: { phase: 'investigated', wakes: 14 }, outcome: { investigated: true, dmSent: true } }));
    expect(row).toMatchObject({ status: 'RUNNING', outcome: 'investigated', wakes: 14, dmSent: true });
    const table = renderRows([row], 'q').split('\n');
    expect(table[0]).toMatch(/^started\s+status\s+probe\s+category\s+severity\s+outcome\s+dm\s+repeats\s+recovered after\s+workflow id$/);
    expect(table[1]).toMatch(/running\s+fly\s+-\s+-\s+investigated\s+sent\s+14×\s+-\s+probe-investigation/);
  });

  it('shows recovered-after once recovered', () => {
    const row = toRow(info('recovered', { incident: { phase: 'recovered', wakes: 3, recoveredAfterMs: 26 * 60_000, closedBecause: 'recovered' } }, 'COMPLETED'));
    expect(row).toMatchObject({ outcome: 'recovered', recoveredAfterMs: 26 * 60_000, closedBecause: 'recovered' });
    expect(renderRows([row], 'q').split('\n')[1]).toMatch(/completed\s+fly\s+-\s+-\s+recovered\s+-\s+3×\s+26 min\s+probe-investigation/);
  });

  it('filters on every lifecycle phase', () => {
    for (const outcome of ['investigating', 'investigated', 'fallback', 'recovered']) {
      expect(visibilityQuery({ outcome }, new Date())).toContain(`InvestigationOutcome = "${outcome}"`);
    }
  });
});
