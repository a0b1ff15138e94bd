import { FAKE_DIAGNOSIS, FakeAnthropic } from '../test/support/fakeAnthropic';
import { FakeSlack } from '../test/support/fakeSlack';

/**
 * The tests' faithful Anthropic fake (SSE when the client streams, as askModel does), whose
 * every answer is the plain diagnosis spread over `latencyMs` (0: at once): a model that
 * takes that long to write its answer, streaming it a chunk about every 500 ms, pings every 5 s
 * (https://platform.claude.com/docs/en/build-with-claude/streaming).
 */
export function benchAnthropic(latencyMs: number): FakeAnthropic {
  const anthropic = new FakeAnthropic();
  if (latencyMs > 0) anthropic.respond = () => FakeAnthropic.slowStream(FAKE_DIAGNOSIS, latencyMs, 500);
  return anthropic;
}

/** The fallback DM's line (src/domain/dmText.ts): the model's answer never made it into the DM. */
const FALLBACK_LINE = 'I was unable to investigate';

export interface DmArrival {
  probe: string;
  category: string;
  workflowId: string;
  at: number;
}

/**
 * The Slack fake of the tests, reporting each chat.postMessage by the
 * investigation ID in its metadata (the message's identity; see deliverMessage).
 */
export class BenchSlack extends FakeSlack {
  private seen = 0;

  /** Roots whose key `ours` accepts and whose current text is the fallback DM, not a diagnosis. */
  fallbacks(ours: (key: string) => boolean): number {
    return this.roots.filter((m) => m.key !== undefined && ours(m.key) && m.text.includes(FALLBACK_LINE)).length;
  }

  /** DMs received since the last call (requests are recorded in arrival order). */
  takeArrivals(): DmArrival[] {
    const posts = this.requestsTo('chat.postMessage');
    const fresh = posts.slice(this.seen);
    this.seen = posts.length;
    return fresh.map((request) => {
      const metadata = request.body.metadata as { event_payload?: { key?: string } } | undefined;
      const workflowId = String(metadata?.event_payload?.key ?? '');
      // probe-investigation:{probe}:{category}:{windowKey}
      const [, probe = '', category = ''] = workflowId.split(':');
      return { probe, category, workflowId, at: request.at };
    });
  }
}
