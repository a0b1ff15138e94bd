import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { getStateQuery } from '../../src/workflows/definitions';
import { FakeAnthropic } from '../support/fakeAnthropic';
import { FakeSlack } from '../support/fakeSlack';
import { eventually } from '../support/temporal';

/**
 * The `npm start` entry (lib/main.js, built by pretest) as a child process:
 * its own dev server, worker and tail, against a temp audit log and the fakes.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'lib', 'main.js');
const SAMPLE = readFileSync(path.join(ROOT, 'test', 'fixtures', 'audit-sample.jsonl'), 'utf8');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let dir: string;
beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` (npm test does it in pretest)`);
  dir = mkdtempSync(path.join(tmpdir(), 'probe-wake-e2e-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm start entry', () => {
  it('stops start-up on a malformed variable, naming it', () => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: { ...process.env, PROBE_WAKE_POLL_SEC: 'abc', PROBE_DEBOUNCE_SECONDS: '-1' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PROBE_WAKE_POLL_SEC="abc"');
    expect(result.stderr).toContain('PROBE_DEBOUNCE_SECONDS="-1"');
  });

  it('turns the appended sample log into 3 DMs with 1 debounced, then shuts down cleanly', async () => {
    const slack = new FakeSlack();
    const anthropic = new FakeAnthropic();
    const slackBase = await slack.start();
    const anthropicBase = await anthropic.start();
    const auditLog = path.join(dir, 'audit.jsonl');
    // History written before start-up must not be replayed.
    writeFileSync(auditLog, SAMPLE.split('\n').slice(3, 4).join('\n') + '\n');
    const port = await freePort();
    const env = {
      ...process.env,
      AUDIT_LOG_PATH: auditLog,
      PROBE_WAKE_POLL_SEC: '1',
      TEMPORAL_DEV_PORT: String(port),
      TEMPORAL_DEV_UI_PORT: String(await freePort()),
      TEMPORAL_DEV_DB_FILE: path.join(dir, 'temporal.db'),
      SLACK_BOT_TOKEN: 'xoxb-e2e-token',
      SLACK_OPERATOR_USER_ID: 'U0OPERATOR',
      SLACK_API_URL: slack.apiUrl(slackBase),
      ANTHROPIC_API_KEY: 'sk-ant-e2e-key',
      ANTHROPIC_BASE_URL: anthropicBase,
      LOG_LEVEL: 'info',
    };
    delete (env as Record<string, string | undefined>).TEMPORAL_ADDRESS;

    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [MAIN], { cwd: dir, env });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let connection: Connection | undefined;
    try {
      await eventually(() => (stderr.includes('probe-wake is running.') ? true : undefined), 90_000, `start-up; output so far:\n${stderr}\n${stdout}`);
      expect(stderr).toContain(`Temporal UI: http://127.0.0.1:${env.TEMPORAL_DEV_UI_PORT}/namespaces/default/workflows`);

      connection = await Connection.connect({ address: `127.0.0.1:${port}` });
      const client = new Client({ connection });
      const tail = client.workflow.getHandle('probe-tail');
      await eventually(async () => ((await tail.query(getStateQuery)).cursor ? true : undefined), 30_000, 'first tick');

      appendFileSync(auditLog, SAMPLE);
      await eventually(() => (slack.posted.length >= 3 ? true : undefined), 60_000, '3 DMs');
      const state = await eventually(async () => {
        const s = await tail.query(getStateQuery);
        return s.counters.rowsRead >= 8 ? s : undefined;
      });
      expect(state.counters).toMatchObject({ rowsRead: 8, wakes: 4, investigationsStarted: 3, debounced: 1, badRows: 0 });
      expect(slack.posted.map((dm) => dm.text.split('\n')[0]).sort()).toEqual(
        ['🚨 Probe alert · fly', '⚠️ Probe alert · postgres', 'ℹ️ Probe alert · disk'].sort(),
      );
      expect(anthropic.messageRequests).toHaveLength(3);
      // The pre-start history row was not replayed: only the sample's own rows were read.
      expect(state.windows.map((w) => w.windowKey).sort()).toEqual(['w-7f3a', 'w-81c0', 'w-81c1']);
      // Secrets stay out of logs.
      expect(stdout + stderr).not.toMatch(/xoxb-e2e-token|sk-ant-e2e-key/);
    } finally {
      await connection?.close();
      const ready = /"devServerPid":(\d+)/.exec(stdout);
      child.kill('SIGTERM');
      const code = await exited;
      await slack.stop();
      await anthropic.stop();
      expect(code).toBe(0);
      expect(ready).not.toBeNull();
      const devServerPid = Number(ready![1]);
      // No orphan: the embedded server is stopped after the worker.
      expect(isAlive(devServerPid)).toBe(false);
    }
  });
});
