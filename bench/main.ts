/**
 * `npm run bench [-- --quick] [-- --llm-latency-ms N]`: the performance harness
 * (issue 5). Not a test: it measures and reports, it never fails on a figure.
 * See docs/performance.md for the method.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../src/activities';
import { waitForNewLine } from '../src/activities/auditGrowth';
import { loadConfig } from '../src/config/config';
import { startDevServer, type DevServer } from '../src/runtime/devServer';
import { resolveTool, TEMPORAL_CLI } from '../src/runtime/temporalTools';
import { getStateQuery, type TailSettings, type TailStateView } from '../src/api';
import { allRunsTimeline, historyTimeline } from './profile';
import { plainSleep, startBaselineLoop, type Pickup } from './baseline';
import { benchAnthropic, BenchSlack } from './fakes';
import { measureWakeToDm, type LatencyRun } from './latency';
import { cpuSeconds, machineInfo, memoryMb, resetPeakRss } from './machine';
import { renderReport, type BenchResult } from './report';
import { distribution, round, type Distribution } from './stats';
import { measureTailCost } from './tailCost';
import { freePort } from '../test/support/ports';
import { environmentWithoutOurs, startWorkerProcess, stopOrKill, WORKER_JS, type WorkerProcess } from '../test/support/workerProcess';
import { otherRow, sleep, wakeRow } from './workload';
import { runSlackStorm } from './slackStorm';
import { measureIncidentLatency, measureStormVisibility } from './lifecycle';

/** No budget in the bench: what is measured is the pipeline, not the cost ladder. */
const BENCH_INVESTIGATION = { maxTurns: 4, dailyBudgetUsd: null, reserveUsd: 0 };

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, 'bench', 'results');

interface Options {
  quick: boolean;
  llmLatencyMs: number;
  out: string;
  /** Print the tail's history timeline after the latency and storm phases. */
  profile: boolean;
  /**
   * `slack-storm`: only the storm through a rate-limited Slack; `lifecycle`: only issue 13's figures
   * (wake→first message and wake→diagnosis, and every pair of a 100-pair storm visible); else every phase.
   */
  phase?: 'slack-storm' | 'lifecycle';
}

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false, llmLatencyMs: 0, out: path.join(RESULTS, 'latest.json'), profile: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--quick') options.quick = true;
    else if (arg === '--llm-latency-ms') {
      options.llmLatencyMs = Number(value());
      if (!Number.isInteger(options.llmLatencyMs) || options.llmLatencyMs < 0) throw new Error('--llm-latency-ms must be a whole number >= 0');
    } else if (arg === '--out') options.out = path.resolve(value());
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--phase') {
      const phase = value();
      if (phase !== 'slack-storm' && phase !== 'lifecycle') throw new Error(`--phase must be slack-storm or lifecycle (got ${phase})`);
      options.phase = phase;
    }
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: npm run bench [-- --quick] [-- --llm-latency-ms N] [-- --out FILE] [-- --profile] [-- --phase slack-storm|lifecycle]\n  --phase slack-storm  only the storm through a rate-limited Slack (100 pairs; JSON to bench/results/slack-storm.json)\n  --phase lifecycle    only wake→first message / wake→diagnosis (use --llm-latency-ms 3000) and a 100-pair storm until every pair is visible (JSON to bench/results/lifecycle.json)\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  return options;
}

const started = Date.now();
const progress = (message: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}\n`);

/** Sizes of each phase: --quick is a smoke check (< 3 min), the full run the figures (< 15 min). */
function plan(quick: boolean) {
  return {
    latencyWakes: quick ? 30 : 200,
    meanGapMs: 300,
    slowPollWakes: quick ? 3 : 10,
    slowPollMeanGapMs: 6000,
    stormWakes: 10_000,
    stormPairs: 100,
    canWindowMs: quick ? 8_000 : 20_000,
    idleWindowMs: quick ? 30_000 : 180_000,
    tailCostReps: quick ? 100 : 300,
  };
}

/** lib/worker.js as its own process: its CPU and memory are then its own. Only its last output is kept (storms log a lot). */
function startBenchWorker(env: NodeJS.ProcessEnv): Promise<WorkerProcess> {
  return startWorkerProcess(env, 120_000, { keepChars: 20_000 });
}

/** SIGTERM and wait (SIGKILL after 60 s); returns how long the drain took. */
async function stopWorker(worker: WorkerProcess): Promise<{ code: number | null; stopMs: number }> {
  const started = Date.now();
  const { code } = await stopOrKill(worker, 60_000);
  return { code, stopMs: Date.now() - started };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const sizes = plan(options.quick);
  if (!existsSync(WORKER_JS)) throw new Error(`${WORKER_JS} is missing: run \`npm run build\` (npm run bench does it first)`);
  const cli = resolveTool(TEMPORAL_CLI);
  const machine = machineInfo(ROOT, cli);
  progress(`${options.phase ?? (options.quick ? 'quick' : 'full')} run on ${machine.cores} x ${machine.cpuModel}, load ${machine.loadAverageStart.toFixed(2)}, LLM latency ${options.llmLatencyMs} ms`);

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'probe-wake-bench-'));
  const slack = new BenchSlack();
  const anthropic = benchAnthropic(options.llmLatencyMs);
  let devServer: DevServer | undefined;
  let worker: WorkerProcess | undefined;
  let connection: Connection | undefined;
  const cleanup = async () => {
    if (worker) await stopWorker(worker).catch(() => undefined);
    await connection?.close().catch(() => undefined);
    await devServer?.stop().catch(() => undefined);
    await Promise.all([slack.stop(), anthropic.stop()]).catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

  try {
    const [slackBase, anthropicBase, port, uiPort] = await Promise.all([slack.start(), anthropic.start(), freePort(), freePort()]);
    progress('starting the Temporal dev server (SQLite in a temp dir)');
    devServer = await startDevServer({ cliPath: cli, port, uiPort, dbFile: path.join(tmp, 'temporal.db') });
    // Storm histories hold megabytes of wakes: let --profile fetch them in one page.
    connection = await Connection.connect({ address: devServer.address, channelArgs: { 'grpc.max_receive_message_length': 64 * 1024 * 1024 } });
    const client = new Client({ connection });

    const serviceEnv = (scenario: string, auditLogPath: string, pollSeconds: number): NodeJS.ProcessEnv => ({
      ...environmentWithoutOurs(),
      TEMPORAL_ADDRESS: devServer!.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: `bench-${scenario}`,
      PROBE_TAIL_WORKFLOW_ID: `bench-tail-${scenario}`,
      AUDIT_LOG_PATH: auditLogPath,
      PROBE_WAKE_POLL_SEC: String(pollSeconds),
      PROBE_DEBOUNCE_SECONDS: '600',
      SLACK_BOT_TOKEN: 'xoxb-bench-token',
      SLACK_OPERATOR_USER_ID: 'U0BENCH01',
      SLACK_API_URL: slack.apiUrl(slackBase),
      ANTHROPIC_API_KEY: 'sk-ant-bench-key',
      ANTHROPIC_BASE_URL: anthropicBase,
      LOG_LEVEL: 'info',
    });
    const auditLog = (name: string) => {
      const file = path.join(tmp, `${name}.jsonl`);
      // Context for the investigations: the latest status of a few probes.
      writeFileSync(file, ['fly', 'doppler', 'postgres'].map((p) => JSON.stringify({ ts: new Date().toISOString(), event: 'probe.result', probe: p, status: 'healthy', summary: 'ok' })).join('\n') + '\n');
      return file;
    };

    if (options.phase === 'slack-storm') {
      const rlLog = auditLog('rl');
      progress('starting the worker (lib/worker.js) at PROBE_WAKE_POLL_SEC=1 for the storm through a rate-limited Slack');
      worker = await startBenchWorker(serviceEnv('rl', rlLog, 1));
      await untilStamped(client.workflow.getHandle('bench-tail-rl'));
      progress(`storm through a rate-limited Slack: ${sizes.stormPairs} pairs, one wake each, appended at once (Slack: 1 post/s per channel, burst 3)`);
      const slackStorm = await runSlackStorm(rlLog, slack, sizes.stormPairs, 600_000, progress);
      progress(`  delivered ${slackStorm.delivered}, lost ${slackStorm.lost}, duplicates ${slackStorm.duplicates}, fallbacks ${slackStorm.fallbacks}, last DM after ${slackStorm.lastDmMs} ms, ${slackStorm.rateLimited} posts answered 429`);
      const out = options.out === path.join(RESULTS, 'latest.json') ? path.join(RESULTS, 'slack-storm.json') : options.out;
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify({ kind: 'slack-storm', date: new Date().toISOString(), machine, slackStorm }, null, 2) + '\n');
      process.stdout.write(`${JSON.stringify(slackStorm, null, 2)}\n`);
      return;
    }

    if (options.phase === 'lifecycle') {
      const lcLog = auditLog('lc');
      progress('starting the worker (lib/worker.js) at PROBE_WAKE_POLL_SEC=1 for the incident lifecycle');
      worker = await startBenchWorker(serviceEnv('lc', lcLog, 1));
      await untilStamped(client.workflow.getHandle('bench-tail-lc'));
      const wakes = options.quick ? 20 : 60;
      // 2.25–6.75 s apart: at most 5 windows in 10 s, never a storm (more than 5 in 10 s), which would add its digest.
      progress(`wake→first message and wake→diagnosis: ${wakes} wakes on distinct pairs, LLM latency ${options.llmLatencyMs} ms`);
      const incident = await measureIncidentLatency(lcLog, slack, { prefix: 'lc', count: wakes, meanGapMs: 4_500, seed: 3, settleMs: 120_000, llmLatencyMs: options.llmLatencyMs, progress });
      progress(`  first message p50 ${incident.firstMessageMs.p50} ms p99 ${incident.firstMessageMs.p99} ms; diagnosis p50 ${incident.diagnosisMs.p50} ms p99 ${incident.diagnosisMs.p99} ms`);
      // A quiet storm group first, so the storm's windows are counted apart from the latency wakes'.
      await sleep(11_000);
      progress(`storm: ${sizes.stormPairs} pairs, one wake each, appended at once, through Slack's 1 post/s per channel`);
      const visibility = await measureStormVisibility(lcLog, slack, sizes.stormPairs, 400_000, progress);
      progress(`  every pair visible after ${visibility.allVisibleMs} ms (digest after ${visibility.digestMs} ms), every root after ${visibility.allRootsMs} ms`);
      const out = options.out === path.join(RESULTS, 'latest.json') ? path.join(RESULTS, 'lifecycle.json') : options.out;
      mkdirSync(path.dirname(out), { recursive: true });
      const result = { kind: `lifecycle${options.quick ? '-quick' : ''}`, date: new Date().toISOString(), machine: { ...machine, loadAverageEnd: os.loadavg()[0]! }, incident, stormVisibility: visibility };
      writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
      process.stdout.write(`${JSON.stringify({ incident, stormVisibility: visibility }, null, 2)}\n`);
      return;
    }

    // --- poll 1 s: latency, storm, continue-as-new, peak RSS -------------------------------------
    const fastLog = auditLog('fast');
    progress('starting the worker (lib/worker.js, its own process, the prebuilt workflow bundle) at PROBE_WAKE_POLL_SEC=1');
    worker = await startBenchWorker(serviceEnv('fast', fastLog, 1));
    const fastStartRssMb = round(memoryMb(worker.pid, 'VmRSS'), 1);
    const fastTail = client.workflow.getHandle('bench-tail-fast');
    await untilStamped(fastTail);
    progress(`wake→DM latency, Temporal, poll 1 s: ${sizes.latencyWakes} wakes on distinct pairs`);
    const fast = await measureWakeToDm({ file: fastLog, slack, prefix: 'fast', count: sizes.latencyWakes, meanGapMs: sizes.meanGapMs, seed: 1, settleMs: 30_000, progress });
    progress(`  p50 ${distribution(fast.latenciesMs).p50} ms, missing ${fast.missing}, fallbacks ${fast.fallbacks}`);

    const stormStart = Date.now();
    progress(`storm: ${sizes.stormWakes} wakes over ${sizes.stormPairs} pairs appended at once`);
    const storm = await runStorm(fastTail, fastLog, slack, worker.pid, sizes.stormWakes, sizes.stormPairs);
    progress(`  ${storm.investigationsStarted} investigations, ${storm.dms} DMs, drained in ${storm.drainedMs} ms, peak RSS ${storm.peakRssMb} MB`);

    if (options.profile) await profileStorm(client, stormStart).catch((err) => progress(`profile failed: ${String(err)}`));
    progress('continue-as-new: a second tail with a 60-event history limit at poll 0.2 s');
    const can = await runContinueAsNew(client, tmp, sizes.canWindowMs);
    progress(`  ${can.runs} runs, longest history ${can.maxHistoryLength} events (limit ${can.historyEventLimit})`);

    const fastStop = await stopWorker(worker);
    worker = undefined;
    progress(`worker stopped (SIGTERM → exit) in ${fastStop.stopMs} ms`);

    // --- baseline: the same activities in a plain loop, no Temporal --------------------------------
    const baselineConfig = loadConfig(serviceEnv('baseline', '', 1) as Record<string, string>);
    const baselines: Record<string, LatencyRun> = {};
    const pickups: Array<[string, Pickup]> = [
      ['plainPoll', plainSleep],
      ['waitForGrowth', async (file, cursor, pollMs) => void (await waitForNewLine(file, cursor, pollMs))],
    ];
    for (const [name, pickup] of pickups) {
      const file = auditLog(`baseline-${name}`);
      const settings: TailSettings = { auditLogPath: file, pollSeconds: 1, debounce: { windowSeconds: 600, bypassCritical: false }, replayFromStart: false, searchAttributes: false, historyEventLimit: 5000, waitForGrowth: true, investigation: BENCH_INVESTIGATION };
      const loop = startBaselineLoop(createActivities({ ...baselineConfig, auditLogPath: file }), settings, pickup);
      await loop.ready();
      progress(`wake→DM latency, baseline (${name}), poll 1 s: ${sizes.latencyWakes} wakes`);
      baselines[name] = await measureWakeToDm({ file, slack, prefix: `base${name}`, count: sizes.latencyWakes, meanGapMs: sizes.meanGapMs, seed: 1, settleMs: 30_000, progress });
      await loop.stop();
      progress(`  p50 ${distribution(baselines[name]!.latenciesMs).p50} ms`);
    }

    // --- default poll 30 s: sampled latency and idle cost ------------------------------------------
    const slowLog = auditLog('slow');
    progress('starting a second lib/worker.js at the default poll (30 s)');
    worker = await startBenchWorker(serviceEnv('slow', slowLog, 30));
    const slowTail = client.workflow.getHandle('bench-tail-slow');
    await untilStamped(slowTail);
    progress(`wake→DM latency, Temporal, poll 30 s: ${sizes.slowPollWakes} sampled wakes`);
    const slow = await measureWakeToDm({ file: slowLog, slack, prefix: 'slow', count: sizes.slowPollWakes, meanGapMs: sizes.slowPollMeanGapMs, seed: 2, settleMs: 45_000, progress });
    progress(`idle: worker CPU and tail history for ${sizes.idleWindowMs / 1000} s`);
    const idle = await measureIdle(slowTail, worker.pid, sizes.idleWindowMs);
    const libWorkerPeakRssMb = round(memoryMb(worker.pid, 'VmHWM'), 1);
    progress(`  CPU ${idle.cpuPercent} %, ${idle.historyEventsPerHour} history events/h`);
    const slowStop = await stopWorker(worker);
    worker = undefined;
    progress(`worker stopped (SIGTERM → exit) in ${slowStop.stopMs} ms`);

    // --- tail cost vs file size --------------------------------------------------------------------
    progress('tail cost: one tick\'s read on a 1 MB and a 1 GB file (generated, deleted after)');
    const cost = await measureTailCost(path.join(tmp, 'cost-1mb.jsonl'), 1024 ** 2, path.join(tmp, 'cost-1gb.jsonl'), 1024 ** 3, sizes.tailCostReps);
    progress(`  median ${cost.smallMs.p50.toFixed(3)} ms vs ${cost.largeMs.p50.toFixed(3)} ms`);

    machine.loadAverageEnd = os.loadavg()[0]!;
    const result: BenchResult = {
      kind: options.quick ? 'quick' : 'full',
      date: new Date().toISOString(),
      durationS: round((Date.now() - started) / 1000),
      machine,
      llmLatencyMs: options.llmLatencyMs,
      latency: {
        pollSeconds: 1,
        temporal: summarize(fast),
        baselinePlainPoll: summarize(baselines.plainPoll!),
        baselineWaitForGrowth: summarize(baselines.waitForGrowth!),
        defaultPoll: { pollSeconds: 30, ...summarize(slow) },
      },
      storm,
      tailCost: { ...cost, ratio: round(cost.largeMs.p50 / cost.smallMs.p50, 2) },
      idle,
      continueAsNew: can,
      workerRssMb: { prebuiltBundleAfterStart: fastStartRssMb, prebuiltBundleStormPeak: storm.peakRssMb, libWorkerIdle: idle.rssMb, libWorkerLifetimePeak: libWorkerPeakRssMb },
      workerStopMs: { poll1: fastStop.stopMs, poll30: slowStop.stopMs },
    };
    mkdirSync(path.dirname(options.out), { recursive: true });
    writeFileSync(options.out, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(renderReport(result));
    progress(`done in ${result.durationS} s; JSON written to ${path.relative(process.cwd(), options.out)}`);
  } catch (err) {
    if (worker) process.stderr.write(`worker output (last lines):\n${`${worker.stdout()}\n${worker.stderr()}`.split('\n').slice(-30).join('\n')}\n`);
    throw err;
  } finally {
    await cleanup();
  }
}

/** --profile: where the time went, from the histories (see docs/performance.md). */
async function profileStorm(client: Client, stormStart: number): Promise<void> {
  progress("one latency wake's investigation:");
  for (const line of await historyTimeline(client.workflow.getHandle('probe-investigation:fast10:latency:fast-w10'), 0)) progress(`  ${line}`);
  progress('tail history during the storm (ms from the append):');
  for (const line of await allRunsTimeline(client, 'bench-tail-fast', stormStart, 200)) progress(`  ${line}`);
  for (const id of ['probe-investigation:storm0:c0:storm-w0', 'probe-investigation:storm19:c4:storm-w99']) {
    progress(`${id} (ms from the append):`);
    for (const line of await historyTimeline(client.workflow.getHandle(id), stormStart, 80, stormStart)) progress(`  ${line}`);
  }
}

function summarize(run: LatencyRun) {
  return { latencyMs: distribution(run.latenciesMs), missing: run.missing, duplicates: run.duplicates, fallbacks: run.fallbacks };
}

async function untilStamped(tail: WorkflowHandle): Promise<TailStateView> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const state = await tail.query(getStateQuery);
      if (state.cursor) return state;
    } catch {
      // not started yet
    }
    if (Date.now() > deadline) throw new Error(`${tail.workflowId} never stamped its cursor`);
    await sleep(100);
  }
}

export interface StormResult {
  wakes: number;
  pairs: number;
  investigationsStarted: number;
  debounced: number;
  dms: number;
  duplicates: number;
  /** Storm roots whose final text is the fallback DM, not a diagnosis (0 with a healthy model). */
  fallbacks: number;
  /** Append → the tail's getState shows every row read (sampled every 100 ms). */
  tailCaughtUpMs: number;
  /** Append → getState counts every wake as started or debounced (child starts acknowledged). */
  countedMs: number;
  /** Append → the last of the DMs arrived at the fake Slack. */
  drainedMs: number;
  rowsPerSecond: number;
  /** When the DMs arrived, ms after the append. */
  dmArrivalMs: Distribution;
  peakRssMb: number;
  peakRssSource: 'VmHWM' | 'sampled VmRSS';
}

async function runStorm(tail: WorkflowHandle, file: string, slack: BenchSlack, pid: number, wakes: number, pairs: number): Promise<StormResult> {
  const rows: string[] = [];
  for (let i = 0; i < wakes; i++) {
    const pair = i % pairs;
    rows.push(wakeRow(`storm${Math.floor(pair / 5)}`, `c${pair % 5}`, `storm-w${i}`, i));
  }
  const before = (await tail.query(getStateQuery)).counters;
  slack.takeArrivals();
  const hwmReset = resetPeakRss(pid);
  let sampledPeak = memoryMb(pid, 'VmRSS');
  const dmsAt = new Map<string, number[]>();
  const t0 = Date.now();
  appendFileSync(file, rows.join(''));
  let caughtUpAt: number | undefined;
  let acknowledgedAt: number | undefined;
  let state = before;
  const deadline = t0 + 180_000;
  while (Date.now() < deadline) {
    await sleep(100);
    sampledPeak = Math.max(sampledPeak, memoryMb(pid, 'VmRSS'));
    for (const dm of slack.takeArrivals()) if (dm.probe.startsWith('storm')) dmsAt.set(dm.workflowId, [...(dmsAt.get(dm.workflowId) ?? []), dm.at]);
    state = (await tail.query(getStateQuery)).counters;
    if (caughtUpAt === undefined && state.rowsRead - before.rowsRead >= wakes) caughtUpAt = Date.now();
    if (acknowledgedAt === undefined && state.investigationsStarted - before.investigationsStarted + state.debounced - before.debounced >= wakes) acknowledgedAt = Date.now();
    if (caughtUpAt !== undefined && acknowledgedAt !== undefined && dmsAt.size >= pairs) break;
  }
  await sleep(3000); // anything beyond `pairs` would arrive here
  for (const dm of slack.takeArrivals()) if (dm.probe.startsWith('storm')) dmsAt.set(dm.workflowId, [...(dmsAt.get(dm.workflowId) ?? []), dm.at]);
  state = (await tail.query(getStateQuery)).counters;
  const firstArrivals = [...dmsAt.values()].map((times) => times[0]!);
  const tailCaughtUpMs = (caughtUpAt ?? Number.NaN) - t0;
  return {
    wakes,
    pairs,
    investigationsStarted: state.investigationsStarted - before.investigationsStarted,
    debounced: state.debounced - before.debounced,
    dms: dmsAt.size,
    duplicates: [...dmsAt.values()].reduce((sum, times) => sum + times.length - 1, 0),
    fallbacks: slack.fallbacks((key) => key.startsWith('probe-investigation:storm')),
    tailCaughtUpMs,
    countedMs: (acknowledgedAt ?? Number.NaN) - t0,
    drainedMs: Math.max(tailCaughtUpMs, ...firstArrivals.map((at) => at - t0)),
    rowsPerSecond: round(wakes / (tailCaughtUpMs / 1000)),
    dmArrivalMs: distribution(firstArrivals.map((at) => at - t0)),
    peakRssMb: round(hwmReset ? Math.max(memoryMb(pid, 'VmHWM'), sampledPeak) : sampledPeak, 1),
    peakRssSource: hwmReset ? 'VmHWM' : 'sampled VmRSS',
  };
}

export interface ContinueAsNewResult {
  historyEventLimit: number;
  pollSeconds: number;
  windowS: number;
  runs: number;
  continuedAsNew: number;
  maxHistoryLength: number;
}

/** A second tail on the same worker with a tiny history limit: its runs' histories must stay near the limit. */
async function runContinueAsNew(client: Client, tmp: string, windowMs: number): Promise<ContinueAsNewResult> {
  const file = path.join(tmp, 'can.jsonl');
  writeFileSync(file, '');
  const settings: TailSettings = { auditLogPath: file, pollSeconds: 0.2, debounce: { windowSeconds: 600, bypassCritical: false }, replayFromStart: false, searchAttributes: true, historyEventLimit: 60, waitForGrowth: true, investigation: BENCH_INVESTIGATION };
  const workflowId = 'bench-can-tail';
  const handle = await client.workflow.start('probeTailWorkflow', { taskQueue: 'bench-fast', workflowId, args: [{ settings }] });
  const end = Date.now() + windowMs;
  for (let i = 0; Date.now() < end; i++) {
    appendFileSync(file, otherRow(i));
    await sleep(250);
  }
  const state = await handle.query(getStateQuery);
  await handle.terminate('bench done');
  let runs = 0;
  let maxHistoryLength = 0;
  for await (const execution of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    runs += 1;
    maxHistoryLength = Math.max(maxHistoryLength, execution.historyLength);
  }
  return { historyEventLimit: 60, pollSeconds: 0.2, windowS: windowMs / 1000, runs, continuedAsNew: state.counters.continuedAsNew, maxHistoryLength };
}

export interface IdleResult {
  pollSeconds: number;
  windowS: number;
  cpuPercent: number;
  historyEvents: number;
  historyEventsPerHour: number;
  rssMb: number;
}

async function measureIdle(tail: WorkflowHandle, pid: number, windowMs: number): Promise<IdleResult> {
  // Let the sampled investigations finish and the start-up garbage (webpack in lib/worker.js) be collected.
  await sleep(10_000);
  const before = await tail.describe();
  const cpu0 = cpuSeconds(pid);
  const t0 = Date.now();
  await sleep(windowMs);
  const cpu1 = cpuSeconds(pid);
  const elapsedS = (Date.now() - t0) / 1000;
  const after = await tail.describe();
  // A continue-as-new inside the window would reset the count; say so rather than report a wrong figure.
  const events = after.runId === before.runId ? after.historyLength - before.historyLength : Number.NaN;
  return {
    pollSeconds: 30,
    windowS: round(elapsedS, 1),
    cpuPercent: round(((cpu1 - cpu0) / elapsedS) * 100, 2),
    historyEvents: events,
    historyEventsPerHour: round((events / elapsedS) * 3600),
    rssMb: round(memoryMb(pid, 'VmRSS'), 1),
  };
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
