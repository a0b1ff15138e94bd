import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { AskModelInput } from '../../src/activities/askModel';
import type { PostDmInput, PostDmResult } from '../../src/activities/postDm';
import type { LlmTurn } from '../../src/domain/agent';
import type { TelemetryRow } from '../../src/domain/telemetryRows';
import type { Wake } from '../../src/domain/auditRow';
import { FailureType } from '../../src/domain/failures';
import type { InvestigationOutcome } from '../../src/api';
import { mockEngine, MOCK_REQUEST_ID, textTurn } from '../support/engineMocks';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';

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
type AppendTelemetry = (row: TelemetryRow) => Promise<{ appended: boolean }>;
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
async function investigateWith(investigate: Investigate, postDm: PostDm, appendTelemetry?: AppendTelemetry) {
  const calls = { investigate: 0, postDm: 0, posted: [] as PostDmInput[], telemetry: [] as TelemetryRow[] };
  const taskQueue = `inv-${++run}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      readAuditLog: async () => {
        throw new Error('not used');
      },
      ...mockEngine(
        () => undefined,
        async (input: AskModelInput) => {
          calls.investigate += 1;
          return investigate(input);
        },
      ),
      appendTelemetryRow: async (row: TelemetryRow) => {
        calls.telemetry.push(row);
        return appendTelemetry ? appendTelemetry(row) : { appended: true };
      },
      postDm: async (input: PostDmInput) => {
        calls.postDm += 1;
        calls.posted.push(input);
        return postDm(input);
      },
    },
  });
  const workflowId = `probe-investigation:fly:auth:${taskQueue}`;
  const outcome = await worker.runUntil(
    env.client.workflow.execute('probeInvestigationWorkflow', { taskQueue, workflowId, args: [{ wake, windowKey: 'w-7f3a' }] }),
  );
  return { outcome: outcome as InvestigationOutcome, calls, workflowId };
}

const posted: PostDm = async () => ({ channel: 'D1', ts: '1.000001', alreadyPosted: false });
const fails = (type: string, ...details: unknown[]) => async (): Promise<never> => {
  throw ApplicationFailure.create({ type, message: `mock ${type}`, details, nonRetryable: PERMANENT.has(type) });
};
/** askModel marks these non-retryable itself, as the Anthropic SDK would not retry them (src/activities/engineErrors.ts). */
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
      text: '🚨 Probe alert · fly\nToken rotated.\nNext step: mint a new token.',
      model: 'claude-haiku-5-5',
      promptVersion: 'test',
      steps: 1,
      toolCalls: 0,
      usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 2, cacheWriteTokens: 3 },
      costUsd: 0.0042,
      turns: [{ stopReason: 'end_turn', usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 2, cacheWriteTokens: 3 }, costUsd: 0.0042, requestId: MOCK_REQUEST_ID }],
      requestIds: [MOCK_REQUEST_ID],
    });
    expect(calls.posted).toEqual([{ text: outcome.text, workflowId }]);
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
    expect(outcome).toMatchObject({ investigated: false, reason: 'empty_response_text', dmSent: true, steps: 1 });
    expect(calls.investigate).toBe(1);
  });

  it('still investigates and DMs when the audit log refuses telemetry', async () => {
    const { outcome, calls } = await investigateWith(async () => answer, posted, fails('Error'));
    expect(outcome).toMatchObject({ investigated: true, dmSent: true });
    // Two rows, three attempts each, then given up on.
    expect(calls.telemetry).toHaveLength(6);
  });

  it.each([
    ['engine_unavailable', FailureType.engineUnavailable, 1],
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
    ['slack_token_missing', FailureType.slackNotConfigured, 'slack_token_missing', 1],
    ['slack_operator_missing', FailureType.slackNotConfigured, 'slack_operator_missing', 1],
    ['slack_error:invalid_auth', FailureType.slackPermanent, 'invalid_auth', 1],
    ['slack_error:channel_not_found', FailureType.slackPermanent, 'channel_not_found', 1],
    ['slack_error:ratelimited', FailureType.slackTransient, 'ratelimited', 6],
  ])('completes with dmSent false and dmReason %s', async (dmReason, type, detail, attempts) => {
    const { outcome, calls } = await investigateWith(async () => answer, fails(type, detail));
    expect(outcome).toMatchObject({ investigated: true, dmSent: false, dmReason });
    expect(outcome.slackTs).toBeUndefined();
    expect(calls.postDm).toBe(attempts);
  });

  it('still completes when both the engine and Slack fail', async () => {
    const { outcome } = await investigateWith(fails('AuthenticationError'), fails(FailureType.slackPermanent, 'account_inactive'));
    expect(outcome).toMatchObject({
      investigated: false,
      reason: 'engine_exception:AuthenticationError',
      dmSent: false,
      dmReason: 'slack_error:account_inactive',
    });
  });
});
