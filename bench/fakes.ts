import { anthropicMessage, FAKE_DIAGNOSIS } from '../test/support/fakeAnthropic';
import { FakeHttpServer } from '../test/support/fakeHttp';
import { FakeSlack } from '../test/support/fakeSlack';

/** The Anthropic fake of the tests, answering every request after `latencyMs` (0: at once). */
export class BenchAnthropic extends FakeHttpServer {
  constructor(latencyMs: number) {
    super((path) => {
      if (!path.endsWith('/v1/messages')) return undefined;
      const ok = { kind: 'ok' as const, body: anthropicMessage(FAKE_DIAGNOSIS) };
      return () => (latencyMs > 0 ? { kind: 'slow', delayMs: latencyMs, then: ok } : ok);
    });
  }
}

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
