import { appendFileSync } from 'node:fs';
import type { BenchSlack } from './fakes';
import { sleep, wakeRow } from './workload';

export interface SlackStormResult {
  pairs: number;
  /** The fake's per-channel limit on chat.postMessage (its faithful default). */
  postsPerSecond: number;
  postBurst: number;
  delivered: number;
  lost: number;
  duplicates: number;
  /** Roots whose final text is the fallback DM, not a diagnosis (0 with a healthy model). */
  fallbacks: number;
  /** Posts the fake answered HTTP 429 (each retried by the outbox after Retry-After). */
  rateLimited: number;
  /** Append → the last DM Slack accepted. */
  lastDmMs: number;
  /** Append → the first DM Slack accepted. */
  firstDmMs: number;
}

/**
 * "Storm through a rate-limited Slack" (issue 12): one wake on each of `pairs`
 * distinct probe/category pairs, appended at once, so `pairs` DMs are due
 * together through a Slack that holds chat.postMessage to about one a second
 * per channel. Counts only the posts Slack accepted (a 429 is not a DM).
 */
export async function runSlackStorm(file: string, slack: BenchSlack, pairs: number, deadlineMs: number, progress: (m: string) => void): Promise<SlackStormResult> {
  const rows = Array.from({ length: pairs }, (_, i) => wakeRow(`rl${i}`, 'auth', `rl-w${i}`, i));
  const ours = () => slack.dms.filter((dm) => String(dm.metadata?.event_payload?.key ?? '').startsWith('probe-investigation:rl'));
  const limitedBefore = slack.rateLimitedPosts;
  const t0 = Date.now();
  appendFileSync(file, rows.join(''));
  const firstAt = new Map<string, number>();
  let posts = 0;
  let lastLogged = 0;
  while (Date.now() - t0 < deadlineMs) {
    await sleep(200);
    const dms = ours();
    for (const dm of dms.slice(posts)) {
      const id = String(dm.metadata?.event_payload?.key);
      if (!firstAt.has(id)) firstAt.set(id, Date.now());
    }
    posts = dms.length;
    if (firstAt.size - lastLogged >= 20) {
      lastLogged = firstAt.size;
      progress(`  ${firstAt.size}/${pairs} DMs after ${Math.round((Date.now() - t0) / 1000)} s`);
    }
    if (firstAt.size >= pairs) break;
  }
  await sleep(5_000); // a duplicate would arrive here
  const dms = ours();
  const distinct = new Set(dms.map((dm) => String(dm.metadata?.event_payload?.key)));
  const times = [...firstAt.values()];
  return {
    pairs,
    postsPerSecond: 1,
    postBurst: 3,
    delivered: distinct.size,
    lost: pairs - distinct.size,
    duplicates: dms.length - distinct.size,
    fallbacks: slack.fallbacks((key) => key.startsWith('probe-investigation:rl')),
    rateLimited: slack.rateLimitedPosts - limitedBefore,
    lastDmMs: times.length ? Math.max(...times) - t0 : Number.NaN,
    firstDmMs: times.length ? Math.min(...times) - t0 : Number.NaN,
  };
}
