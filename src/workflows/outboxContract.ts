import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/**
 * The DM outbox's names (README "Temporal objects"): one long-lived workflow
 * per deployment (task queue) that posts the operator's DMs one at a time.
 */
export const OUTBOX_WORKFLOW_TYPE = 'probeOutboxWorkflow';

/** Deterministic: every investigation, worker and CLI of one task queue finds the same outbox. */
export function outboxWorkflowId(taskQueue: string): string {
  return `probe-outbox:${taskQueue}`;
}

/** One DM to deliver, keyed by the investigation that wrote it. */
export interface DmRequest {
  /** The investigation's workflow ID: the DM's identity (Slack metadata, dedup, where the report goes). */
  key: string;
  text: string;
  /** When the investigation asked for delivery (epoch ms, workflow time): lateness is counted from here. */
  requestedAtMs: number;
}

/** What the outbox tells the investigation once its DM is settled. */
export type DmReport =
  | { key: string; delivered: true; ts: string; channel: string; deliveredAtMs: number; lateMs: number; alreadyPosted: boolean }
  | { key: string; delivered: false; reason: string; atMs: number };

/** A DM given up on (past the horizon, or refused by Slack for good); `redeliver` sends it again. */
export interface UndeliveredDm extends DmRequest {
  reason: string;
  gaveUpAtMs: number;
  /** An attempt may have reached Slack: redelivery checks the channel before posting. */
  uncertain: boolean;
}

export interface OutboxView {
  queued: number;
  /** Oldest request still queued (epoch ms), if any. */
  oldestQueuedAtMs?: number;
  /** The head's last failure while it is being retried. */
  retrying?: { key: string; attempts: number; lastReason: string };
  delivered: number;
  undelivered: UndeliveredDm[];
}

/** From an investigation: deliver this DM (idempotent per key). */
export const enqueueDmSignal = defineSignal<[DmRequest]>('enqueueDm');
/** From the outbox to the investigation that asked. */
export const dmReportSignal = defineSignal<[DmReport]>('dmReport');
/** From `probe-wake redeliver`: queue every undelivered DM again with a fresh horizon; returns how many. */
export const redeliverUpdate = defineUpdate<{ requeued: number }, []>('redeliver');
export const getOutboxQuery = defineQuery<OutboxView>('getOutbox');
