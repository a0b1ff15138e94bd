import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { AskModelInput } from '../../src/activities/askModel';
import type { DeliverMessageInput as PostDmInput, DeliverMessageResult as PostDmResult } from '../../src/activities/deliverMessage';
import type { LlmTurn } from '../../src/domain/agent';
import type { InvestigationRow } from '../../src/domain/investigationRows';
import type { Wake } from '../../src/domain/auditRow';
import { FailureType } from '../../src/domain/failures';
import type { InvestigationOutcome } from '../../src/api';
import { mockModel, MOCK_REQUEST_ID, textTurn } from '../support/modelMocks';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';
import { DEFAULT_DELIVERY_HORIZON_MS } from '../../src/domain/delivery';
import { outboxSettled } from '../support/deliveryMocks';
import { enqueueMessage } from '../../src/activities/enqueueMessage';
import { getOutboxQuery, outboxWorkflowId } from '../../src/api';

const wake: Wake = {
  wakeId: 'w-7f3a',
  ts: '2026-11-23T10:15:02.113Z',
  probe: 'fly',
  category: 'auth',
  severity: 'critical',
  summary: 'Fly app(s) unreachable: HTTP 401',
  details: { status: 'unhealthy', error: 'HTTP 401' },
  impact: 'Deploy-control impact: app machines may be unreachable.',
  offset: 517,
};

const answer: LlmTurn = textTurn('Token rotated.\nNext step: mint a new token.', {
  model: 'claude-haiku-5-5',
  usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 2, cacheWriteTokens: 3 },
  costUsd: 0.0042,
});

type Investigate = (input: AskModelInput) => Promise<LlmTurn>;
type AppendTelemetry = (row: InvestigationRow) => Promise<{ appended: boolean }>;
type PostDm = (input: PostDmInput) => Promise<PostDmResult>;

let env: TestWorkflowEnvironment;
let run = 0;
beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

/** Runs one investigation against mocked activities; returns the outcome and how often each mock ran. */
async function investigateWith(investigate: Investigate, postDm: PostDm, appendTelemetry?: AppendTelemetry, horizonMs = DEFAULT_DELIVERY_HORIZON_MS) {
  const calls = { investigate: 0, postDm: 0, posted: [] as PostDmInput[], telemetry: [] as InvestigationRow[] };
  const taskQueue = `inv-${++run}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      readAuditLog: async () => {
        throw new Error('not used');
      },
      ...mockModel(
        () => undefined,
        async (input: AskModelInput) => {
          calls.investigate += 1;
          return investigate(input);
        },
      ),
      appendInvestigationRow: async (row: InvestigationRow) => {
        calls.telemetry.push(row);
        return appendTelemetry ? appendTelemetry(row) : { appended: true };
      },
      deliverMessage: async (input: PostDmInput) => {
        calls.postDm += 1;
        calls.posted.push(input);
        return postDm(input);
      },
      dmDeliverySettings: async () => ({ horizonMs }),
      enqueueMessage,
    },
  });
  const workflowId = `probe-investigation:fly:auth:${taskQueue}`;
  const { outcome, outbox } = await worker.runUntil(async () => {
    const result = await env.client.workflow.execute('probeInvestigationWorkflow', { taskQueue, workflowId, args: [{ wake, windowKey: 'w-7f3a' }] });
    // Queries need the worker: ask the outbox before it stops.
    const outbox = await env.client.workflow.getHandle(outboxWorkflowId(taskQueue)).query(getOutboxQuery);
    await outboxSettled(env.client, taskQueue);
    // One that keeps undelivered DMs stays open, waking on a timer its stopped worker cannot serve: end it.
    await env.client.workflow.getHandle(outboxWorkflowId(taskQueue)).terminate('test over').catch(() => undefined);
    return { outcome: result, outbox };
  });
  return { outcome: outcome as InvestigationOutcome, calls, workflowId, outbox };
}

const posted0: PostDmResult = { kind: 'posted', channel: 'D1', ts: '1.000001', alreadyPosted: false };
const posted: PostDm = async () => posted0;
const answers =
  (...results: PostDmResult[]): PostDm =>
  async () =>
    results.length > 1 ? results.shift()! : results[0]!;
const fails = (type: string, ...details: unknown[]) => async (): Promise<never> => {
  throw ApplicationFailure.create({ type, message: `mock ${type}`, details, nonRetryable: PERMANENT.has(type) });
};
/** askModel marks these non-retryable itself, as the Anthropic SDK would not retry them (src/activities/modelErrors.ts). */
const PERMANENT = new Set(['AuthenticationError', 'BadRequestError']);

describe('probeInvestigationWorkflow', () => {
  it('investigates and DMs on the happy path', async () => {
    const { outcome, calls, workflowId } = await investigateWith(async () => answer, posted);
    expect(outcome).toEqual({
      probe: 'fly',
      category: 'auth',
      severity: 'critical',
      wakeId: 'w-7f3a',
      windowKey: 'w-7f3a',
      investigated: true,
      dmSent: true,
      slackTs: '1.000001',
      dmDeliveredAt: expect.any(String),
      dmLateMs: expect.any(Number),
      text: '🚨 Probe alert · fly\nToken rotated.\nNext step: mint a new token.',
      model: 'claude-haiku-5-5',
      promptVersion: 'test',
      turnCount: 1,
      toolCalls: 0,
      usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 2, cacheWriteTokens: 3 },
      costUsd: 0.0042,
      turns: [{ stopReason: 'end_turn', usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 2, cacheWriteTokens: 3 }, costUsd: 0.0042, requestId: MOCK_REQUEST_ID }],
      requestIds: [MOCK_REQUEST_ID],
    });
    expect(calls.posted).toEqual([{ action: 'post', message: { text: outcome.text }, key: workflowId, checkFirst: false, checkSinceMs: expect.any(Number) }]);
    expect(outcome.dmLateMs).toBeLessThan(5 * 60_000);
    expect(calls.telemetry.map((row) => row.event)).toEqual(['probe.investigation_started', 'probe.investigation_completed']);
    expect(calls.telemetry[1]).toMatchObject({
      route: 'probe_investigation',
      correlation_key: 'probe:fly:auth',
      workflow_id: workflowId,
      wake_id: 'w-7f3a',
      outcome: 'investigated',
      reason: null,
      dm_sent: true,
      model: 'claude-haiku-5-5',
      tokens: { input: 10, output: 5, cache_read: 2, cache_write: 3 },
      cost_usd: 0.0042,
      latency_ms: expect.any(Number),
      request_ids: [MOCK_REQUEST_ID],
    });
  });

  it('falls back with empty_response_text when the model answers nothing, after one request', async () => {
    const { outcome, calls } = await investigateWith(async () => textTurn('', { stopReason: 'max_tokens' }), posted);
    expect(outcome).toMatchObject({ investigated: false, reason: 'empty_response_text', dmSent: true, turnCount: 1 });
    expect(calls.investigate).toBe(1);
  });

  it('still investigates and DMs when the audit log refuses telemetry', async () => {
    const { outcome, calls } = await investigateWith(async () => answer, posted, fails('Error'));
    expect(outcome).toMatchObject({ investigated: true, dmSent: true });
    // Two rows, three attempts each, then given up on.
    expect(calls.telemetry).toHaveLength(6);
  });

  it.each([
    ['engine_unavailable', FailureType.modelUnavailable, 1],
    ['engine_exception:AuthenticationError', 'AuthenticationError', 1],
    ['engine_exception:BadRequestError', 'BadRequestError', 1],
    // retryable: all four attempts are spent before falling back
    ['engine_exception:OverloadedError', 'OverloadedError', 4],
    ['engine_exception:APIConnectionError', 'APIConnectionError', 4],
  ])('falls back with reason %s', async (reason, type, attempts) => {
    const { outcome, calls } = await investigateWith(fails(type), posted);
    expect(outcome).toMatchObject({ investigated: false, reason, dmSent: true });
    expect(outcome.text).toContain(`I was unable to investigate — engine returned: ${reason}`);
    expect(calls.investigate).toBe(attempts);
    expect(calls.postDm).toBe(1);
  });

  it('recovers when a retry of the engine succeeds', async () => {
    let attempt = 0;
    const { outcome, calls } = await investigateWith(async () => {
      attempt += 1;
      if (attempt === 1) throw ApplicationFailure.create({ type: 'OverloadedError', message: 'mock 529' });
      return answer;
    }, posted);
    expect(outcome.investigated).toBe(true);
    expect(calls.investigate).toBe(2);
  });

  it.each([
    ['slack_token_missing', { kind: 'notConfigured', reason: 'slack_token_missing' } as const],
    ['slack_operator_missing', { kind: 'notConfigured', reason: 'slack_operator_missing' } as const],
  ])('completes with dmSent false and dmReason %s, after one attempt, listing nothing to redeliver', async (dmReason, result) => {
    const { outcome, calls, outbox } = await investigateWith(async () => answer, answers(result));
    expect(outcome).toMatchObject({ investigated: true, dmSent: false, dmReason });
    expect(calls.postDm).toBe(1);
    expect(outbox.undelivered).toEqual([]);
  });

  it.each([['invalid_auth'], ['channel_not_found']])('a DM Slack refuses for good (%s) is given up at once and listed as undelivered', async (code) => {
    const { outcome, calls, outbox, workflowId } = await investigateWith(async () => answer, answers({ kind: 'refused', reason: code }));
    expect(outcome).toMatchObject({ investigated: true, dmSent: false, dmReason: `slack_error:${code}` });
    expect(outcome.slackTs).toBeUndefined();
    expect(calls.postDm).toBe(1);
    expect(outbox.undelivered).toEqual([expect.objectContaining({ key: workflowId, reason: `slack_error:${code}` })]);
  });

  it.each([['ratelimited'], ['rate_limited'], ['message_limit_exceeded']])('%s is transient: retried until Slack takes the DM', async (code) => {
    const retry: PostDmResult = { kind: 'retry', reason: code, retryAfterMs: 1000, uncertain: false };
    const { outcome, calls } = await investigateWith(async () => answer, answers(retry, retry, retry, retry, retry, retry, retry, retry, posted0));
    expect(outcome).toMatchObject({ investigated: true, dmSent: true, slackTs: '1.000001' });
    expect(calls.postDm).toBe(9);
    // Nothing may have landed: no look-up before any retry.
    expect(calls.posted.map((p) => p.action === 'post' && p.checkFirst)).toEqual(Array(9).fill(false));
  });

  it('an attempt that may have landed makes the next one look first', async () => {
    const lost: PostDmResult = { kind: 'retry', reason: 'request_error', uncertain: true };
    const { outcome, calls } = await investigateWith(async () => answer, answers(lost, { kind: 'posted', channel: 'D1', ts: '1.000001', alreadyPosted: true }));
    expect(outcome).toMatchObject({ dmSent: true, slackTs: '1.000001' });
    expect(calls.posted.map((p) => p.action === 'post' && p.checkFirst)).toEqual([false, true]);
  });

  it('gives a DM up only past the horizon: dmSent false, listed as undelivered', async () => {
    const down: PostDmResult = { kind: 'retry', reason: 'http_503', uncertain: false };
    const horizonMs = 10 * 60_000;
    const { outcome, calls, outbox } = await investigateWith(async () => answer, answers(down), undefined, horizonMs);
    expect(outcome).toMatchObject({ investigated: true, dmSent: false, dmReason: 'past_horizon:http_503' });
    // Backoff 1, 2, 4 ... 128 s, then capped at 3 min: about ten attempts in ten minutes.
    expect(calls.postDm).toBeGreaterThanOrEqual(9);
    expect(calls.postDm).toBeLessThanOrEqual(12);
    expect(outbox.undelivered).toHaveLength(1);
  });

  it('still completes when both the engine and Slack fail', async () => {
    const { outcome } = await investigateWith(fails('AuthenticationError'), answers({ kind: 'refused', reason: 'account_inactive' }));
    expect(outcome).toMatchObject({
      investigated: false,
      reason: 'engine_exception:AuthenticationError',
      dmSent: false,
      dmReason: 'slack_error:account_inactive',
    });
  });
});
