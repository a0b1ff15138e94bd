import { readOutbox } from '../outbox';
import { constants as fsConstants, promises as fs } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { LogLevel, WebClient } from '@slack/web-api';
import { Connection, WorkflowNotFoundError, Client } from '@temporalio/client';
import type { Command } from 'commander';
import { ConfigError, loadConfig, type AppConfig } from '../../config/config';
import { temporal } from '@temporalio/proto';
import { DEFAULT_RETENTION_DAYS } from '../../runtime/namespace';
import { missingSearchAttributes } from '../../runtime/searchAttributes';
import { isNotFound, isPermissionProblem } from '../../runtime/temporalErrors';
import { temporalTarget } from '../../client/temporalTarget';
import { errorText, output, temporalFix } from '../context';
import { probeWakeDataConverter } from '../../codec/dataConverter';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do about a FAIL. */
  fix?: string;
}

const TIMEOUT_MS = 10_000;

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check config, Temporal, Slack, Anthropic and the audit log; one OK/FAIL line each, with the fix')
    .option('--json', 'print the checks as JSON')
    .action(async (options: { json?: boolean }) => {
      const checks = await runChecks();
      output(options.json === true, checks, () => renderChecks(checks));
      if (checks.some((check) => !check.ok)) process.exitCode = 1;
    });
}

export async function runChecks(): Promise<Check[]> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // Nothing else can be checked without a valid config.
    return [{ name: 'config', ok: false, detail: err.problems.join('; '), fix: 'correct the variables named above (see docs/configuration.md)' }];
  }
  const configCheck: Check = { name: 'config', ok: true, detail: `valid (namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue})` };
  const [temporal, slack, anthropic, auditLog] = await Promise.all([checkTemporal(config), checkSlack(config), checkAnthropic(config), checkAuditLog(config)]);
  return [configCheck, ...temporal, slack, anthropic, auditLog];
}

export function renderChecks(checks: Check[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.flatMap((check) => [
    `${check.ok ? 'OK  ' : 'FAIL'}  ${check.name.padEnd(width)}  ${check.detail}`,
    ...(check.ok || !check.fix ? [] : [`      ${' '.repeat(width)}  fix: ${check.fix}`]),
  ]);
  const failed = checks.filter((c) => !c.ok).length;
  lines.push('', failed === 0 ? 'all checks passed' : `${failed} check(s) failed`);
  return lines.join('\n');
}

async function checkTemporal(config: AppConfig): Promise<Check[]> {
  const target = temporalTarget(config);
  const { namespace } = target.config.temporal;
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...target.connectionOptions, connectTimeout: 5_000 });
  } catch (err) {
    return [{ name: 'temporal', ok: false, detail: `cannot reach ${target.address}: ${errorText(err)}`, fix: temporalFix() }];
  }
  try {
    const checks: Check[] = [{ name: 'temporal', ok: true, detail: `reachable at ${target.address}, namespace ${namespace}` }];
    checks.push(await checkSearchAttributes(connection, namespace));
    const client = new Client({ connection, namespace: namespace, dataConverter: probeWakeDataConverter(config.codecKeys) });
    checks.push(await checkTail(client, config));
    checks.push(await checkUndeliveredDms(client, config));
    return checks;
  } finally {
    await connection.close();
  }
}

async function checkSearchAttributes(connection: Connection, namespace: string): Promise<Check> {
  const name = 'search attributes';
  try {
    const missing = await missingSearchAttributes(connection, namespace);
    if (missing.length === 0) return { name, ok: true, detail: 'ProbeName, IssueCategory, ProbeSeverity, InvestigationOutcome registered' };
    return { name, ok: false, detail: `not registered as Keyword: ${missing.join(', ')}`, fix: 'npx probe-wake setup' };
  } catch (err) {
    if (isNotFound(err)) {
      return { name, ok: false, detail: `namespace ${namespace} does not exist`, fix: `npx probe-wake setup (creates it with ${DEFAULT_RETENTION_DAYS} days retention, then registers the attributes)` };
    }
    const fix = isPermissionProblem(err)
      ? 'this identity may not list search attributes: grant it operator access, or check them in the Temporal Cloud UI'
      : 'check that TEMPORAL_ADDRESS is a Temporal frontend; the server log says more';
    return { name, ok: false, detail: `cannot list them: ${errorText(err)}`, fix };
  }
}

async function checkTail(client: Client, config: AppConfig): Promise<Check> {
  const name = 'tail workflow';
  const id = config.temporal.tailWorkflowId;
  try {
    const description = await client.workflow.getHandle(id).describe();
    if (description.status.name === 'RUNNING') {
      const failing = await failingWorkflowTask(client, id, description);
      if (failing) {
        return { name, ok: false, detail: `${id} is wedged: its workflow task fails (attempt ${failing.attempt}): ${failing.failure}`, fix: failing.fix };
      }
      return { name, ok: true, detail: `${id} running on task queue ${description.taskQueue}` };
    }
    return { name, ok: false, detail: `${id} is ${description.status.name.toLowerCase()}`, fix: 'start a worker (`npm start`, or `node lib/worker.js` against a cluster); it restarts the tail' };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      return { name, ok: false, detail: `${id} not found`, fix: 'start a worker (`npm start`, or `node lib/worker.js` against a cluster); it starts the tail' };
    }
    if (isNotFound(err)) return { name, ok: false, detail: `namespace ${client.options.namespace} does not exist`, fix: 'npx probe-wake setup, then start a worker' };
    const fix = isPermissionProblem(err) ? 'this identity may not describe workflows in the namespace: check its permissions' : 'retry; the server log says more';
    return { name, ok: false, detail: `cannot describe ${id}: ${errorText(err)}`, fix };
  }
}

/**
 * A running tail whose workflow task keeps failing makes no progress, yet describes as RUNNING.
 * The pending task's attempt counts the failures; the first failure is in history (the server
 * does not record the retries), newest first, so the reverse history finds it at once.
 */
async function failingWorkflowTask(
  client: Client,
  workflowId: string,
  description: Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['describe']>>,
): Promise<{ attempt: number; failure: string; fix: string } | undefined> {
  const attempt = description.raw.pendingWorkflowTask?.attempt ?? 0;
  if (attempt < 2) return undefined;
  let failure = 'cause not in the recent history';
  try {
    const { history } = await client.workflowService.getWorkflowExecutionHistoryReverse({
      namespace: client.options.namespace,
      execution: { workflowId, runId: description.runId },
      maximumPageSize: 100,
    });
    const failed = history?.events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes;
    if (failed) {
      const cause = temporal.api.enums.v1.WorkflowTaskFailedCause[failed.cause ?? 0]?.replace('WORKFLOW_TASK_FAILED_CAUSE_', '') ?? 'UNSPECIFIED';
      failure = `${cause}: ${(failed.failure?.message ?? '').split('\n')[0]}`;
    }
  } catch (err) {
    failure = `history unreadable: ${errorText(err)}`;
  }
  const fix = /search attribute/i.test(failure)
    ? 'npx probe-wake setup (registers the missing search attributes; the task then succeeds on its next attempt)'
    : 'see the worker logs for this failure and fix its cause; the task retries by itself';
  return { attempt, failure, fix };
}

/** DMs the outbox gave up on: each is an alert the operator never saw. */
async function checkUndeliveredDms(client: Client, config: AppConfig): Promise<Check> {
  const name = 'undelivered DMs';
  try {
    const view = await readOutbox(client, config);
    const undelivered = view?.undelivered ?? [];
    if (undelivered.length === 0) return { name, ok: true, detail: `none (${view ? `${view.queued} queued` : 'outbox idle'})` };
    const reasons = [...new Set(undelivered.map((dm) => dm.reason))].join(', ');
    return { name, ok: false, detail: `${undelivered.length} DM(s) given up on (${reasons})`, fix: 'fix the Slack problem named, then run `probe-wake redeliver`' };
  } catch (err) {
    return { name, ok: false, detail: `cannot query the DM outbox: ${errorText(err)}`, fix: 'is a worker running?' };
  }
}

async function checkSlack(config: AppConfig): Promise<Check> {
  const name = 'slack';
  const { botToken, operatorUserId, apiUrl } = config.slack;
  if (!botToken) return { name, ok: false, detail: 'SLACK_BOT_TOKEN is not set: no DM will be sent', fix: 'export SLACK_BOT_TOKEN=xoxb-... (bot scopes chat:write, im:write, im:history)' };
  const slack = new WebClient(botToken, { slackApiUrl: apiUrl, retryConfig: { retries: 0 }, timeout: TIMEOUT_MS, logLevel: LogLevel.ERROR });
  let identity: string;
  try {
    const auth = await slack.auth.test();
    identity = `auth.test ok (bot ${auth.user ?? auth.user_id ?? '?'} in team ${auth.team ?? '?'})`;
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code) {
      const fix = code === 'invalid_auth' || code === 'not_authed' || code === 'token_revoked' || code === 'account_inactive'
        ? 'the token is wrong or revoked: copy the Bot User OAuth Token (xoxb-...) from your Slack app\'s OAuth & Permissions page into SLACK_BOT_TOKEN'
        : 'see https://api.slack.com/methods/auth.test for this error';
      return { name, ok: false, detail: `auth.test answered ${code}`, fix };
    }
    return { name, ok: false, detail: `auth.test failed: ${errorText(err)}`, fix: `check network access to ${apiUrl ?? 'https://slack.com/api/'} (SLACK_API_URL)` };
  }
  if (!operatorUserId) return { name, ok: false, detail: `${identity}, but SLACK_OPERATOR_USER_ID is not set`, fix: 'export SLACK_OPERATOR_USER_ID=U... (the operator\'s member ID: Slack profile → ⋮ → Copy member ID)' };
  return { name, ok: true, detail: `${identity}; DMs go to ${operatorUserId}` };
}

async function checkAnthropic(config: AppConfig): Promise<Check> {
  const name = 'anthropic';
  const { apiKey, baseUrl, model } = config.anthropic;
  if (!apiKey) return { name, ok: false, detail: 'ANTHROPIC_API_KEY is not set: every DM will be the fallback (engine_unavailable)', fix: 'export ANTHROPIC_API_KEY=sk-ant-...' };
  const client = new Anthropic({ apiKey, baseURL: baseUrl ?? null, maxRetries: 0, timeout: TIMEOUT_MS });
  try {
    // A metadata GET: proves the key and the model without spending tokens.
    const info = await client.models.retrieve(model);
    return { name, ok: true, detail: `reachable; model ${info.id} available` };
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 401 || status === 403) return { name, ok: false, detail: `the API rejected the key (HTTP ${status})`, fix: 'set ANTHROPIC_API_KEY to a valid key from console.anthropic.com' };
    if (status === 404) return { name, ok: false, detail: `model ${model} not found (HTTP 404)`, fix: 'set ANTHROPIC_MODEL to a model your key can use' };
    if (status !== undefined) return { name, ok: false, detail: `HTTP ${status} from the API`, fix: 'retry later; check status.anthropic.com' };
    return { name, ok: false, detail: `cannot reach the API: ${errorText(err)}`, fix: `check network access to ${baseUrl ?? 'https://api.anthropic.com'} (ANTHROPIC_BASE_URL)` };
  }
}

async function checkAuditLog(config: AppConfig): Promise<Check> {
  const name = 'audit log';
  const file = config.auditLogPath;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return { name, ok: false, detail: `${file} is not a regular file`, fix: 'point AUDIT_LOG_PATH at the JSONL file your probes append to' };
    await fs.access(file, fsConstants.R_OK);
    return { name, ok: true, detail: `${file} readable (${stat.size} bytes)` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { name, ok: false, detail: `${file} does not exist`, fix: `mkdir -p "$(dirname ${file})" && touch ${file}, or set AUDIT_LOG_PATH to your probes' log` };
    if (code === 'EACCES') return { name, ok: false, detail: `${file} is not readable by this user`, fix: `chmod o+r ${file}, or run the worker as a user that can read it` };
    return { name, ok: false, detail: `${file}: ${errorText(err)}`, fix: 'check AUDIT_LOG_PATH' };
  }
}
