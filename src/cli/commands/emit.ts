import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parseAuditLine, SEVERITIES, type ParsedLine } from '../../domain/auditRow';
import { CliError, cliConfig, output } from '../context';

/** Flags every emit command shares: when, where, and how the appended row is printed. */
interface AppendOptions {
  ts?: string;
  file?: string;
  json?: boolean;
}

interface EmitOptions extends AppendOptions {
  probe: string;
  category: string;
  severity: string;
  summary?: string;
  details?: string;
  impact?: string;
  snapshot?: string;
  fixName?: string;
  fixEnabled?: boolean;
  wakeId?: string;
}

export function registerEmit(program: Command): void {
  const emitWake = program
    .command('emit')
    .description('append a probe.wake_requested row to the audit log (validated like the tail validates it)')
    .requiredOption('--probe <name>', 'probe name, 1-64 chars of [A-Za-z0-9_.-]')
    .requiredOption('--category <name>', 'issue category, same rule as --probe')
    .requiredOption('--severity <level>', `one of ${SEVERITIES.join(', ')}`)
    .option('--summary <text>', 'one-line summary shown in the DM and the Web UI')
    .option('--details <json>', 'JSON object, e.g. \'{"status":"unhealthy","error":"HTTP 401"}\'')
    .option('--impact <text>', 'what the failure means for operators')
    .option('--snapshot <json>', 'JSON object with the probe\'s raw readings')
    .option('--fix-name <name>', 'auto-fix envelope: the fix this probe could apply')
    .option('--fix-enabled', 'auto-fix envelope: the fix is enabled (default: disabled)')
    .option('--wake-id <id>', 'wake ID (default: a random w-xxxxxxxxxxxx)')
    .addHelpText(
      'after',
      '\nExample:\n  npx probe-wake emit --probe fly --category auth --severity critical \\\n' +
        '    --summary "Fly app(s) unreachable: HTTP 401" --details \'{"status":"unhealthy","error":"HTTP 401"}\'',
    )
    .action((options: EmitOptions) => emit(options));

  const emitResultCommand = program
    .command('emit-result')
    .description('append a probe.result row (healthy results close the probe\'s windows after PROBE_RECOVERY_CONFIRMATIONS in a row)')
    .requiredOption('--probe <name>', 'probe name, 1-64 chars of [A-Za-z0-9_.-]')
    .requiredOption('--status <status>', `one of ${RESULT_STATUSES.join(', ')}`)
    .option('--summary <text>', 'one-line summary, context for investigations')
    .option('--details <json>', 'JSON object with the probe\'s readings')
    .addHelpText('after', '\nExample (twice: two healthy results in a row recover the fly incident):\n  npx probe-wake emit-result --probe fly --status healthy --summary "Fly apps reachable"')
    .action((options: ResultOptions) => emitResult(options));

  const emitRecoveredCommand = program
    .command('emit-recovered')
    .description('append a probe.recovered row: closes the pair\'s open window at once (every window of the probe without --category)')
    .requiredOption('--probe <name>', 'probe name, 1-64 chars of [A-Za-z0-9_.-]')
    .option('--category <name>', 'issue category, same rule as --probe (default: every category of the probe)')
    .option('--summary <text>', 'what recovered it, shown in the recovery reply')
    .action((options: RecoveredOptions) => emitRecovered(options));

  for (const command of [emitWake, emitResultCommand, emitRecoveredCommand]) appendFlags(command);
}

const RESULT_STATUSES = ['healthy', 'degraded', 'unhealthy'] as const;

function appendFlags(command: Command): Command {
  return command
    .option('--ts <iso>', 'timestamp (default: now)')
    .option('--file <path>', 'audit log to append to (default: AUDIT_LOG_PATH or ./var/audit.jsonl)')
    .option('--json', 'print the appended row as JSON');
}

interface ResultOptions extends AppendOptions {
  probe: string;
  status: string;
  summary?: string;
  details?: string;
}

interface RecoveredOptions extends AppendOptions {
  probe: string;
  category?: string;
  summary?: string;
}

function emitResult(options: ResultOptions): void {
  appendRow(options, 'result', {
    event: 'probe.result',
    probe: options.probe,
    status: options.status,
    summary: options.summary,
    details: options.details === undefined ? undefined : jsonFlag('--details', options.details),
  }, (row, file) => `appended result ${row.status} of ${row.probe} to ${file}`);
}

function emitRecovered(options: RecoveredOptions): void {
  appendRow(options, 'recovered', { event: 'probe.recovered', probe: options.probe, issue_category: options.category, summary: options.summary }, (row, file) =>
    `appended recovered ${row.probe}${row.issue_category ? `/${row.issue_category}` : ' (every category)'} to ${file}`,
  );
}

function emit(options: EmitOptions): void {
  if (options.fixEnabled && options.fixName === undefined) throw new CliError('--fix-enabled needs --fix-name', 2);
  appendRow(options, 'wake', {
    event: 'probe.wake_requested',
    wake_id: options.wakeId ?? `w-${randomBytes(6).toString('hex')}`,
    probe: options.probe,
    issue_category: options.category,
    severity: options.severity,
    summary: options.summary,
    details: options.details === undefined ? undefined : jsonFlag('--details', options.details),
    impact: options.impact,
    snapshot: options.snapshot === undefined ? undefined : jsonFlag('--snapshot', options.snapshot),
    envelope: options.fixName === undefined ? undefined : { enabled: options.fixEnabled === true, fix_name: options.fixName },
  }, (row, file) => `appended wake ${row.wake_id} (${row.probe}/${row.issue_category}, ${row.severity}) to ${file}`);
}

/**
 * The row (`ts` now unless --ts), validated by the tail's own parser (a row emit accepts is a row the
 * tail accepts), appended to the audit log, and printed: as JSON with --json, else `describe`.
 */
function appendRow<F extends Record<string, unknown>>(
  options: AppendOptions,
  kind: Exclude<ParsedLine['kind'], 'bad' | 'other'>,
  fields: F,
  describe: (row: F, file: string) => string,
): void {
  const row = stripUndefined({ ts: options.ts ?? new Date().toISOString(), ...fields });
  const line = JSON.stringify(row);
  const parsed = parseAuditLine(line, 0, () => 'unused');
  if (parsed.kind !== kind) {
    const reason = parsed.kind === 'bad' ? parsed.reason : parsed.kind;
    throw new CliError(`not a valid ${kind} row: ${asFlags(reason)}`, 2);
  }
  const file = options.file ? path.resolve(options.file) : cliConfig().auditLogPath;
  mkdirSync(path.dirname(file), { recursive: true });
  // One write of one line in append mode: concurrent writers' lines never interleave for rows this small.
  appendFileSync(file, `${line}\n`);
  output(options.json === true, row, () => describe(row, file));
}

const FLAG_OF_FIELD: Record<string, string> = { issue_category: '--category', wake_id: '--wake-id', envelope: '--fix-name' };

/** The parser names row fields; the user typed flags. */
function asFlags(reason: string): string {
  return reason.replace(/field "([a-z_]+)[^"]*"/g, (_all, field: string) => FLAG_OF_FIELD[field] ?? `--${field}`);
}

function jsonFlag(flag: string, value: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new CliError(`${flag} must be a JSON object: ${(err as Error).message}`, 2);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CliError(`${flag} must be a JSON object, e.g. '{"status":"unhealthy"}'`, 2);
  return parsed;
}

function stripUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
