import { appendFileSync } from 'node:fs';
import { INVESTIGATION_RUNNING } from '../src/domain/incidentMessage';
import type { BenchSlack } from './fakes';
import { distribution, seededRandom, type Distribution } from './stats';
import { appendTimed, sleep, wakeRow } from './workload';

/**
 * Issue 13's figures, read from the fake Slack's record (what the operator's DM holds), not from
 * requests: a 429 is not a message.
 */
export interface IncidentLatency {
  wakes: number;
  llmLatencyMs: number;
  /** Append → the root message is in the DM (the alert, or the diagnosis when it came before the paced post). */
  firstMessageMs: Distribution;
  /** Append → the root holds its final revision (the diagnosis: no "investigation running…"). */
  diagnosisMs: Distribution;
  /** Roots posted as the alert and then edited (the rest carried the diagnosis in their first post). */
  alertThenEdit: number;
  missing: number;
  /** Roots whose final text is the fallback (the model's answer never made it), not a diagnosis. */
  fallbacks: number;
  /** Second root messages of one investigation (must be 0). */
  duplicates: number;
}

/** Appends wakes one by one on distinct pairs and samples the fake's record every 25 ms. */
export async function measureIncidentLatency(
  file: string,
  slack: BenchSlack,
  options: { prefix: string; count: number; meanGapMs: number; seed: number; settleMs: number; llmLatencyMs: number; progress: (m: string) => void },
): Promise<IncidentLatency> {
  const random = seededRandom(options.seed);
  const appendedAt = new Map<string, number>();
  const firstAt = new Map<string, number>();
  const diagnosedAt = new Map<string, number>();
  const alertFirst = new Set<string>();
  const keyOf = (i: number) => `probe-investigation:${options.prefix}${i}:lifecycle:${options.prefix}-w${i}`;
  const sample = () => {
    const now = Date.now();
    for (const root of slack.roots) {
      if (!root.key || !appendedAt.has(root.key)) continue;
      if (!firstAt.has(root.key)) {
        firstAt.set(root.key, now);
        if (root.edits.length === 0 && root.text.includes(INVESTIGATION_RUNNING)) alertFirst.add(root.key);
      }
      if (!diagnosedAt.has(root.key) && !root.text.includes(INVESTIGATION_RUNNING)) diagnosedAt.set(root.key, now);
    }
  };
  let appending = true;
  let deadline = Number.POSITIVE_INFINITY;
  const sampler = (async () => {
    while (appending || (diagnosedAt.size < options.count && Date.now() < deadline)) {
      sample();
      await sleep(25);
    }
  })();
  for (let i = 0; i < options.count; i++) {
    appendedAt.set(keyOf(i), appendTimed(file, wakeRow(`${options.prefix}${i}`, 'lifecycle', `${options.prefix}-w${i}`, i)));
    await sleep(options.meanGapMs * (0.5 + random()));
  }
  deadline = Date.now() + options.settleMs;
  appending = false;
  await sampler;
  await sleep(1_000);
  const roots = slack.roots.filter((m) => m.key && appendedAt.has(m.key));
  const since = (at: Map<string, number>) => [...at].map(([key, t]) => t - appendedAt.get(key)!);
  options.progress(`  ${firstAt.size} roots, ${diagnosedAt.size} diagnosed`);
  return {
    wakes: options.count,
    llmLatencyMs: options.llmLatencyMs,
    firstMessageMs: distribution(since(firstAt)),
    diagnosisMs: distribution(since(diagnosedAt)),
    alertThenEdit: [...alertFirst].filter((key) => diagnosedAt.has(key)).length,
    missing: options.count - diagnosedAt.size,
    fallbacks: slack.fallbacks((key) => appendedAt.has(key)),
    duplicates: roots.length - new Set(roots.map((m) => m.key)).size,
  };
}

export interface StormVisibility {
  pairs: number;
  /** Append → every pair is named in a message the DM holds: the storm digest or its own root. */
  allVisibleMs: number;
  /** Append → the first storm digest is in the DM. */
  digestMs: number;
  /** Append → every pair has its own root (paced at about 1 post a second). */
  allRootsMs: number;
  digests: number;
  /** Revisions the digest took (edits as pairs joined). */
  digestEdits: number;
  visible: number;
  duplicateRoots: number;
  /** The pairs' roots whose final text is the fallback DM, not a diagnosis (0 with a healthy model). */
  fallbacks: number;
  rateLimited: number;
}

/**
 * "Storm of 100 pairs through the rate-limited Slack": one wake on each pair, appended at once. A pair is
 * visible once a message in the fake names it: the digest's line for it (`` `probe` · `category` ``)
 * or its own root.
 */
export async function measureStormVisibility(file: string, slack: BenchSlack, pairs: number, deadlineMs: number, progress: (m: string) => void): Promise<StormVisibility> {
  const names = Array.from({ length: pairs }, (_, i) => ({ probe: `vis${i}`, category: 'storm', key: `probe-investigation:vis${i}:storm:vis-w${i}` }));
  const limitedBefore = slack.rateLimitedPosts;
  // Digests of earlier storms are not this storm's.
  const earlier = new Set(slack.roots.filter((m) => m.key?.startsWith('probe-storm:')).map((m) => m.key));
  const t0 = Date.now();
  appendFileSync(file, names.map((n, i) => wakeRow(n.probe, n.category, `vis-w${i}`, i)).join(''));
  const visibleAt = new Map<string, number>();
  const rootAt = new Map<string, number>();
  let digestAt: number | undefined;
  let lastLogged = 0;
  const isDigest = (key: string | undefined) => key?.startsWith('probe-storm:') === true && !earlier.has(key);
  while (Date.now() - t0 < deadlineMs && rootAt.size < pairs) {
    const now = Date.now();
    const digests = slack.roots.filter((m) => isDigest(m.key));
    if (digests.length > 0) digestAt ??= now;
    const digestText = digests.map((m) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`).join('\n');
    const roots = new Set(slack.roots.map((m) => m.key));
    for (const n of names) {
      if (roots.has(n.key) && !rootAt.has(n.key)) rootAt.set(n.key, now);
      if (!visibleAt.has(n.key) && (roots.has(n.key) || digestText.includes(`\`${n.probe}\` · \`${n.category}\``))) visibleAt.set(n.key, now);
    }
    if (visibleAt.size - lastLogged >= 25) {
      lastLogged = visibleAt.size;
      progress(`  ${visibleAt.size}/${pairs} pairs visible, ${rootAt.size} roots after ${Math.round((now - t0) / 1000)} s`);
    }
    await sleep(50);
  }
  await sleep(3_000);
  const roots = slack.roots.filter((m) => names.some((n) => n.key === m.key));
  const digests = slack.roots.filter((m) => isDigest(m.key));
  const last = (at: Map<string, number>) => (at.size === pairs ? Math.max(...at.values()) - t0 : Number.NaN);
  return {
    pairs,
    allVisibleMs: last(visibleAt),
    digestMs: digestAt === undefined ? Number.NaN : digestAt - t0,
    allRootsMs: last(rootAt),
    digests: digests.length,
    digestEdits: digests.reduce((n, m) => n + m.edits.length, 0),
    visible: visibleAt.size,
    duplicateRoots: roots.length - new Set(roots.map((m) => m.key)).size,
    fallbacks: slack.fallbacks((key) => names.some((n) => n.key === key)),
    rateLimited: slack.rateLimitedPosts - limitedBefore,
  };
}
