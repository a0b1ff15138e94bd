import { MockActivityEnvironment } from '@temporalio/testing';
import type { Activities } from '../src/activities';
import type { AuditCursor, ReadBatch } from '../src/domain/tailTypes';
import * as debounce from '../src/domain/debounce';
import { turnText } from '../src/domain/agent';
import { shapeAnswer } from '../src/domain/answerContract';
import type { Wake } from '../src/domain/auditRow';
import { formatDm, type Finding } from '../src/domain/dmText';
import { completedRow, startedRow } from '../src/domain/investigationRows';
import { investigationWorkflowId, type TailSettings } from '../src/api';
import { sleep } from './workload';

/** Runs an activity function in an activity context (heartbeats, cancellation signal, logger), in this process. */
export function inActivity<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return new MockActivityEnvironment().run(fn as never, ...(args as unknown as never[])) as Promise<R>;
}

/** How the loop waits between ticks: a plain sleep, or the pipeline's own wait-for-growth. */
export type Pickup = (path: string, cursor: AuditCursor, pollMs: number) => Promise<void>;

export const plainSleep: Pickup = (_path, _cursor, pollMs) => sleep(pollMs);

/**
 * The no-Temporal baseline: the same activity functions (run in an activity
 * context, in this process) and the same domain rules, driven by a plain loop:
 * read until caught up, investigate + DM each new window together, wait, repeat.
 * Nothing is durable: this is what the durability tax is measured against.
 */
export function startBaselineLoop(activities: Activities, settings: TailSettings, pickup: Pickup) {
  const run = inActivity;
  let stopped = false;
  let cursor: AuditCursor | null = null;
  let windows: debounce.WindowTable = {};
  const inFlight = new Set<Promise<void>>();

  // The investigation workflow's steps, as plain calls: telemetry, prepare, one model turn (the bench's
  // fake model answers at once), shape + format, DM, telemetry.
  const deliver = async (wake: Wake, windowKey: string) => {
    const workflowId = investigationWorkflowId(wake.probe, wake.category, windowKey);
    const startedAt = Date.now();
    await run(activities.appendInvestigationRow, startedRow(wake, workflowId, startedAt)).catch(() => undefined);
    let finding: Finding;
    try {
      const prepared = await run(activities.prepareInvestigation, { wake });
      const turn = await run(activities.askModel, { messages: [{ role: 'user', content: prepared.user }], finalTurn: false });
      const text = turnText(turn);
      finding = text ? { investigated: true, text: shapeAnswer(text, wake.envelope) } : { investigated: false, reason: 'empty_response_text' };
    } catch (err) {
      finding = { investigated: false, reason: (err as Error).name };
    }
    const dmSent = await run(activities.deliverMessage, { action: 'post', message: { text: formatDm(wake, finding) }, key: workflowId, checkFirst: false, checkSinceMs: Date.now() }).then(
      (result) => result.kind === 'posted',
      () => false,
    );
    const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
    const facts = { outcome: finding.investigated ? ('investigated' as const) : ('fallback' as const), dmSent, turnCount: 1, toolCalls: 0, usage, costUsd: 0, latencyMs: Date.now() - startedAt };
    await run(activities.appendInvestigationRow, completedRow(wake, workflowId, Date.now(), facts)).catch(() => undefined);
  };

  const loop = (async () => {
    while (!stopped) {
      for (;;) {
        const batch: ReadBatch = await run(activities.readAuditLog, { path: settings.auditLogPath, cursor, replayFromStart: false });
        cursor = batch.cursor;
        const nowMs = Date.now();
        windows = debounce.pruneExpired(windows, nowMs);
        for (const wake of batch.wakes) {
          const decision = debounce.decide(windows, wake, nowMs, settings.debounce);
          if (decision.action === 'debounce') continue;
          windows = debounce.stampWindow(windows, wake, decision.windowKey, nowMs, settings.debounce);
          // Like the tail's children: started together, not awaited by the next read.
          const delivery = deliver(wake, decision.windowKey).finally(() => inFlight.delete(delivery));
          inFlight.add(delivery);
        }
        if (batch.caughtUp) break;
      }
      if (!stopped) await pickup(settings.auditLogPath, cursor!, settings.pollSeconds * 1000);
    }
  })();

  return {
    /** Resolves once the loop has stamped its cursor (the end of the file, as the tail does). */
    async ready(): Promise<void> {
      while (cursor === null) await sleep(20);
    },
    async stop(): Promise<void> {
      stopped = true;
      await loop;
      await Promise.all(inFlight);
    },
  };
}
