/**
 * `npm run record-histories`: runs the workflows for real (Temporal dev
 * server, the worker's real activities, the fake Slack / Anthropic servers
 * from test/support) and stores each run's event history under
 * test/fixtures/histories/. test/workflows/replay.test.ts replays them
 * against the current workflow code, so a change that would break running
 * workflows fails CI. Re-record after an intended, safely deployed change
 * (see docs/operations.md, "Changing workflow code safely").
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { loadConfig, type AppConfig } from '../src/config/config';
import {
  getIncidentQuery,
  getOutboxQuery,
  getStateQuery,
  investigationWorkflowId,
  IssueCategoryKey,
  outboxWorkflowId,
  ProbeNameKey,
  ProbeSeverityKey,
  windowClosedSignal,
  windowRepeatsSignal,
  type WindowFacts,
} from '../src/api';
import { tailSettingsFrom } from '../src/client/startTail';
import { createProbeWakeWorker } from '../src/worker/createWorker';
import { FakeAnthropic } from '../test/support/fakeAnthropic';
import { FakeSlack } from '../test/support/fakeSlack';
import { flyAuthAgent } from '../test/support/scriptedAgent';
import { deriveWakeId } from '../src/activities/auditFile';
import { parseAuditLine, type Wake } from '../src/domain/auditRow';
import { devServerEnv } from '../test/support/temporal';
import { eventually } from '../test/support/poll';

const ROOT = path.resolve(__dirname, '..');
export const HISTORIES_DIR = path.join(ROOT, 'test', 'fixtures', 'histories');

const SAMPLE_LOG = readFileSync(path.join(ROOT, 'test', 'fixtures', 'audit-sample.jsonl'), 'utf8');

/** The fly/auth critical wake (line 4 of the sample log), parsed as the tail parses it. */
function flyWake(): Wake {
  const lines = SAMPLE_LOG.split('\n');
  const offset = lines.slice(0, 3).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  const parsed = parseAuditLine(lines[3]!, offset, deriveWakeId);
  if (parsed.kind !== 'wake') throw new Error('audit-sample.jsonl line 4 is not a wake');
  return parsed.wake;
}

export interface RecordedHistory {
  file: string;
  workflowId: string;
  workflowType: string;
  scenario: string;
}

async function main(): Promise<void> {
  const outDir = process.argv[2] ? path.resolve(process.argv[2]) : HISTORIES_DIR;
  // The workflow sources themselves (TypeScript, bundled by the SDK), exactly what the replay test bundles.
  const [env, bundle] = await Promise.all([
    devServerEnv(),
    bundleWorkflowCode({ workflowsPath: path.join(ROOT, 'src', 'workflows', 'index.ts'), logger: new DefaultLogger('WARN') }),
  ]);
  const slack = new FakeSlack();
  const anthropic = new FakeAnthropic();
  const [slackBase, anthropicBase] = await Promise.all([slack.start(), anthropic.start()]);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'probe-wake-record-'));
  const auditLog = path.join(tmp, 'audit.jsonl');
  writeFileSync(auditLog, SAMPLE_LOG);
  const config: AppConfig = loadConfig(
    {
      AUDIT_LOG_PATH: auditLog,
      SLACK_BOT_TOKEN: 'xoxb-recording-fake',
      SLACK_OPERATOR_USER_ID: 'U024BE7LH',
      SLACK_API_URL: slack.apiUrl(slackBase),
      ANTHROPIC_API_KEY: 'sk-ant-recording-fake',
      ANTHROPIC_BASE_URL: anthropicBase,
      TEMPORAL_TASK_QUEUE: 'probe-wake-recording',
      PROBE_TAIL_WORKFLOW_ID: 'probe-tail',
    },
    tmp,
  );
  const recorded: RecordedHistory[] = [];
  const save = async (scenario: string, file: string, handle: WorkflowHandle, workflowType: string) => {
    const history = await handle.fetchHistory();
    writeFileSync(path.join(outDir, file), historyToJSON(history) + '\n');
    recorded.push({ file, workflowId: handle.workflowId, workflowType, scenario });
    console.error(`recorded ${file}: ${history.events?.length ?? 0} events (${scenario})`);
  };

  try {
    mkdirSync(outDir, { recursive: true });
    const worker = await createProbeWakeWorker({ connection: env.nativeConnection, config, workflowBundle: bundle, shutdownGraceTime: '1s' });
    await worker.runUntil(async () => {
      // The outbox has sent everything asked of it (the details reply goes after the investigation ends):
      // a Slack fault scripted next hits the next investigation's messages, not this one's.
      const outboxDrained = () =>
        eventually(async () => {
          const view = await env.client.workflow.getHandle(outboxWorkflowId(config.temporal.taskQueue)).query(getOutboxQuery);
          return view.queued === 0 ? view : undefined;
        }, 60_000, 'the outbox to drain');
      const startInvestigation = async (windowKey: string, window?: WindowFacts) => {
        const wake = flyWake();
        return env.client.workflow.start('probeInvestigationWorkflow', {
          workflowId: investigationWorkflowId(wake.probe, wake.category, windowKey),
          taskQueue: config.temporal.taskQueue,
          args: [{ wake, windowKey, ...(window ? { window } : {}) }],
          typedSearchAttributes: [
            { key: ProbeNameKey, value: wake.probe },
            { key: IssueCategoryKey, value: wake.category },
            { key: ProbeSeverityKey, value: wake.severity },
          ],
        });
      };
      // Without a window (a start by hand): the incident closes once the diagnosis is delivered.
      const investigation = async (windowKey: string) => {
        const handle = await startInvestigation(windowKey);
        await handle.result();
        await outboxDrained();
        return handle;
      };

      await save('investigated, DM sent', 'investigation-happy.json', await investigation('w-7f3a'), 'probeInvestigationWorkflow');

      anthropic.respond = flyAuthAgent;
      await save('investigated after one tool call (latest_status_all_probes), DM sent', 'investigation-with-tools.json', await investigation('w-7f3a-tools'), 'probeInvestigationWorkflow');
      anthropic.respond = undefined;

      anthropic.script('/v1/messages', FakeAnthropic.status(401, 'authentication_error'));
      await save('engine_exception:AuthenticationError fallback, DM sent', 'investigation-fallback.json', await investigation('w-7f3a-fallback'), 'probeInvestigationWorkflow');

      slack.script('chat.postMessage', FakeSlack.platformError('channel_not_found'));
      await save('investigated, Slack rejects the DM (dmSent false)', 'investigation-slack-failure.json', await investigation('w-7f3a-slack'), 'probeInvestigationWorkflow');

      // The whole incident: a window, the diagnosis, repeats (one root edit), then recovery (a thread reply, the root marked).
      {
        const openedAtMs = Date.now();
        const handle = await startInvestigation('w-7f3a-incident', { openedAtMs, closesAtMs: openedAtMs + 600_000 });
        await eventually(async () => ((await handle.query(getIncidentQuery)).outcome ? true : undefined), 60_000, 'the diagnosis');
        await handle.signal(windowRepeatsSignal, { wakes: 3, lastSeenAtMs: Date.now() });
        await eventually(async () => ((await handle.query(getIncidentQuery)).rootRevision >= 2 ? true : undefined), 60_000, 'the repeats edit');
        await handle.signal(windowClosedSignal, { reason: 'recovered', atMs: Date.now(), by: 'results' });
        await handle.result();
        await outboxDrained();
        await save('an incident: alert, diagnosis edit, details reply, repeats edit, recovered by results', 'investigation-incident.json', handle, 'probeInvestigationWorkflow');
      }

      // The tail reads the sample log from its start: 4 wakes, fly/auth twice (one debounced), 3 investigations;
      // a tiny history limit makes the first run continue-as-new right after.
      const settings = { ...tailSettingsFrom(config), replayFromStart: true, pollSeconds: 0.5, historyEventLimit: 10 };
      const tail = await env.client.workflow.start('probeTailWorkflow', {
        workflowId: config.temporal.tailWorkflowId,
        taskQueue: config.temporal.taskQueue,
        args: [{ settings }],
      });
      await eventually(async () => {
        const state = await env.client.workflow.getHandle(tail.workflowId).query(getStateQuery);
        return state.counters.continuedAsNew >= 1 ? state : undefined;
      }, 60_000, 'the tail to continue-as-new');
      await save('tail: 4 wakes, 1 debounced, 3 investigations started, continue-as-new', 'tail-debounce-continue-as-new.json', env.client.workflow.getHandle(tail.workflowId, tail.firstExecutionRunId), 'probeTailWorkflow');
      await env.client.workflow.getHandle(tail.workflowId).terminate('recording done');
    });
    recorded.sort((a, b) => a.file.localeCompare(b.file));
    writeFileSync(path.join(outDir, 'index.json'), JSON.stringify(recorded, null, 2) + '\n');
  } finally {
    await Promise.all([env.teardown(), slack.stop(), anthropic.stop()]);
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
