/**
 * The workflow side of the outbox: any workflow (an investigation, the tail)
 * queues keyed message revisions with `sendMessage`, and waits for the one it
 * needs with `messageDelivered`. Reports arrive by the messageReport signal;
 * one handler per workflow keeps the newest report of every key.
 */
import { condition, proxyActivities, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { enqueueMessageSignal, messageReportSignal, OUTBOX_WORKFLOW_TYPE, outboxWorkflowId, type OutboxReport, type OutboxRequest, type SlackMessage } from '../api';

/** What a workflow learns about one revision of one message. */
export interface Delivery {
  dmSent: boolean;
  dmReason?: string;
  slackTs?: string;
  /** Where Slack holds it (with `slackTs`): an edit or a thread reply may name it. */
  channel?: string;
  /** The revision Slack holds (delivered) or the one given up. */
  revision?: number;
  /** When Slack took it (ISO-8601). */
  dmDeliveredAt?: string;
  /** How long after the request; a post itself says so when it is late. */
  dmLateMs?: number;
  /** Found already in Slack by the look-up before a re-post, rather than posted by this attempt. */
  alreadyPosted?: boolean;
}

export type MessageRequest = Omit<OutboxRequest, 'requestedAtMs' | 'reportTo'> & {
  /** Tell this workflow when Slack holds it (default true); false: nobody waits for it (the storm digest). */
  report?: boolean;
};

/** The outbox reports at its horizon at the latest; this much more covers a busy queue before the workflow stops waiting. */
const REPORT_GRACE_MS = 3_600_000;
export const DM_REPORT_MISSING = 'dm_report_missing';

const { enqueueMessage } = proxyActivities<Pick<Activities, 'enqueueMessage'>>({
  startToCloseTimeout: '30s',
  // Temporal itself being briefly unreachable from the worker: keep trying, the message must get queued.
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s' },
});

const { dmDeliverySettings } = proxyLocalActivities<Pick<Activities, 'dmDeliverySettings'>>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 10 },
});

// Per workflow: the SDK keeps each workflow's module state apart (its module cache lives on the workflow's global object).
const reports = new Map<string, OutboxReport>();
const sentAtMs = new Map<string, number>();
let listening = false;
let horizon: Promise<number> | undefined;

function listen(): void {
  if (listening) return;
  listening = true;
  setHandler(messageReportSignal, (report) => {
    const known = reports.get(report.key);
    // The newest revision wins; for one revision, the later report (a redelivered one after a give-up).
    if (!known || report.revision >= known.revision) reports.set(report.key, report);
  });
}

/** Queues one request with the deployment's outbox (signal-with-start by activity); returns at once after queueing. */
export async function sendMessage(request: MessageRequest): Promise<void> {
  listen();
  const { report = true, ...rest } = request;
  const { workflowId, taskQueue } = workflowInfo();
  const requestedAtMs = Date.now();
  sentAtMs.set(request.key, requestedAtMs);
  const full: OutboxRequest = { ...rest, requestedAtMs, ...(report ? { reportTo: workflowId } : {}) };
  await enqueueMessage({
    outbox: { workflowId: outboxWorkflowId(taskQueue), workflowType: OUTBOX_WORKFLOW_TYPE, signal: enqueueMessageSignal.name, taskQueue },
    request: full,
  });
}

/** The storm digest (the tail's): ahead of every queued post, and nobody waits for its report. */
export async function sendUrgentMessage(key: string, revision: number, message: SlackMessage): Promise<void> {
  await sendMessage({ key, revision, message, urgent: true, report: false });
}

/** The newest report of `key` seen so far, if any (for a workflow that must not wait). */
export function latestReport(key: string): OutboxReport | undefined {
  listen();
  return reports.get(key);
}

/**
 * Resolves when the outbox reports `key` at `revision` or later (or gives it
 * up): the Delivery of that revision. Gives up waiting past the outbox's
 * horizon plus a grace (then `dm_report_missing`).
 */
export async function messageDelivered(key: string, revision: number): Promise<Delivery> {
  listen();
  const horizonMs = await (horizon ??= dmDeliverySettings().then((s) => s.horizonMs));
  const settled = () => {
    const report = reports.get(key);
    return report !== undefined && report.revision >= revision;
  };
  const fromMs = sentAtMs.get(key) ?? Date.now();
  const giveUpAtMs = fromMs + horizonMs + REPORT_GRACE_MS;
  // In steps, not one long timer: a waiting workflow's next timer is where a time-skipping test server may jump to.
  while (!settled() && Date.now() < giveUpAtMs) {
    const waitedMs = Date.now() - fromMs;
    await condition(settled, waitedMs < 30 * 60_000 ? 60_000 : 10 * 60_000);
  }
  const report = reports.get(key);
  if (!report || report.revision < revision) return { dmSent: false, dmReason: DM_REPORT_MISSING };
  return deliveryOf(report);
}

export function deliveryOf(report: OutboxReport): Delivery {
  if (!report.delivered) return { dmSent: false, dmReason: report.reason, revision: report.revision };
  return {
    dmSent: true,
    slackTs: report.ts,
    channel: report.channel,
    revision: report.revision,
    dmDeliveredAt: new Date(report.deliveredAtMs).toISOString(),
    dmLateMs: report.lateMs,
    alreadyPosted: report.alreadyPosted,
  };
}
