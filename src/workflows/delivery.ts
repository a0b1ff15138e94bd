import { condition, proxyActivities, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { dmReportSignal, enqueueDmSignal, OUTBOX_WORKFLOW_TYPE, outboxWorkflowId, type DmReport, type DmRequest } from '../api';

/** What the investigation's outcome says about its DM. */
export interface Delivery {
  dmSent: boolean;
  dmReason?: string;
  slackTs?: string;
  /** When Slack took it (ISO-8601). */
  dmDeliveredAt?: string;
  /** How long after the investigation asked; the DM itself says so when it is late. */
  dmLateMs?: number;
}

/** The outbox reports at its horizon at the latest; this much more covers a busy queue before the investigation stops waiting. */
const REPORT_GRACE_MS = 3_600_000;
export const DM_REPORT_MISSING = 'dm_report_missing';

const { enqueueDm } = proxyActivities<Pick<Activities, 'enqueueDm'>>({
  startToCloseTimeout: '30s',
  // Temporal itself being briefly unreachable from the worker: keep trying, the DM must get queued.
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s' },
});

const { dmDeliverySettings } = proxyLocalActivities<Pick<Activities, 'dmDeliverySettings'>>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 10 },
});

/**
 * Hands the DM to the deployment's outbox and waits for its report: the
 * outbox delivers through rate limits and outages up to the horizon.
 */
export async function deliverThroughOutbox(text: string): Promise<Delivery> {
  const key = workflowInfo().workflowId;
  let dmReport: DmReport | undefined;
  setHandler(dmReportSignal, (arrived) => {
    if (arrived.key === key) dmReport ??= arrived;
  });
  const { horizonMs } = await dmDeliverySettings();
  await enqueue({ key, text, requestedAtMs: Date.now() });
  // In steps, not one long timer: a waiting workflow's next timer is where a time-skipping test server may jump to.
  const giveUpAtMs = Date.now() + horizonMs + REPORT_GRACE_MS;
  while (dmReport === undefined && Date.now() < giveUpAtMs) {
    const waitedMs = Date.now() - (giveUpAtMs - horizonMs - REPORT_GRACE_MS);
    await condition(() => dmReport !== undefined, waitedMs < 30 * 60_000 ? 60_000 : 10 * 60_000);
  }
  const settled = dmReport as DmReport | undefined;
  if (!settled) return { dmSent: false, dmReason: DM_REPORT_MISSING };
  if (!settled.delivered) return { dmSent: false, dmReason: settled.reason };
  return { dmSent: true, slackTs: settled.ts, dmDeliveredAt: new Date(settled.deliveredAtMs).toISOString(), dmLateMs: settled.lateMs };
}

/** One signal-with-start by activity: the outbox starts if absent, and the request is in it either way. */
async function enqueue(request: DmRequest): Promise<void> {
  const { taskQueue } = workflowInfo();
  await enqueueDm({ outbox: { workflowId: outboxWorkflowId(taskQueue), workflowType: OUTBOX_WORKFLOW_TYPE, signal: enqueueDmSignal.name, taskQueue }, request });
}
