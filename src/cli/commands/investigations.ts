import type { WorkflowExecutionInfo } from '@temporalio/client';
import type { Command } from 'commander';
import { INVESTIGATION_OUTCOMES, InvestigationOutcomeKey, IssueCategoryKey, ProbeNameKey, ProbeSeverityKey, WORKFLOW_TYPES, type IncidentMemo, type OutcomeMemo } from '../../api';
import { CliError, cliConfig, output, withTemporal } from '../context';
import { parseSince } from '../since';
import { formatTable } from '../table';
import { formatDuration } from '../../domain/durations';

const OUTCOMES: readonly string[] = INVESTIGATION_OUTCOMES;
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

interface ListOptions {
  probe?: string;
  category?: string;
  outcome?: string;
  since?: string;
  limit: string;
  json?: boolean;
}

export interface InvestigationRow {
  workflowId: string;
  startedAt: string;
  status: string;
  probe?: string;
  category?: string;
  severity?: string;
  outcome?: string;
  dmSent?: boolean;
  dmReason?: string;
  reason?: string;
  /** Wakes of the window seen so far (the opening one included). */
  wakes?: number;
  recoveredAfterMs?: number;
  closedBecause?: string;
}

export function registerInvestigations(program: Command): void {
  program
    .command('investigations')
    .description('list investigations, newest first (a visibility query on the search attributes)')
    .option('--probe <name>', 'only this probe (ProbeName)')
    .option('--category <name>', 'only this issue category (IssueCategory)')
    .option('--outcome <outcome>', `only one lifecycle phase: ${OUTCOMES.join(', ')} (InvestigationOutcome)`)
    .option('--since <when>', 'started after: a duration back from now (30m, 6h, 7d) or an ISO-8601 time')
    .option('--limit <n>', 'at most this many rows', '20')
    .option('--json', 'print the rows as JSON')
    .addHelpText('after', '\nExamples:\n  npx probe-wake investigations --probe fly --since 24h\n  npx probe-wake investigations --outcome fallback --json')
    .action(async (options: ListOptions) => {
      const config = cliConfig();
      const query = visibilityQuery(options, new Date());
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliError(`--limit ${JSON.stringify(options.limit)}: must be an integer from 1 to 1000`, 2);
      await withTemporal(config, async ({ client }) => {
        const rows: InvestigationRow[] = [];
        for await (const info of client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
          rows.push(toRow(info));
          if (rows.length >= limit) break;
        }
        output(options.json === true, rows, () => renderRows(rows, query));
      });
    });
}

/** The list filter in Temporal's visibility syntax; every value is checked before it is quoted in. */
export function visibilityQuery(options: Pick<ListOptions, 'probe' | 'category' | 'outcome' | 'since'>, now: Date): string {
  const clauses = [`WorkflowType = "${WORKFLOW_TYPES.investigation}"`];
  if (options.probe !== undefined) clauses.push(`${ProbeNameKey.name} = "${checkedName('--probe', options.probe)}"`);
  if (options.category !== undefined) clauses.push(`${IssueCategoryKey.name} = "${checkedName('--category', options.category)}"`);
  if (options.outcome !== undefined) {
    if (!OUTCOMES.includes(options.outcome)) throw new CliError(`--outcome ${JSON.stringify(options.outcome)}: must be one of ${OUTCOMES.join(', ')}`, 2);
    clauses.push(`${InvestigationOutcomeKey.name} = "${options.outcome}"`);
  }
  if (options.since !== undefined) {
    const since = parseSince(options.since, now);
    if ('error' in since) throw new CliError(since.error, 2);
    clauses.push(`StartTime > "${since.at.toISOString()}"`);
  }
  return clauses.join(' AND ');
}

function checkedName(flag: string, value: string): string {
  if (!NAME.test(value)) throw new CliError(`${flag} ${JSON.stringify(value)}: must be 1-64 characters of [A-Za-z0-9_.-]`, 2);
  return value;
}

export function toRow(info: Pick<WorkflowExecutionInfo, 'workflowId' | 'startTime' | 'status' | 'typedSearchAttributes' | 'memo'>): InvestigationRow {
  const attrs = info.typedSearchAttributes;
  // Written by the investigation when it finishes; absent while it runs.
  const outcome = (info.memo?.outcome ?? undefined) as OutcomeMemo | undefined;
  // Rewritten as the incident goes (phase changes, root edits, the close): running ones show it too.
  const incident = (info.memo?.incident ?? undefined) as IncidentMemo | undefined;
  return {
    workflowId: info.workflowId,
    startedAt: info.startTime.toISOString(),
    status: info.status.name,
    probe: attrs.get(ProbeNameKey),
    category: attrs.get(IssueCategoryKey),
    severity: attrs.get(ProbeSeverityKey),
    outcome: attrs.get(InvestigationOutcomeKey),
    dmSent: outcome?.dmSent,
    dmReason: outcome?.dmReason,
    reason: outcome?.reason,
    wakes: incident?.wakes,
    recoveredAfterMs: incident?.recoveredAfterMs,
    closedBecause: incident?.closedBecause,
  };
}

export function renderRows(rows: InvestigationRow[], query: string): string {
  if (rows.length === 0) return `no investigations match ${query}`;
  return formatTable(
    ['started', 'status', 'probe', 'category', 'severity', 'outcome', 'dm', 'repeats', 'recovered after', 'workflow id'],
    rows.map((r) => [
      r.startedAt.replace(/\.\d+Z$/, 'Z'),
      r.status.toLowerCase(),
      r.probe ?? '-',
      r.category ?? '-',
      r.severity ?? '-',
      r.outcome === 'fallback' && r.reason ? `fallback (${r.reason})` : r.outcome ?? '-',
      r.dmSent === undefined ? '-' : r.dmSent ? 'sent' : `not sent (${r.dmReason ?? 'unknown'})`,
      r.wakes === undefined ? '-' : `${r.wakes}×`,
      r.recoveredAfterMs === undefined ? '-' : formatDuration(r.recoveredAfterMs),
      r.workflowId,
    ]),
  );
}
