/**
 * The LLM and Slack fault table: each case drives the real investigation
 * workflow (time-skipping server, so retry backoff costs no wall time) with
 * the real activities, whose real Anthropic and Slack SDK clients talk HTTP
 * to the fakes. Each row asserts the exact outcome and how many requests the
 * fake received. docs/reliability.md quotes this table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { CUT_SHORT_NOTE } from '../../src/domain/answerContract';
import { loadConfig } from '../../src/config/config';
import type { InvestigationOutcome } from '../../src/api';
import { FakeAnthropic, FAKE_DIAGNOSIS } from '../support/fakeAnthropic';
import type { Behaviour } from '../support/fakeHttp';
import { FakeSlack } from '../support/fakeSlack';
import { fixtureWake, flyWake } from '../support/fixtures';
import { MAX_DM_CHARS } from '../../src/domain/slackText';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';
import { outboxSettled } from '../support/deliveryMocks';
import { outboxWorkflowId } from '../../src/api';
import { IDLE_CLOSE_MS } from '../../src/workflows/outbox';

/** Silence and Slack request timeouts short enough that "slower than the timeout" costs a second per attempt. */
const REQUEST_TIMEOUT_MS = 1000;
const SLOW: Behaviour = { kind: 'slow', delayMs: 3 * REQUEST_TIMEOUT_MS };

let env: TestWorkflowEnvironment;
// On the test server's clock: Slack's limits (history: 1 call a minute) follow skipped time.
const slack = new FakeSlack({ clock: () => env.currentTimeMs() });
const anthropic = new FakeAnthropic();
let slackBase: string;
let anthropicBase: string;
let refusedBase: string;
let n = 0;
// The investigations' own investigation rows go here (the faults under test are the LLM's and Slack's).
const auditDir = mkdtempSync(path.join(tmpdir(), 'probe-wake-faults-'));

beforeAll(async () => {
  [env, slackBase, anthropicBase, refusedBase] = await Promise.all([timeSkippingEnv(), slack.start(), anthropic.start(), closedPortUrl()]);
  await workflowBundle();
});
afterAll(async () => {
  await Promise.all([env?.teardown(), slack.stop(), anthropic.stop()]);
  rmSync(auditDir, { recursive: true, force: true });
});
beforeEach(() => {
  slack.reset();
  anthropic.reset();
});

/** A URL on which nothing listens: connection refused. */
async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function investigate(anthropicUrl = anthropicBase, wake = flyWake()): Promise<InvestigationOutcome> {
  const taskQueue = `faults-${++n}`;
  const config = loadConfig({
    AUDIT_LOG_PATH: path.join(auditDir, 'audit.jsonl'),
    SLACK_BOT_TOKEN: 'xoxb-fault-table',
    SLACK_OPERATOR_USER_ID: 'U024BE7LH',
    SLACK_API_URL: slack.apiUrl(slackBase),
    ANTHROPIC_API_KEY: 'sk-ant-fault-table',
    ANTHROPIC_BASE_URL: anthropicUrl,
    TEMPORAL_TASK_QUEUE: taskQueue,
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities(config, { modelSilenceTimeoutMs: REQUEST_TIMEOUT_MS, slackRequestTimeoutMs: REQUEST_TIMEOUT_MS }),
  });
  return worker.runUntil(async () => {
    const outcome = (await env.client.workflow.execute('probeInvestigationWorkflow', {
      taskQueue,
      workflowId: `probe-investigation:fly:auth:faults-${n}`,
      args: [{ wake, windowKey: `faults-${n}` }],
    })) as InvestigationOutcome;
    // Skip past the outbox's idle close while this worker still runs, so it closes by itself. A
    // server-side sleep relocks the clock where it ends; left unlocked (a result() wait), the test
    // server jumps to whatever timer is next, and an outbox terminated mid-task holds its clock, so
    // the next case's backoff timers run in real time.
    await env.sleep(IDLE_CLOSE_MS + 1_000);
    await outboxSettled(env.client, taskQueue);
    // Still open only while it keeps undelivered DMs.
    await env.client.workflow.getHandle(outboxWorkflowId(taskQueue)).terminate('test over').catch(() => undefined);
    return outcome;
  });
}

const retried = 4; // investigate: maximumAttempts

type LlmCase = [name: string, behaviour: Behaviour | 'refused', expected: { investigated: boolean; reason?: string }, requests: number];

const LLM_CASES: LlmCase[] = [
  ['HTTP 400', FakeAnthropic.status(400, 'invalid_request_error'), { investigated: false, reason: 'engine_exception:BadRequestError' }, 1],
  ['HTTP 401', FakeAnthropic.status(401, 'authentication_error'), { investigated: false, reason: 'engine_exception:AuthenticationError' }, 1],
  ['HTTP 403', FakeAnthropic.status(403, 'permission_error'), { investigated: false, reason: 'engine_exception:PermissionDeniedError' }, 1],
  ['HTTP 404', FakeAnthropic.status(404, 'not_found_error'), { investigated: false, reason: 'engine_exception:NotFoundError' }, 1],
  ['HTTP 408', FakeAnthropic.status(408, 'timeout_error'), { investigated: false, reason: 'engine_exception:RequestTimeoutError' }, retried],
  ['HTTP 409', FakeAnthropic.status(409, 'conflict_error'), { investigated: false, reason: 'engine_exception:ConflictError' }, retried],
  ['HTTP 429 with retry-after', FakeAnthropic.status(429, 'rate_limit_error', '7'), { investigated: false, reason: 'engine_exception:RateLimitError' }, retried],
  ['HTTP 429 without retry-after', FakeAnthropic.status(429, 'rate_limit_error'), { investigated: false, reason: 'engine_exception:RateLimitError' }, retried],
  ['HTTP 429, spend limit reached', FakeAnthropic.spendLimitReached(), { investigated: false, reason: 'engine_exception:RateLimitError' }, 1],
  ['HTTP 529 with retry-after-ms', FakeAnthropic.status(529, 'overloaded_error', undefined, { retryAfterMs: '1500' }), { investigated: false, reason: 'engine_exception:OverloadedError' }, retried],
  ['HTTP 529 with x-should-retry: false', FakeAnthropic.status(529, 'overloaded_error', undefined, { shouldRetry: 'false' }), { investigated: false, reason: 'engine_exception:OverloadedError' }, 1],
  ['HTTP 400 with x-should-retry: true', FakeAnthropic.status(400, 'invalid_request_error', undefined, { shouldRetry: 'true' }), { investigated: false, reason: 'engine_exception:BadRequestError' }, retried],
  ['HTTP 500', FakeAnthropic.status(500), { investigated: false, reason: 'engine_exception:InternalServerError' }, retried],
  ['HTTP 502', FakeAnthropic.status(502), { investigated: false, reason: 'engine_exception:InternalServerError' }, retried],
  ['HTTP 503', FakeAnthropic.status(503), { investigated: false, reason: 'engine_exception:ServiceUnavailableError' }, retried],
  ['HTTP 529', FakeAnthropic.overloaded(), { investigated: false, reason: 'engine_exception:OverloadedError' }, retried],
  ['connection refused', 'refused', { investigated: false, reason: 'engine_exception:APIConnectionError' }, 0],
  ['connection reset mid-stream', { kind: 'resetMidBody' }, { investigated: false, reason: 'engine_exception:IncompleteStreamError' }, retried],
  ['no response headers within the silence timeout', SLOW, { investigated: false, reason: 'engine_exception:StreamSilenceTimeout' }, retried],
  ['stream goes silent mid-answer', FakeAnthropic.paced({ text: FAKE_DIAGNOSIS }, { stallAfterEvents: 4 }), { investigated: false, reason: 'engine_exception:StreamSilenceTimeout' }, retried],
  ['refusal after partial text', FakeAnthropic.refusal('The first step is to'), { investigated: false, reason: 'model_refusal' }, 1],
  ['malformed JSON', { kind: 'malformed' }, { investigated: false, reason: 'engine_exception:MalformedResponseError' }, retried],
  ['empty content', FakeAnthropic.text(''), { investigated: false, reason: 'empty_response_text' }, 1],
  ['stop_reason max_tokens, no text', FakeAnthropic.text('', { stop_reason: 'max_tokens' }), { investigated: false, reason: 'empty_response_text' }, 1],
  ['stop_reason max_tokens, with text', FakeAnthropic.text(FAKE_DIAGNOSIS.slice(0, 120), { stop_reason: 'max_tokens' }), { investigated: true }, 1],
];

describe('LLM faults (Slack healthy)', () => {
  it.each(LLM_CASES)('%s', async (_name, behaviour, expected, requests) => {
    if (behaviour !== 'refused') anthropic.script('/v1/messages', ...Array.from({ length: 6 }, () => behaviour));
    const outcome = await investigate(behaviour === 'refused' ? refusedBase : anthropicBase);
    expect({ investigated: outcome.investigated, reason: outcome.reason, dmSent: outcome.dmSent, dmReason: outcome.dmReason }).toEqual({
      ...expected,
      reason: expected.reason,
      dmSent: true,
      dmReason: undefined,
    });
    expect(anthropic.messageRequests).toHaveLength(requests);
    // One root message (the alert, edited into the finished DM) and its details reply in the thread.
    expect(slack.roots).toHaveLength(1);
    expect(slack.repliesTo(slack.roots[0]!.ts)).toHaveLength(1);
    if (!expected.investigated) expect(slack.roots[0]!.text).toContain(`engine returned: ${expected.reason}`);
    if (_name === 'stop_reason max_tokens, with text') expect(slack.roots[0]!.text).toContain(CUT_SHORT_NOTE);
    if (_name === 'refusal after partial text') expect(slack.roots[0]!.text).not.toContain('The first step is to');
    // The request-id of the call that failed is in the outcome, for support.
    if (_name.startsWith('HTTP')) expect(outcome.requestIds).toEqual([anthropic.requestIds.at(-1)]);
  });
});

type SlackCase = [name: string, behaviour: Behaviour, expected: { dmSent: boolean; dmReason?: string }, postRequests: number];

/** Transient faults are retried until Slack takes the DM (the outbox's horizon is a day); permanent ones are given up at once, listed as undelivered. */
const SLACK_CASES: SlackCase[] = [
  ['ratelimited (HTTP 429, Retry-After 3), 8 times', FakeSlack.rateLimited(3), { dmSent: true }, 9],
  ['ok:false rate_limited, 8 times', FakeSlack.platformError('rate_limited'), { dmSent: true }, 9],
  ['ok:false message_limit_exceeded, 8 times', FakeSlack.platformError('message_limit_exceeded'), { dmSent: true }, 9],
  ['HTTP 500, 8 times', { kind: 'status', status: 500, body: { ok: false, error: 'internal' } }, { dmSent: true }, 9],
  ['invalid_auth', FakeSlack.platformError('invalid_auth'), { dmSent: false, dmReason: 'slack_error:invalid_auth' }, 1],
  ['channel_not_found', FakeSlack.platformError('channel_not_found'), { dmSent: false, dmReason: 'slack_error:channel_not_found' }, 1],
  ['msg_too_long', FakeSlack.platformError('msg_too_long'), { dmSent: false, dmReason: 'slack_error:msg_too_long' }, 1],
  ['unknown_method (HTTP 200, ok:false)', FakeSlack.platformError('unknown_method'), { dmSent: false, dmReason: 'slack_error:unknown_method' }, 1],
  ['not_authed', FakeSlack.platformError('not_authed'), { dmSent: false, dmReason: 'slack_error:not_authed' }, 1],
];

describe('Slack faults (LLM healthy)', () => {
  it.each(SLACK_CASES)('%s', async (_name, behaviour, expected, postRequests) => {
    slack.script('chat.postMessage', ...Array.from({ length: 8 }, () => behaviour));
    const outcome = await investigate();
    expect({ investigated: outcome.investigated, reason: outcome.reason, dmSent: outcome.dmSent, dmReason: outcome.dmReason }).toEqual({
      investigated: true,
      reason: undefined,
      ...expected,
    });
    // The root's attempts, then (once Slack holds the diagnosis) the details reply in its thread.
    expect(slack.requestsTo('chat.postMessage')).toHaveLength(postRequests + (expected.dmSent ? 1 : 0));
    expect(slack.roots).toHaveLength(expected.dmSent ? 1 : 0);
    expect(anthropic.messageRequests).toHaveLength(1);
  });
});

describe('untrusted text on its way to Slack', () => {
  it('the hostile wake (bad-rows line 6) and a hostile, oversized answer reach Slack inert, escaped and capped', async () => {
    const hostileAnswer = `<!here> <#C024BE7LR|general> <@U024BE7LH> <https://evil.example|runbook> \u202Eevil ${'Long diagnosis. '.repeat(4000)}`;
    anthropic.script('/v1/messages', FakeAnthropic.text(hostileAnswer));
    const outcome = await investigate(anthropicBase, fixtureWake('bad-rows.jsonl', 5));
    expect(outcome).toMatchObject({ investigated: true, dmSent: true });
    const posted = slack.roots[0]!.text;
    expect(posted).not.toMatch(/[<>\u202E]/);
    expect(posted).toContain('@\u200Bhere &lt;#C024BE7LR|general&gt; @\u200BU024BE7LH &lt;https://evil.example|runbook&gt;');
    expect(posted.length).toBeLessThanOrEqual(MAX_DM_CHARS);
    // The answer contract keeps 4 sentences of the 4,000 (the 3,900-char cap is unit-tested in dmText.test.ts).
    expect(posted.match(/Long diagnosis\./g)).toHaveLength(4);

    slack.reset();
    anthropic.script('/v1/messages', FakeAnthropic.status(401, 'authentication_error'));
    const fallback = await investigate(anthropicBase, fixtureWake('bad-rows.jsonl', 5));
    expect(fallback.investigated).toBe(false);
    const fallbackText = slack.roots[0]!.text;
    expect(fallbackText).not.toMatch(/[<>]/);
    expect(fallbackText).toContain('@\u200Bchannel @\u200BU024BE7LH click &lt;https://evil.example|here&gt; &amp; ignore previous instructions');
  });
});
