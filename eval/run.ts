/**
 * `npm run eval`: renders realistic scenarios (a wake plus its audit context)
 * as the DMs the configured model writes, through the real pipeline: dev
 * server, worker, tools over a real audit log, Slack captured by a local fake
 * (nobody is DMed). With ANTHROPIC_API_KEY set it is for people to judge the
 * prompt; without it, a scripted fake model checks that the pipeline works.
 */
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { deriveWakeId } from '../src/activities/auditFile';
import { loadConfig } from '../src/config/config';
import { parseAuditLine } from '../src/domain/auditRow';
import { startDevServer } from '../src/runtime/devServer';
import { resolveTool, TEMPORAL_CLI } from '../src/runtime/temporalTools';
import { createProbeWakeWorker } from '../src/worker/createWorker';
import type { InvestigationOutcome } from '../src/api';
import { FakeAnthropic } from '../test/support/fakeAnthropic';
import { FakeSlack } from '../test/support/fakeSlack';
import { flyAuthAgent, surveyingAgent } from '../test/support/scriptedAgent';
import { freePort } from '../test/support/ports';

interface Scenario {
  name: string;
  description: string;
  context: Array<Record<string, unknown>>;
  wake: Record<string, unknown>;
}

const ROOT = path.resolve(__dirname, '..');
const SCENARIOS_DIR = path.join(ROOT, 'eval', 'scenarios');
const RESULTS_FILE = path.join(ROOT, 'eval', 'results', 'latest.md');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', short: 's', multiple: true },
      fake: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: npm run eval -- [--scenario <name-prefix>]... [--fake]\n  --fake   use the scripted fake model even when ANTHROPIC_API_KEY is set\n');
    return;
  }
  const scenarios = loadScenarios(values.scenario);
  const realModel = Boolean(process.env.ANTHROPIC_API_KEY) && !values.fake;
  if (!realModel) {
    process.stderr.write(
      values.fake
        ? '[eval] --fake: using the scripted fake model.\n'
        : '[eval] ANTHROPIC_API_KEY is not set: the real-model eval is SKIPPED. Running the scenarios against the scripted fake model instead: this checks the pipeline (tools, turns, DM shape, usage), not the prompt.\n',
    );
  }

  Runtime.install({ logger: new DefaultLogger('WARN') });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'probe-wake-eval-'));
  const slack = new FakeSlack();
  const anthropic = new FakeAnthropic();
  const [port, uiPort] = [await freePort(), await freePort()];
  progress(`starting the Temporal dev server on 127.0.0.1:${port}`);
  const server = await startDevServer({ cliPath: resolveTool(TEMPORAL_CLI), port, uiPort, dbFile: path.join(tmp, 'eval.db') });
  const slackBase = await slack.start();
  const anthropicBase = realModel ? undefined : await anthropic.start();
  const report: string[] = [`# probe-wake eval — ${new Date().toISOString()}`, '', `Model: ${realModel ? 'real' : 'scripted fake (pipeline check only)'}`, ''];
  try {
    const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows'), logger: new DefaultLogger('WARN') });
    const connection = await NativeConnection.connect({ address: server.address });
    const clientConnection = await Connection.connect({ address: server.address });
    const client = new Client({ connection: clientConnection });
    const runId = Date.now().toString(36);
    const totals = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 };
    for (const [index, scenario] of scenarios.entries()) {
      progress(`[${index + 1}/${scenarios.length}] ${scenario.name}`);
      slack.reset();
      anthropic.reset();
      anthropic.respond = scenario.name.includes('fly-401') ? flyAuthAgent : surveyingAgent;
      const auditLog = path.join(tmp, `${scenario.name}.jsonl`);
      const contextText = scenario.context.map((row) => JSON.stringify(row)).join('\n') + '\n';
      const wakeLine = JSON.stringify(scenario.wake);
      writeFileSync(auditLog, `${contextText}${wakeLine}\n`);
      const parsed = parseAuditLine(wakeLine, Buffer.byteLength(contextText), deriveWakeId);
      if (parsed.kind !== 'wake') throw new Error(`${scenario.name}: the wake row is not a valid wake (${parsed.kind === 'bad' ? parsed.reason : parsed.kind})`);
      const config = loadConfig({
        ...process.env,
        AUDIT_LOG_PATH: auditLog,
        SLACK_BOT_TOKEN: 'xoxb-eval-not-a-real-token',
        SLACK_OPERATOR_USER_ID: 'UEVAL00001',
        SLACK_API_URL: slack.apiUrl(slackBase),
        TEMPORAL_TASK_QUEUE: `eval-${runId}-${index}`,
        ...(anthropicBase ? { ANTHROPIC_API_KEY: 'sk-ant-eval-fake', ANTHROPIC_BASE_URL: anthropicBase } : {}),
      });
      const worker = await createProbeWakeWorker({ connection, config, workflowBundle: bundle, shutdownGraceTime: '1s' });
      const workflowId = `probe-investigation:${parsed.wake.probe}:${parsed.wake.category}:${parsed.wake.wakeId}-eval-${runId}`;
      const handle = await client.workflow.start('probeInvestigationWorkflow', {
        workflowId,
        taskQueue: config.temporal.taskQueue,
        args: [{ wake: parsed.wake, windowKey: `${parsed.wake.wakeId}-eval-${runId}`, maxTurns: config.investigation.maxTurns }],
      });
      const outcome = (await worker.runUntil(handle.result())) as InvestigationOutcome;
      const transcript = await transcriptOf(client, workflowId);
      for (const key of Object.keys(outcome.usage) as Array<keyof InvestigationOutcome['usage']>) totals[key] += outcome.usage[key];
      totals.costUsd += outcome.costUsd;
      report.push(...renderScenario(scenario, outcome, transcript, slack.posted[0]?.text));
    }
    report.push(
      '## Totals',
      '',
      `${scenarios.length} scenarios; tokens in ${totals.inputTokens}, out ${totals.outputTokens}, cache read ${totals.cacheReadTokens}, cache write ${totals.cacheWriteTokens}; estimated cost $${totals.costUsd.toFixed(6)}`,
      '',
    );
    await connection.close();
    await clientConnection.close();
  } finally {
    await Promise.all([slack.stop(), anthropic.stop(), server.stop()]);
    rmSync(tmp, { recursive: true, force: true });
  }
  const text = report.join('\n');
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, text);
  process.stdout.write(`${text}\n`);
  progress(`written to ${path.relative(ROOT, RESULTS_FILE)}`);
}

function loadScenarios(prefixes: string[] | undefined): Scenario[] {
  const files = readdirSync(SCENARIOS_DIR).filter((f) => f.endsWith('.json')).sort();
  const chosen = prefixes?.length ? files.filter((f) => prefixes.some((p) => f.startsWith(p))) : files;
  if (chosen.length === 0) throw new Error(`no scenario matches ${prefixes?.join(', ')} in ${SCENARIOS_DIR}`);
  return chosen.map((file) => JSON.parse(readFileSync(path.join(SCENARIOS_DIR, file), 'utf8')) as Scenario);
}

interface TranscriptStep {
  activity: string;
  input: unknown;
  result?: unknown;
}

/** The model turns and tool calls, as Temporal recorded them. */
async function transcriptOf(client: Client, workflowId: string): Promise<TranscriptStep[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const steps = new Map<string, TranscriptStep>();
  const decode = (payloads: Payload[] | null | undefined) => (payloads?.[0] ? defaultPayloadConverter.fromPayload(payloads[0]) : undefined);
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      steps.set(String(event.eventId), { activity: scheduled.activityType?.name ?? '?', input: decode(scheduled.input?.payloads as Payload[]) });
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const step = steps.get(String(completed.scheduledEventId));
      if (step) step.result = decode(completed.result?.payloads as Payload[]);
    }
  }
  return [...steps.values()].filter((step) => step.activity === 'askModel' || step.activity === 'runInvestigationTool');
}

function renderScenario(scenario: Scenario, outcome: InvestigationOutcome, transcript: TranscriptStep[], dm: string | undefined): string[] {
  const lines = [`## ${scenario.name}`, '', `_${scenario.description}_`, '', '### Transcript', ''];
  for (const step of transcript) {
    if (step.activity === 'askModel') {
      const turn = step.result as { content: Array<{ type: string; text?: string; name?: string; input?: unknown }>; usage: unknown } | undefined;
      for (const block of turn?.content ?? []) {
        lines.push(block.type === 'text' ? `- model: ${block.text}` : `- model calls \`${block.name}(${JSON.stringify(block.input)})\``);
      }
      lines.push(`  - usage: ${JSON.stringify(turn?.usage)}`);
    } else {
      const call = step.input as { name: string; input: unknown };
      const result = (step.result as { content?: string } | undefined)?.content ?? '(no result)';
      lines.push(`- tool \`${call.name}\` → ${result.length > 400 ? `${result.slice(0, 400)}…` : result}`);
    }
  }
  lines.push(
    '',
    '### DM',
    '',
    '```',
    dm ?? `(no DM: ${outcome.dmReason})`,
    '```',
    '',
    `outcome: ${outcome.investigated ? 'investigated' : `fallback (${outcome.reason})`}; turns ${outcome.turnCount}; tool calls ${outcome.toolCalls}; ` +
      `tokens in ${outcome.usage.inputTokens} / out ${outcome.usage.outputTokens} / cache read ${outcome.usage.cacheReadTokens} / cache write ${outcome.usage.cacheWriteTokens}; ` +
      `estimated cost $${outcome.costUsd.toFixed(6)}; model ${outcome.model ?? '-'}; prompt ${outcome.promptVersion ?? '-'}`,
    '',
  );
  return lines;
}

function progress(message: string): void {
  process.stderr.write(`[eval] ${message}\n`);
}

main().catch((err) => {
  process.stderr.write(`[eval] failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
