import type { ContinueAsNewResult, IdleResult, StormResult } from './main';
import type { MachineInfo } from './machine';
import type { Distribution } from './stats';

export interface LatencySummary {
  latencyMs: Distribution;
  missing: number;
  duplicates: number;
  fallbacks: number;
}

export interface BenchResult {
  kind: 'quick' | 'full';
  date: string;
  durationS: number;
  machine: MachineInfo;
  llmLatencyMs: number;
  latency: {
    pollSeconds: number;
    temporal: LatencySummary;
    baselinePlainPoll: LatencySummary;
    baselineWaitForGrowth: LatencySummary;
    defaultPoll: LatencySummary & { pollSeconds: number };
  };
  storm: StormResult;
  tailCost: { smallBytes: number; largeBytes: number; smallMs: Distribution; largeMs: Distribution; ratio: number };
  idle: IdleResult;
  continueAsNew: ContinueAsNewResult;
  workerRssMb: { prebuiltBundleAfterStart: number; prebuiltBundleStormPeak: number; libWorkerIdle: number; libWorkerLifetimePeak: number };
  workerStopMs: { poll1: number; poll30: number };
}

const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)}` : 'n/a');
const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const dist = (d: Distribution) => `${ms(d.p50)} / ${ms(d.p90)} / ${ms(d.p99)} / ${ms(d.max)}`;
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

/** The pipeline's overhead over the same work without Temporal, against the baseline with the same pickup. */
export function durabilityTax(result: BenchResult) {
  const temporal = result.latency.temporal.latencyMs.p50;
  const baseline = result.latency.baselineWaitForGrowth.latencyMs.p50;
  const plain = result.latency.baselinePlainPoll.latencyMs.p50;
  return { ms: temporal - baseline, ratio: temporal / baseline, vsPlainPollMs: temporal - plain, vsPlainPollRatio: temporal / plain };
}

export function renderReport(r: BenchResult): string {
  const pollMs = r.latency.pollSeconds * 1000;
  const tax = durabilityTax(r);
  const t = r.latency.temporal;
  const rows: string[][] = [
    ['wake→DM, Temporal, poll 1 s (p50 / p90 / p99 / max ms)', `${dist(t.latencyMs)} (n=${t.latencyMs.n}, missing ${t.missing}, dup ${t.duplicates}, fallbacks ${t.fallbacks})`, `p99 ≤ ${pollMs + 500}`, verdict(t.missing === 0 && t.fallbacks === 0 && t.latencyMs.p99 <= pollMs + 500)],
    ['wake→DM, baseline plain poll loop, poll 1 s', `${dist(r.latency.baselinePlainPoll.latencyMs)} (n=${r.latency.baselinePlainPoll.latencyMs.n})`, '', ''],
    ['wake→DM, baseline loop with the same wait-for-growth', `${dist(r.latency.baselineWaitForGrowth.latencyMs)} (n=${r.latency.baselineWaitForGrowth.latencyMs.n})`, '', ''],
    ['durability tax at p50 (vs same-pickup baseline)', `${ms(tax.ms)} ms, × ${fixed(tax.ratio)}`, '≤ 250 ms', verdict(tax.ms <= 250)],
    ['durability tax at p50 (vs plain poll loop)', `${ms(tax.vsPlainPollMs)} ms, × ${fixed(tax.vsPlainPollRatio)}`, '', ''],
    ['wake→DM, Temporal, default poll 30 s (p50 / p90 / p99 / max ms)', `${dist(r.latency.defaultPoll.latencyMs)} (n=${r.latency.defaultPoll.latencyMs.n}, missing ${r.latency.defaultPoll.missing}, fallbacks ${r.latency.defaultPoll.fallbacks})`, '', ''],
    ['storm: investigations started / DMs (10,000 wakes, 100 pairs)', `${r.storm.investigationsStarted} / ${r.storm.dms} (dup ${r.storm.duplicates}, debounced ${r.storm.debounced}, fallbacks ${r.storm.fallbacks})`, 'exactly 100', verdict(r.storm.investigationsStarted === 100 && r.storm.dms === 100 && r.storm.duplicates === 0 && r.storm.fallbacks === 0)],
    ['storm: tail caught up / all starts counted / DMs p50, last (ms)', `${ms(r.storm.tailCaughtUpMs)} / ${ms(r.storm.countedMs)} / ${ms(r.storm.dmArrivalMs.p50)}, ${ms(r.storm.drainedMs)}`, '≤ 30000', verdict(r.storm.drainedMs <= 30_000)],
    ['storm: rows/s through the tail', `${ms(r.storm.rowsPerSecond)}`, '', ''],
    ['tail read, 1 MB vs 1 GB file (median ms)', `${fixed(r.tailCost.smallMs.p50, 3)} vs ${fixed(r.tailCost.largeMs.p50, 3)}, × ${fixed(r.tailCost.ratio)}`, '≤ × 1.2', verdict(r.tailCost.ratio <= 1.2)],
    ['idle worker CPU, poll 30 s', `${fixed(r.idle.cpuPercent)} % over ${r.idle.windowS} s`, '≤ 1 %', verdict(r.idle.cpuPercent <= 1)],
    ['idle tail history events per hour, poll 30 s', `${ms(r.idle.historyEventsPerHour)} (${r.idle.historyEvents} in ${r.idle.windowS} s)`, '', ''],
    ['tail history across continue-as-new (limit 60, poll 0.2 s)', `longest run ${r.continueAsNew.maxHistoryLength} events over ${r.continueAsNew.runs} runs`, 'bounded', verdict(r.continueAsNew.runs > 1 && r.continueAsNew.maxHistoryLength <= r.continueAsNew.historyEventLimit + 40)],
    ['worker peak RSS during the storm', `${fixed(r.storm.peakRssMb, 0)} MB (${r.storm.peakRssSource})`, '≤ 250 MB', verdict(r.storm.peakRssMb <= 250)],
    ['worker RSS: after start (poll 1 s) / idle at poll 30 s / peak of the poll-30 s worker over its phase', `${fixed(r.workerRssMb.prebuiltBundleAfterStart, 0)} / ${fixed(r.workerRssMb.libWorkerIdle, 0)} / ${fixed(r.workerRssMb.libWorkerLifetimePeak, 0)} MB`, '', ''],
    ['worker SIGTERM → exit, poll 1 s / 30 s', `${ms(r.workerStopMs.poll1)} / ${ms(r.workerStopMs.poll30)} ms`, '', ''],
  ];
  const m = r.machine;
  const header = [
    `probe-wake bench (${r.kind}), ${r.date}, ${r.durationS} s`,
    `machine: ${m.cores} x ${m.cpuModel}, ${m.memoryGb} GB, ${m.kernel}; Node ${m.node}; Temporal SDK ${m.temporalSdk}; ${m.temporalCli}`,
    `load average (1 min): ${fixed(m.loadAverageStart)} at start, ${fixed(m.loadAverageEnd ?? Number.NaN)} at end; fake LLM latency ${r.llmLatencyMs} ms`,
    '',
    '| measure | result | target | verdict |',
    '|---|---|---|---|',
  ];
  return [...header, ...rows.map((row) => `| ${row.join(' | ')} |`), ''].join('\n');
}
