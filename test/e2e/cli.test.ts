/**
 * The project CLI as a user runs it: the built lib/cli/index.js as a child
 * process, against a real dev server, the real worker and tail, and the fake
 * Slack / Anthropic servers.
 */
import { msToTs } from '@temporalio/common/lib/time';
import { FakeSlack } from '../support/fakeSlack';
import { runCli, runCommand, startPipeline, type Pipeline } from '../support/pipeline';
import { freePort } from '../support/ports';
import { eventually } from '../support/poll';
import type { Check } from '../../src/cli/commands/doctor';
import type { InvestigationRow } from '../../src/cli/commands/investigations';
import type { TailStateView } from '../../src/api';

const json = <T>(text: string): T => JSON.parse(text) as T;

describe('probe-wake CLI without a server', () => {
  const env = { ...process.env, TEMPORAL_ADDRESS: undefined };

  test('--help exits 0 and lists every command; each command has its own --help', async () => {
    const top = await runCli(['--help'], env);
    expect(top.code).toBe(0);
    for (const command of ['emit', 'emit-result', 'emit-recovered', 'status', 'reset-debounce', 'investigations', 'redeliver', 'doctor', 'setup']) expect(top.stdout).toContain(command);
    for (const [command, flag] of [['emit', '--details <json>'], ['emit-result', '--status <status>'], ['emit-recovered', '--category <name>'], ['status', '--json'], ['reset-debounce', '--category <name>'], ['investigations', '--since <when>'], ['doctor', '--json'], ['setup', '--json']]) {
      const help = await runCli([command!, '--help'], env);
      expect({ command, code: help.code }).toEqual({ command, code: 0 });
      expect(help.stdout).toContain(flag);
    }
  });

  test('`npx probe-wake`, as the README runs it, starts the built CLI (its bin is executable)', async () => {
    const run = await runCommand('npx', ['--no-install', 'probe-wake', '--version'], env);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test.each([
    [['status', '--bogus'], "unknown option '--bogus'"],
    [['statsu'], "unknown command 'statsu'"],
    [['emit', '--probe', 'fly'], "required option '--category <name>' not specified"],
    [['emit', '--probe', 'fly', '--category', 'auth', '--severity', 'urgent'], '--severity'],
    [['emit', '--probe', 'fly', '--category', 'bad cat', '--severity', 'info'], '--category must be 1-64 characters of [A-Za-z0-9_.-]'],
    [['emit', '--probe', 'fly', '--category', 'auth', '--severity', 'info', '--details', '[1]'], '--details must be a JSON object'],
    [['emit-result', '--probe', 'fly'], "required option '--status <status>' not specified"],
    [['emit-result', '--probe', 'fly', '--status', 'fine'], 'not a valid result row: --status'],
    [['emit-result', '--probe', 'fly', '--status', 'healthy', '--ts', 'yesterday'], 'not a valid result row: --ts must be an ISO-8601 timestamp'],
    [['emit-recovered', '--probe', 'fly', '--category', 'bad cat'], 'not a valid recovered row: --category must be 1-64 characters of [A-Za-z0-9_.-]'],
    [['investigations', '--outcome', 'maybe'], '--outcome "maybe": must be one of investigating, investigated, fallback, recovered'],
    [['investigations', '--since', 'yesterday'], 'give a duration such as 30m'],
    [['reset-debounce', '--probe'], "option '--probe <name>' argument missing"],
  ])('bad input %j exits 2 with a clear message', async (args, message) => {
    const run = await runCli(args, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  test('a config error prints the ConfigError lines and exits 2', async () => {
    const run = await runCli(['status'], { ...env, PROBE_WAKE_POLL_SEC: 'abc', SLACK_OPERATOR_USER_ID: 'joshua' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('probe-wake: invalid configuration:');
    expect(run.stderr).toContain('PROBE_WAKE_POLL_SEC="abc": must be a number from 0.1 to 86400');
    expect(run.stderr).toContain('SLACK_OPERATOR_USER_ID: must be a Slack user ID');
  });

  test('an unreachable Temporal is an error with the fix, exit 1', async () => {
    const run = await runCli(['status'], { ...env, TEMPORAL_DEV_PORT: String(await freePort()) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot reach Temporal at 127\.0\.0\.1:\d+/);
    expect(run.stderr).toContain('fix: start probe-wake with `npm start`');
  });
});

describe('probe-wake CLI against a running probe-wake', () => {
  let p: Pipeline;

  beforeAll(async () => {
    p = await startPipeline();
  });

  afterAll(async () => {
    await p?.stop();
  });

  const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => runCli(args, { ...p.childEnv, ...extraEnv });
  const cliState = async () => json<TailStateView>((await cli(['status', '--json'])).stdout);

  test('emit appends a wake the tail counts; status shows it; a second one is debounced; reset-debounce reopens the window', async () => {
    const emitted = await cli(['emit', '--probe', 'fly', '--category', 'auth', '--severity', 'critical', '--summary', 'Fly app(s) unreachable: HTTP 401', '--details', '{"status":"unhealthy","error":"HTTP 401"}', '--fix-name', 'restart_unhealthy_machine', '--json']);
    expect(emitted.code).toBe(0);
    const row = json<{ wake_id: string; envelope: unknown }>(emitted.stdout);
    expect(row.envelope).toEqual({ enabled: false, fix_name: 'restart_unhealthy_machine' });

    const first = await eventually(async () => {
      const state = await cliState();
      return state.counters.investigationsStarted === 1 ? state : undefined;
    }, 30_000, 'status to count the emitted wake');
    expect(first.counters).toMatchObject({ wakes: 1, investigationsStarted: 1, debounced: 0, badRows: 0 });
    expect(first.windows).toEqual([expect.objectContaining({ probe: 'fly', category: 'auth', windowKey: row.wake_id, debounced: 0 })]);

    const table = await cli(['status']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('Open debounce windows (1)');
    // probe, category, opened, expires, wakes (1), last seen, healthy results (0), flapping, buffered, investigation.
    expect(table.stdout).toMatch(new RegExp(`fly\\s+auth\\s+\\S+\\s+\\S+\\s+1\\s+\\S+\\s+0\\s+-\\s+-\\s+probe-investigation:fly:auth:${row.wake_id}`));

    expect((await cli(['emit', '--probe', 'fly', '--category', 'auth', '--severity', 'critical'])).code).toBe(0);
    await eventually(async () => ((await cliState()).counters.debounced === 1 ? true : undefined), 30_000, 'the second wake to be debounced');

    const reset = await cli(['reset-debounce', '--probe', 'fly', '--category', 'auth']);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain('resetDebounce sent to probe-tail: fly/auth');
    await eventually(async () => ((await cliState()).windows.length === 0 ? true : undefined), 30_000, 'the window to be cleared');

    expect((await cli(['emit', '--probe', 'fly', '--category', 'auth', '--severity', 'critical'])).code).toBe(0);
    const reopened = await eventually(async () => {
      const state = await cliState();
      return state.counters.investigationsStarted === 2 ? state : undefined;
    }, 30_000, 'a new investigation after the reset');
    expect(reopened.counters.debounced).toBe(1);
    expect(reopened.windows).toHaveLength(1);
  });

  test('emit-result twice (healthy) recovers the pair\'s window; emit-recovered closes one at once', async () => {
    const wake = json<{ wake_id: string }>((await cli(['emit', '--probe', 'pg', '--category', 'conn', '--severity', 'warning', '--json'])).stdout);
    const openWindow = (state: TailStateView) => state.windows.find((w) => w.probe === 'pg' && w.category === 'conn');
    await eventually(async () => (openWindow(await cliState())?.windowKey === wake.wake_id ? true : undefined), 30_000, 'the pg window to open');
    const first = await cli(['emit-result', '--probe', 'pg', '--status', 'healthy', '--summary', 'pg answers', '--json']);
    expect(first.code).toBe(0);
    expect(json(first.stdout)).toMatchObject({ event: 'probe.result', probe: 'pg', status: 'healthy', summary: 'pg answers' });
    // One healthy result is not enough (PROBE_RECOVERY_CONFIRMATIONS defaults to 2): the streak counts it, the window stays.
    await eventually(async () => (openWindow(await cliState())?.healthyStreak === 1 ? true : undefined), 30_000, 'a healthy streak of 1');
    expect((await cli(['emit-result', '--probe', 'pg', '--status', 'healthy'])).code).toBe(0);
    await eventually(async () => (openWindow(await cliState()) === undefined ? true : undefined), 30_000, 'the pg window to recover');

    expect((await cli(['emit', '--probe', 'pg', '--category', 'conn', '--severity', 'warning'])).code).toBe(0);
    await eventually(async () => (openWindow(await cliState()) ? true : undefined), 30_000, 'a new pg window');
    const recovered = await cli(['emit-recovered', '--probe', 'pg', '--category', 'conn', '--summary', 'failover done']);
    expect(recovered.code).toBe(0);
    expect(recovered.stdout).toContain('appended recovered pg/conn');
    await eventually(async () => (openWindow(await cliState()) === undefined ? true : undefined), 30_000, 'the pg window to close on probe.recovered');
  });

  test('investigations lists the fly investigations with outcome and DM delivery; filters narrow it', async () => {
    // The first window was reset above (its incident ended); resetting the second ends that one too, so both are COMPLETED.
    expect((await cli(['reset-debounce', '--probe', 'fly', '--category', 'auth'])).code).toBe(0);
    const rows = await eventually(async () => {
      const run = await cli(['investigations', '--probe', 'fly', '--since', '1h', '--json']);
      expect(run.code).toBe(0);
      const listed = json<InvestigationRow[]>(run.stdout);
      return listed.length === 2 && listed.every((r) => r.dmSent !== undefined && r.status === 'COMPLETED') ? listed : undefined;
    }, 30_000, 'two finished fly investigations in visibility');
    for (const row of rows) {
      expect(row).toMatchObject({ probe: 'fly', category: 'auth', severity: 'critical', outcome: 'investigated', dmSent: true, status: 'COMPLETED' });
      expect(row.workflowId).toMatch(/^probe-investigation:fly:auth:/);
    }

    const table = await cli(['investigations', '--probe', 'fly']);
    expect(table.stdout.split('\n')[0]).toMatch(/^started\s+status\s+probe\s+category\s+severity\s+outcome\s+dm\s+repeats\s+recovered after\s+workflow id$/);
    // dm, then repeats (the window's wakes) and recovered after (none: both were reset), then the workflow ID.
    expect(table.stdout).toMatch(/completed\s+fly\s+auth\s+critical\s+investigated\s+sent\s+\d+×\s+-\s+probe-investigation:fly:auth:/);

    const none = await cli(['investigations', '--probe', 'fly', '--outcome', 'fallback']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('no investigations match');
    expect(json<unknown[]>((await cli(['investigations', '--probe', 'doppler', '--json'])).stdout)).toEqual([]);
  });

  test('doctor: every line OK against the fakes, exit 0; --json parses', async () => {
    const run = await cli(['doctor']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const name of ['config', 'temporal', 'search attributes', 'tail workflow', 'undelivered DMs', 'slack', 'anthropic', 'audit log']) {
      expect(run.stdout).toMatch(new RegExp(`^OK\\s+${name}\\s`, 'm'));
    }
    expect(run.stdout).toContain('all checks passed');

    const checks = json<Check[]>((await cli(['doctor', '--json'])).stdout);
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['config', true], ['temporal', true], ['search attributes', true], ['tail workflow', true], ['undelivered DMs', true], ['slack', true], ['anthropic', true], ['audit log', true],
    ]);
  });

  test('doctor: a token Slack refuses is a FAIL line with the fix, exit 1', async () => {
    p.slack.script('auth.test', FakeSlack.platformError('invalid_auth'));
    const run = await cli(['doctor']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL\s+slack\s+auth\.test answered invalid_auth$/m);
    expect(run.stdout).toMatch(/^\s+fix: the token is wrong or revoked: .*SLACK_BOT_TOKEN/m);
    expect(run.stdout).toMatch(/^OK\s+anthropic/m);
    expect(run.stdout).toContain('1 check(s) failed');
  });

  test('doctor: unreachable Temporal, missing key and missing audit log are FAIL lines with their fixes', async () => {
    const run = await cli(['doctor'], { TEMPORAL_DEV_PORT: String(await freePort()), ANTHROPIC_API_KEY: '', AUDIT_LOG_PATH: `${p.auditLog}.missing` });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL\s+temporal\s+cannot reach 127\.0\.0\.1:\d+/m);
    expect(run.stdout).toMatch(/^FAIL\s+anthropic\s+ANTHROPIC_API_KEY is not set/m);
    expect(run.stdout).toMatch(/^FAIL\s+audit log\s+.*\.missing does not exist/m);
    expect(run.stdout).toMatch(/^OK\s+slack/m);
    expect(run.stdout.match(/^\s+fix: /gm)).toHaveLength(3);
  });

  test('doctor: a bad config is one FAIL line naming the variable', async () => {
    const run = await cli(['doctor', '--json'], { PROBE_DEBOUNCE_SECONDS: '-5' });
    expect(run.code).toBe(1);
    expect(json<Check[]>(run.stdout)).toEqual([expect.objectContaining({ name: 'config', ok: false, detail: expect.stringContaining('PROBE_DEBOUNCE_SECONDS="-5"') })]);
  });

  test('setup registers the search attributes on a namespace that lacks them, and is idempotent', async () => {
    await p.env.connection.workflowService.registerNamespace({ namespace: 'setup-test', workflowExecutionRetentionPeriod: msToTs('1 day') });
    const fresh = { TEMPORAL_NAMESPACE: 'setup-test' };
    const first = await eventually(async () => {
      // A new namespace takes a moment to be known to every server component.
      const run = await cli(['setup', '--json'], fresh);
      return run.code === 0 ? run : undefined;
    }, 30_000, 'setup on the new namespace');
    expect(json(first.stdout)).toEqual({ namespace: 'setup-test', namespaceCreated: false, added: ['ProbeName', 'IssueCategory', 'ProbeSeverity', 'InvestigationOutcome'], alreadyRegistered: [] });

    const again = await cli(['setup'], fresh);
    expect(again.code).toBe(0);
    expect(again.stdout.match(/already registered\s+\w+ \(Keyword\)/g)).toHaveLength(4);
    const doctor = json<Check[]>((await cli(['doctor', '--json'], fresh)).stdout);
    expect(doctor.find((c) => c.name === 'search attributes')).toMatchObject({ ok: true });
  });

  test('setup creates a missing namespace with --retention, and rejects a bad one', async () => {
    const created = await cli(['setup', '--retention', '3d'], { TEMPORAL_NAMESPACE: 'setup-created' });
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('created namespace setup-created');
    expect(created.stdout).toContain('retention 3 days');
    const described = await p.env.connection.workflowService.describeNamespace({ namespace: 'setup-created' });
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(3 * 86_400);
    const bad = await cli(['setup', '--retention', '2h'], { TEMPORAL_NAMESPACE: 'setup-created' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--retention "2h"');
  });

  test('a DM Slack refuses is listed by status, FAILs doctor, and redeliver sends it once Slack takes it', async () => {
    p.slack.script('chat.postMessage', FakeSlack.platformError('channel_not_found'));
    const before = p.slack.dms.length;
    expect((await cli(['emit', '--probe', 'undeliv', '--category', 'dm', '--severity', 'critical'])).code).toBe(0);
    const status = await eventually(async () => {
      const run = await cli(['status']);
      return /UNDELIVERED probe-investigation:undeliv:dm:/.test(run.stdout) ? run : undefined;
    }, 60_000, 'status to list the undelivered DM');
    expect(status.stdout).toMatch(/UNDELIVERED probe-investigation:undeliv:dm:\S+: slack_error:channel_not_found/);
    const doctor = await cli(['doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/^FAIL\s+undelivered DMs\s+1 DM\(s\) given up on \(slack_error:channel_not_found\)$/m);
    expect(doctor.stdout).toMatch(/fix: .*probe-wake redeliver/);

    const redeliver = await cli(['redeliver']);
    expect(redeliver.code).toBe(0);
    expect(redeliver.stdout).toContain('Queued 1 undelivered DM(s) again');
    await eventually(() => (p.slack.dms.length === before + 1 ? true : undefined), 60_000, 'the redelivered DM');
    expect(p.slack.dms.at(-1)!.text).toContain('Probe alert · undeliv');
    await eventually(async () => ((await cli(['doctor'])).code === 0 ? true : undefined), 30_000, 'doctor to pass again');
    expect((await cli(['redeliver'])).stdout).toContain('No undelivered DMs.');
  });
});
