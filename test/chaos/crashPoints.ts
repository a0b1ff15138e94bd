import type { WorkflowHandle } from '@temporalio/client';
import type { FailpointHit } from './failpointServer';
import { eventually } from '../support/poll';
import { threadReplyKey } from '../../src/api';
import { MISS_ENDS_WAIT, type Lane, type VerdictOptions, type WakeTarget } from './harness';

export type PointId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g';

/** A point armed for one run: `reached` resolves with evidence once the worker is exactly there; then it is killed. */
export interface Armed {
  reached: Promise<string>;
  disarm(): void;
}

export interface CrashPoint {
  id: PointId;
  title: string;
  arm(lane: Lane, targets: WakeTarget[]): Armed;
  /** What the run's verdicts wait for beyond the diagnosis (g: the recovery). */
  verdicts?: VerdictOptions;
  /** The point appends the targets' wakes itself (g: it needs them diagnosed before it arms). */
  appendsItself?: boolean;
}

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

/** How long a run may take to reach its point before it counts as "point not reached". */
const REACH_TIMEOUT_MS = 60_000;
/** From a freeze to its state showing in history: the completion is already on its way. */
const HISTORY_TIMEOUT_MS = 15_000;

export const CRASH_POINTS: CrashPoint[] = [
  {
    id: 'a',
    title: 'during the tail read (readAuditLog in flight)',
    arm: (lane, targets) =>
      onFailpoint(lane, targets, 'readAuditLog.read', 'hold', async (hit) => {
        const wakes = hit.details.wakeIds?.filter((id) => targets.some((t) => t.wakeId === id)).length ?? 0;
        return `readAuditLog attempt ${hit.attempt} held in pid ${hit.pid} with ${wakes}/${targets.length} wakes read`;
      }),
  },
  {
    id: 'b',
    title: 'after the read, before investigations start',
    arm: (lane, targets) =>
      onFailpoint(lane, targets, 'readAuditLog.read', 'freeze', async (hit) => {
        const childIds = new Set(targets.map((t) => t.workflowId));
        return eventually(
          async () => {
            const events = await historyOf(lane, hit);
            if (events.some((e) => childIds.has(e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? ''))) {
              throw new Error('missed: an investigation was started before the kill');
            }
            return activityCompleted(events, hit.activityId)
              ? `readAuditLog completed in history, no investigation started, pid ${hit.pid} frozen`
              : undefined;
          },
          HISTORY_TIMEOUT_MS,
          'the read to complete in the tail history',
          MISS_ENDS_WAIT,
        );
      }),
  },
  {
    id: 'c',
    title: 'during the LLM call',
    arm: (lane, targets) => {
      const before = lane.anthropic.messageRequests.length;
      for (const _ of targets) lane.anthropic.script('/v1/messages', { kind: 'hold' });
      const reached = eventually(
        () => {
          const held = lane.anthropic.messageRequests.slice(before);
          if (held.length < targets.length) return undefined;
          const prompts = held.map((r) => JSON.stringify(r.body));
          const covered = targets.filter((t) => prompts.some((p) => p.includes(t.category))).length;
          if (covered !== targets.length) throw new Error(`missed: held LLM requests cover ${covered}/${targets.length} wakes`);
          return `${held.length} Anthropic requests held open (one per wake)`;
        },
        REACH_TIMEOUT_MS,
        'the LLM requests',
        MISS_ENDS_WAIT,
      );
      return { reached, disarm: () => lane.anthropic.reset() };
    },
  },
  {
    id: 'd',
    title: 'after the LLM answered, before the diagnosis edit is handed to the outbox',
    arm: (lane, targets) =>
      onFailpoint(lane, targets, 'askModel.answered', 'freeze', async (hit) =>
        eventually(
          async () => {
            const events = await historyOf(lane, hit);
            // The alert (revision 0) was handed over before the model was asked; the diagnosis must not have been.
            const enqueued = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'enqueueMessage').length;
            if (enqueued > 1) throw new Error(`missed: the diagnosis was handed to the outbox (${enqueued} enqueueMessage scheduled) before the kill`);
            return activityCompleted(events, hit.activityId)
              ? `askModel (final answer) completed in ${hit.workflowId} history, only the alert enqueued, pid ${hit.pid} frozen`
              : undefined;
          },
          HISTORY_TIMEOUT_MS,
          'the LLM answer to complete in the investigation history',
          MISS_ENDS_WAIT,
        ),
      ),
  },
  {
    id: 'e',
    title: 'after Slack accepted the alert post, before deliverMessage completed',
    arm: (lane, targets) => {
      // The outbox posts one DM at a time: the first post is accepted and its answer held; the rest wait behind it.
      lane.slack.holdPostsAfterAccepting(1);
      const reached = eventually(
        () => {
          const accepted = targets.filter((t) => lane.dmsOf(t.workflowId).length > 0).length;
          return accepted >= 1 ? `${accepted} post accepted by Slack, its answer held (the outbox posts one at a time)` : undefined;
        },
        REACH_TIMEOUT_MS,
        'Slack to accept the posts',
        MISS_ENDS_WAIT,
      );
      return { reached, disarm: () => lane.slack.holdPostsAfterAccepting(0) };
    },
  },
  {
    id: 'f',
    title: 'between the alert post and the diagnosis edit (chat.update in flight)',
    arm: (lane, targets) => {
      const before = lane.slack.requestsTo('chat.update').length;
      // The first edit after the alerts (a diagnosis: the outbox edits one at a time) reaches Slack and is never answered.
      lane.slack.script('chat.update', { kind: 'hold' });
      const reached = eventually(
        () => {
          const roots = targets.map((t) => lane.dmsOf(t.workflowId)[0]);
          if (roots.some((root) => !root)) return undefined;
          const held = lane.slack.requestsTo('chat.update').slice(before)[0];
          if (!held) return undefined;
          const root = roots.find((r) => r!.ts === String(held.body.ts));
          if (!root) throw new Error(`missed: the held chat.update names ts ${String(held.body.ts)}, no root of this run`);
          if (root.edits.length > 0) throw new Error('missed: the root already took an edit');
          return `${roots.length} alerts posted, none edited; chat.update of ${root.key} held open by Slack`;
        },
        REACH_TIMEOUT_MS,
        'the alerts and the diagnosis edit',
        MISS_ENDS_WAIT,
      );
      return { reached, disarm: () => undefined };
    },
  },
  {
    id: 'g',
    title: 'between recovery detection and the recovery reply (its chat.postMessage in flight)',
    verdicts: { recovery: true },
    appendsItself: true,
    arm: (lane, targets) => {
      const reached = (async () => {
        await lane.append(targets);
        // The incidents first reach their diagnosis (root edited, details reply), as any window does.
        await eventually(
          () => (targets.every((t) => lane.diagnosedRoot(t.workflowId) && lane.slack.byKey(threadReplyKey(t.workflowId, 'details')).length > 0) ? true : undefined),
          REACH_TIMEOUT_MS,
          'the diagnoses',
          MISS_ENDS_WAIT,
        );
        const before = lane.slack.requestsTo('chat.postMessage').length;
        // The next post is the first recovered reply: it reaches Slack and is never answered (nor taken).
        lane.slack.script('chat.postMessage', { kind: 'hold' });
        await lane.appendHealthy(targets[0]!.probe, 2);
        return eventually(
          () => {
            const held = lane.slack.requestsTo('chat.postMessage').slice(before)[0];
            if (!held) return undefined;
            const body = JSON.stringify(held.body);
            const target = targets.find((t) => body.includes(threadReplyKey(t.workflowId, 'recovered')));
            if (!target) throw new Error(`missed: the held post is not a recovered reply of this run: ${body.slice(0, 200)}`);
            const root = lane.dmsOf(target.workflowId)[0]!;
            if (String(held.body.thread_ts) !== root.ts) throw new Error(`missed: the recovered reply was aimed at ${String(held.body.thread_ts)}, not its root ${root.ts}`);
            if (targets.some((t) => lane.slack.byKey(threadReplyKey(t.workflowId, 'recovered')).length > 0)) throw new Error('missed: a recovered reply was already posted');
            return `2 healthy results read, the tail closed ${targets.length} windows; the recovered reply of ${target.workflowId} held open by Slack, none posted`;
          },
          REACH_TIMEOUT_MS,
          'the recovered reply',
          MISS_ENDS_WAIT,
        );
      })();
      return { reached, disarm: () => undefined };
    },
  },
];

/**
 * Answers `action` at the first hit of `point` that concerns a target (its
 * wakes, or its investigation), `continue` at every other; `reached` then
 * resolves with what `confirm` finds.
 */
function onFailpoint(
  lane: Lane,
  targets: WakeTarget[],
  point: FailpointHit['point'],
  action: 'hold' | 'freeze',
  confirm: (hit: FailpointHit) => Promise<string>,
): Armed {
  const wakeIds = new Set(targets.map((t) => t.wakeId));
  const workflowIds = new Set(targets.map((t) => t.workflowId));
  let fire: (hit: FailpointHit) => void = () => undefined;
  const fired = new Promise<FailpointHit>((resolve) => (fire = resolve));
  let done = false;
  lane.failpoints.decide = (hit) => {
    const concerned = hit.details.wakeIds?.some((id) => wakeIds.has(id)) || workflowIds.has(hit.workflowId);
    if (done || hit.point !== point || !concerned) return 'continue';
    done = true;
    fire(hit);
    return action;
  };
  const reached = (async () => {
    const hit = await eventually(() => (done ? fired : undefined), REACH_TIMEOUT_MS, `failpoint ${point}`, MISS_ENDS_WAIT);
    if (hit.pid !== lane.worker?.pid) throw new Error(`missed: failpoint hit by pid ${hit.pid}, not the current worker ${lane.worker?.pid}`);
    return confirm(hit);
  })();
  return { reached, disarm: () => (lane.failpoints.decide = () => 'continue') };
}

async function historyOf(lane: Lane, hit: FailpointHit): Promise<HistoryEvent[]> {
  const history = await lane.client.workflow.getHandle(hit.workflowId, hit.runId).fetchHistory();
  return history.events ?? [];
}

function activityCompleted(events: HistoryEvent[], activityId: string): boolean {
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityId === activityId);
  if (!scheduled) return false;
  return events.some((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '') === String(scheduled.eventId));
}
