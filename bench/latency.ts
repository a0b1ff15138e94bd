import type { BenchSlack } from './fakes';
import { seededRandom } from './stats';
import { appendTimed, sleep, wakeRow } from './workload';

export interface LatencyRun {
  latenciesMs: number[];
  /** Wakes whose DM never came within the settle time. */
  missing: number;
  /** DMs beyond the first for one wake (must be 0). */
  duplicates: number;
  /** Roots of these wakes whose final text is the fallback DM, not a diagnosis (0 with a healthy model). */
  fallbacks: number;
}

export interface LatencyOptions {
  file: string;
  slack: BenchSlack;
  /** Probe-name prefix: each wake is its own (probe, category) pair, so no debounce. */
  prefix: string;
  count: number;
  /** Gaps are uniform in [0.5, 1.5] x this, so wakes land at every phase of the poll. */
  meanGapMs: number;
  seed: number;
  settleMs: number;
  progress: (message: string) => void;
}

/** Appends wakes one by one and times each from its append to the fake Slack receiving its DM. */
export async function measureWakeToDm(options: LatencyOptions): Promise<LatencyRun> {
  const random = seededRandom(options.seed);
  const appendedAt = new Map<string, number>();
  const arrivedAt = new Map<string, number>();
  let duplicates = 0;
  const collect = () => {
    for (const dm of options.slack.takeArrivals()) {
      if (!appendedAt.has(dm.probe)) continue;
      if (arrivedAt.has(dm.probe)) duplicates += 1;
      else arrivedAt.set(dm.probe, dm.at);
    }
  };
  const step = Math.max(1, Math.floor(options.count / 4));
  for (let i = 0; i < options.count; i++) {
    const probe = `${options.prefix}${i}`;
    appendedAt.set(probe, appendTimed(options.file, wakeRow(probe, 'latency', `${options.prefix}-w${i}`, i)));
    if ((i + 1) % step === 0) {
      collect();
      options.progress(`  ${i + 1}/${options.count} wakes appended, ${arrivedAt.size} DMs in`);
    }
    await sleep(options.meanGapMs * (0.5 + random()));
  }
  const deadline = Date.now() + options.settleMs;
  while (arrivedAt.size < options.count && Date.now() < deadline) {
    await sleep(50);
    collect();
  }
  await sleep(300); // a late duplicate would show up here
  collect();
  const latenciesMs = [...arrivedAt].map(([probe, at]) => at - appendedAt.get(probe)!);
  const fallbacks = options.slack.fallbacks((key) => key.startsWith(`probe-investigation:${options.prefix}`));
  return { latenciesMs, missing: options.count - arrivedAt.size, duplicates, fallbacks };
}
