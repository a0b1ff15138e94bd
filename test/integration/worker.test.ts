/**
 * Integration: the real worker (createProbeWakeWorker + loadConfig) on the real
 * Temporal dev server, with the real @slack/web-api and @anthropic-ai/sdk
 * clients talking HTTP to local fakes. Nothing in the SDKs is stubbed.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DM_METADATA_EVENT } from '../../src/activities/deliverMessage';
import { DEFAULT_PRICES, loadConfig, type AppConfig } from '../../src/config/config';
import { costOf } from '../../src/domain/costLadder';
import { type DiagnosisOutcome, getOutboxQuery, getStateQuery, type InvestigationOutcome, outboxWorkflowId, InvestigationOutcomeKey, investigationWorkflowId, IssueCategoryKey, ProbeNameKey, ProbeSeverityKey } from '../../src/api';
import { loadPromptTemplate } from '../../src/activities/promptTemplate';
import { TOOL_DEFINITIONS } from '../../src/domain/investigationTools';
import { tailSettingsFrom } from '../../src/client/startTail';
import { createProbeWakeWorker } from '../../src/worker/createWorker';
import { FakeAnthropic, FAKE_DIAGNOSIS } from '../support/fakeAnthropic';
import { FakeSlack, FAKE_DM_CHANNEL } from '../support/fakeSlack';
import { fixtureLines, fixtureText, flyFallbackDm, flyWake } from '../support/fixtures';
import { devServerEnv, workflowBundle } from '../support/temporal';
import { diagnosisOf } from '../support/diagnosis';
import { eventually } from '../support/poll';

const FIXTURE_TEXT = fixtureText('audit-sample.jsonl');
const FIXTURE_LINES = fixtureLines('audit-sample.jsonl');

const BOT_TOKEN = 'xoxb-fake-bot-token';
const OPERATOR = 'U024BE7LH';
const API_KEY = 'sk-ant-fake-integration-key';
const MODEL = 'claude-integration-model-1';

/** The fake's diagnosis as the answer contract leaves it: the fly wake's disabled auto-fix stated by us. */
const HAPPY_TEXT = FAKE_DIAGNOSIS.replace(
  '\nNext step:',
  '\nAuto-fix restart_unhealthy_machine is disabled: nothing was changed automatically.\nNext step:',
).replace(/^/, '🚨 Probe alert · fly\n');

/** The path of a fake request after `/api/`, i.e. the Slack method name. */
const slackMethods = (slack: FakeSlack) => slack.requests.map((r) => r.path.replace(/^.*\/api\//, ''));
/**
 * The Slack calls past opening the DM: the alert posted then edited into the diagnosis, or (when the
 * model answered while the alert was still queued) one post carrying the diagnosis; then the details reply.
 */
const callsPastOpen = (slack: FakeSlack) => slackMethods(slack).filter((m) => m !== 'conversations.open');
const ALERTED_THEN_EDITED = ['chat.postMessage', 'chat.update', 'chat.postMessage'];
const POSTED_DIAGNOSED = ['chat.postMessage', 'chat.postMessage'];
/** The root of `workflowId` and its thread replies, as the fake holds them; exactly one root. */
function incidentRecord(slack: FakeSlack, workflowId: string) {
  expect(slack.roots).toHaveLength(1);
  const root = slack.roots[0]!;
  expect(root.key).toBe(workflowId);
  return { root, replies: slack.repliesTo(root.ts) };
}
const dmFields = (o: DiagnosisOutcome) => ({ investigated: o.investigated, reason: o.reason, dmSent: o.dmSent, dmReason: o.dmReason });

/** Pulls the JSON fenced between <tag> and </tag> out of the prompt. */
function fencedJson(prompt: string, tag: string): Record<string, unknown> {
  const match = new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`).exec(prompt);
  if (!match) throw new Error(`prompt has no <${tag}> fence:\n${prompt}`);
  return JSON.parse(match[1]!) as Record<string, unknown>;
}

describe('probe-wake worker against the Temporal dev server and fake Slack / Anthropic', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let tmp: string;
  let contextLog: string;
  const slack = new FakeSlack();
  const anthropic = new FakeAnthropic();
  // An alias the fake serves as claude-haiku-5-5 (it 404s models it does not know).
  anthropic.addModel(MODEL, { adaptiveThinking: true, strictSampling: true, answersAs: 'claude-haiku-5-5' });
  let slackBase: string;
  let anthropicBase: string;
  let n = 0;
  const answeredUsage = () => {
    const u = anthropic.answers[0]!.usage;
    return { inputTokens: u.input_tokens!, outputTokens: u.output_tokens!, cacheReadTokens: u.cache_read_input_tokens!, cacheWriteTokens: u.cache_creation_input_tokens! };
  };

  beforeAll(async () => {
    [env, bundle, slackBase, anthropicBase] = await Promise.all([devServerEnv(), workflowBundle(), slack.start(), anthropic.start()]);
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'probe-wake-it-'));
    contextLog = path.join(tmp, 'context.jsonl');
    // The three probe.result rows: doppler healthy, postgres healthy, fly unhealthy.
    await fs.writeFile(contextLog, FIXTURE_LINES.slice(0, 3).join('\n') + '\n');
  });

  afterAll(async () => {
    await Promise.all([env?.teardown(), slack.stop(), anthropic.stop()]);
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  beforeEach(() => {
    slack.reset();
    anthropic.reset();
    n += 1;
  });

  /** A config as `loadConfig` builds it from a (fake) environment; `undefined` removes a variable. */
  function configFor(overrides: Record<string, string | undefined> = {}): AppConfig {
    return loadConfig(
      {
        AUDIT_LOG_PATH: contextLog,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_OPERATOR_USER_ID: OPERATOR,
        SLACK_API_URL: slack.apiUrl(slackBase),
        ANTHROPIC_API_KEY: API_KEY,
        ANTHROPIC_BASE_URL: anthropicBase,
        ANTHROPIC_MODEL: MODEL,
        TEMPORAL_TASK_QUEUE: `it-${n}`,
        ...overrides,
      },
      tmp,
    );
  }

  async function runWorker<T>(config: AppConfig, body: () => Promise<T>): Promise<T> {
    const worker = await createProbeWakeWorker({ connection: env.nativeConnection, config, workflowBundle: bundle, shutdownGraceTime: '1s' });
    return worker.runUntil(body());
  }

  /** Starts the fly wake's investigation directly (no tail) and waits for its outcome. */
  async function investigate(overrides: Record<string, string | undefined> = {}) {
    const config = configFor(overrides);
    const wake = flyWake();
    // A per-test window key keeps IDs apart from each other and from the tail test's children.
    const windowKey = `${wake.wakeId}-it${n}`;
    const workflowId = investigationWorkflowId(wake.probe, wake.category, windowKey);
    const outcome = await runWorker(config, async () => {
      const result = (await env.client.workflow.execute('probeInvestigationWorkflow', {
        workflowId,
        taskQueue: config.temporal.taskQueue,
        args: [{ wake, windowKey }],
      })) as InvestigationOutcome;
      // The details reply is sent after the diagnosis is delivered: the worker stays up until the outbox has sent all.
      await eventually(async () => {
        const view = await env.client.workflow.getHandle(outboxWorkflowId(config.temporal.taskQueue)).query(getOutboxQuery);
        return view.queued === 0 ? view : undefined;
      }, 30_000, 'the outbox to drain');
      return result;
    });
    return { outcome, workflowId, wake, windowKey };
  }

  it('happy path: investigates with the real Anthropic client and DMs the diagnosis through the real Slack client', async () => {
    const { outcome, workflowId, wake, windowKey } = await investigate();

    expect(dmFields(outcome)).toEqual({ investigated: true, dmSent: true });
    expect(outcome).toEqual({
      probe: 'fly',
      category: 'auth',
      severity: 'critical',
      wakeId: 'w-7f3a',
      windowKey,
      investigated: true,
      dmSent: true,
      slackTs: slack.roots[0]?.ts,
      // Started by hand, without a window: the incident ends once its diagnosis is delivered.
      phase: 'investigated',
      wakesSeen: 1,
      closedBecause: 'delivered',
      // The outbox's report: when Slack took the DM, and how long after the investigation asked.
      dmDeliveredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      dmLateMs: expect.any(Number),
      text: HAPPY_TEXT,
      model: 'claude-haiku-5-5', // what the fake answered with, not what was asked for
      promptVersion: 'investigation-v1',
      turnCount: 1,
      toolCalls: 0,
      usage: answeredUsage(),
      // At the default list price of the model that answered (claude-haiku-5-5), as the fake counted the tokens.
      costUsd: costOf(answeredUsage(), DEFAULT_PRICES['claude-haiku-5-5']),
      turns: [{ stopReason: 'end_turn', usage: answeredUsage(), costUsd: costOf(answeredUsage(), DEFAULT_PRICES['claude-haiku-5-5']), requestId: anthropic.requestIds[0] }],
      requestIds: anthropic.requestIds,
    });

    // Anthropic: one request, key as SDK 1.x sends it, the configured model, the fenced prompt.
    expect(anthropic.requests).toHaveLength(1);
    const [request] = anthropic.messageRequests;
    expect(request).toBeDefined();
    expect(request!.method).toBe('POST');
    expect(request!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request!.headers['x-api-key']).toBeUndefined();
    expect(request!.headers['anthropic-version']).toEqual(expect.any(String));
    expect(request!.body.model).toBe(MODEL);
    expect(request!.body.max_tokens).toBe(4096); // room for thinking (src/domain/modelFacts.ts)
    // The versioned template as a cached system block; the tools, the last one closing the cached prefix.
    expect(request!.body.system).toEqual([{ type: 'text', text: loadPromptTemplate().system, cache_control: { type: 'ephemeral' } }]);
    const tools = request!.body.tools as Array<{ name: string; cache_control?: unknown }>;
    expect(tools.map((t) => t.name)).toEqual(TOOL_DEFINITIONS.map((t) => t.name));
    expect(tools.at(-1)!.cache_control).toEqual({ type: 'ephemeral' });
    expect(request!.body.tool_choice).toEqual({ type: 'auto' });
    const messages = request!.body.messages as Array<{ role: string; content: string }>;
    expect(messages).toHaveLength(1);
    expect(messages[0]!.role).toBe('user');
    const prompt = messages[0]!.content;
    expect(prompt).toContain('Auto-fix envelope: DISABLED (fix: restart_unhealthy_machine).');
    expect(fencedJson(prompt, 'wake')).toEqual({
      probe: 'fly',
      category: 'auth',
      severity: 'critical',
      ts: wake.ts,
      summary: 'Fly app(s) unreachable: HTTP 401',
      details: { status: 'unhealthy', error: 'HTTP 401', apps: ['kora-runtime', 'staging'] },
      impact: wake.impact,
      snapshot: { machines_reachable: 0, deploys_24h: 'unknown' },
    });
    const context = fencedJson(prompt, 'audit_context');
    expect(context.latest_status_of_other_probes).toEqual([
      { ts: '2026-11-23T10:14:58.004Z', probe: 'doppler', status: 'healthy', summary: 'all 14 secrets readable' },
      { ts: '2026-11-23T10:14:59.512Z', probe: 'postgres', status: 'healthy', summary: 'primary reachable, replication lag 0.4s' },
    ]);
    expect(context.recent_results_of_this_probe).toEqual([
      { ts: '2026-11-23T10:15:01.870Z', probe: 'fly', status: 'unhealthy', summary: 'Fly app(s) unreachable: HTTP 401' },
    ]);

    // Slack: open the DM, then post into it, with the bot token and the workflow ID as metadata:
    // one root (the alert edited into the diagnosis, or posted diagnosed) and the details in its thread.
    expect(slackMethods(slack)[0]).toBe('conversations.open');
    expect([ALERTED_THEN_EDITED, POSTED_DIAGNOSED]).toContainEqual(callsPastOpen(slack));
    for (const r of slack.requests) expect(r.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(slack.requestsTo('conversations.open')[0]!.body.users).toBe(OPERATOR);
    const { root: dm, replies } = incidentRecord(slack, workflowId);
    expect(dm.edits).toHaveLength(slack.requestsTo('chat.update').length);
    expect(replies.map((r) => r.key)).toEqual([`${workflowId}#details`]);
    expect(replies[0]!.text).toContain('1 model turn · 0 tool calls');
    expect(replies[0]!.text).toContain('model `claude-haiku-5-5`');
    expect(dm.channel).toBe(FAKE_DM_CHANNEL);
    expect(dm.text.startsWith('🚨 Probe alert · fly')).toBe(true);
    expect(dm.text).toBe(HAPPY_TEXT);
    expect(dm.metadata).toEqual({ event_type: DM_METADATA_EVENT, event_payload: { key: workflowId } });

    // Started directly, not by the tail: no search attributes were set, and none were upserted.
    const described = await env.client.workflow.getHandle(workflowId).describe();
    expect(described.status.name).toBe('COMPLETED');
    expect(described.typedSearchAttributes.get(ProbeNameKey)).toBeUndefined();
    expect(described.typedSearchAttributes.get(InvestigationOutcomeKey)).toBeUndefined();
  });

  it('LLM 401: falls back with engine_exception:AuthenticationError after exactly one request, and still DMs', async () => {
    anthropic.script('/v1/messages', FakeAnthropic.status(401, 'authentication_error'));
    const { outcome, workflowId } = await investigate();

    expect(dmFields(outcome)).toEqual({ investigated: false, reason: 'engine_exception:AuthenticationError', dmSent: true });
    expect(anthropic.messageRequests).toHaveLength(1);
    // One root and the details reply: the fallback never posts a second top-level message.
    expect(slack.requestsTo('chat.postMessage')).toHaveLength(2);
    const { replies } = incidentRecord(slack, workflowId);
    expect(replies.map((r) => r.text)).toEqual([expect.stringContaining('fallback `engine_exception:AuthenticationError`')]);
    expect(slack.roots[0]!.text).toContain('I was unable to investigate — engine returned: engine_exception:AuthenticationError');
    expect(slack.roots[0]!.text).toBe(flyFallbackDm('engine_exception:AuthenticationError'));
    expect(outcome.text).toBe(slack.roots[0]!.text);
    expect(outcome.model).toBeUndefined();
  });

  it('LLM 529 then OK: Temporal retries the activity once and the investigation succeeds', async () => {
    anthropic.script('/v1/messages', FakeAnthropic.overloaded());
    const { outcome } = await investigate();

    expect(dmFields(outcome)).toEqual({ investigated: true, dmSent: true });
    expect(anthropic.messageRequests).toHaveLength(2);
    expect(slack.roots).toHaveLength(1);
    expect(slack.roots[0]!.text).toBe(HAPPY_TEXT);
  });

  it('LLM answers with no text: falls back with empty_response_text, not retried', async () => {
    anthropic.script('/v1/messages', FakeAnthropic.text(''));
    const { outcome } = await investigate();

    expect(dmFields(outcome)).toEqual({ investigated: false, reason: 'empty_response_text', dmSent: true });
    expect(anthropic.messageRequests).toHaveLength(1);
    expect(slack.roots).toHaveLength(1);
    expect(slack.roots[0]!.text).toBe(flyFallbackDm('empty_response_text'));
  });

  it('no ANTHROPIC_API_KEY: engine_unavailable without any HTTP request, fallback DM in the documented layout', async () => {
    const { outcome, workflowId } = await investigate({ ANTHROPIC_API_KEY: undefined });

    expect(dmFields(outcome)).toEqual({ investigated: false, reason: 'engine_unavailable', dmSent: true });
    expect(anthropic.requests).toHaveLength(0);
    expect(slackMethods(slack)[0]).toBe('conversations.open');
    expect([ALERTED_THEN_EDITED, POSTED_DIAGNOSED]).toContainEqual(callsPastOpen(slack));
    const { replies } = incidentRecord(slack, workflowId);
    expect(replies.map((r) => r.text)).toEqual([expect.stringContaining('fallback `engine_unavailable`')]);
    expect(slack.roots[0]!.text).toBe(
      '🚨 Probe alert · fly\n' +
        'fly (critical): Fly app(s) unreachable: HTTP 401\n' +
        '\n' +
        "Fly probe reported status=unhealthy. error='HTTP 401'.\n" +
        'Deploy-control impact: app machines may be unreachable; scale-down / restart actions may not complete.\n' +
        '\n' +
        'I was unable to investigate — engine returned: engine_unavailable',
    );
  });

  it('Slack 429 with Retry-After then OK: exactly one DM after two postMessage requests', async () => {
    slack.script('chat.postMessage', FakeSlack.rateLimited(1));
    const { outcome, workflowId } = await investigate();

    expect(dmFields(outcome)).toEqual({ investigated: true, dmSent: true });
    expect(slack.roots).toHaveLength(1);
    expect(outcome.slackTs).toBe(slack.roots[0]!.ts);
    expect(slack.roots[0]!.metadata?.event_payload).toEqual({ key: workflowId });
    // A 429 means nothing was posted (https://docs.slack.dev/apis/web-api/rate-limits): the retry
    // posts without the "already posted?" look-up, which conversations.history's 1 call a minute cannot spare.
    // (After the root: its diagnosis edit, unless the diagnosis rode on the retried post, and the details reply.)
    expect(slackMethods(slack).slice(0, 4)).toEqual(['conversations.open', 'chat.postMessage', 'conversations.open', 'chat.postMessage']);
    expect(slack.requestsTo('chat.postMessage').map((r) => (r.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key)).toEqual([workflowId, workflowId, `${workflowId}#details`]);
    expect(slackMethods(slack).filter((m) => m === 'conversations.history' || m === 'conversations.replies')).toEqual([]);
    expect(anthropic.messageRequests).toHaveLength(1);
  });

  it('Slack ok:false invalid_auth: the workflow completes with dmSent=false and is not retried', async () => {
    slack.script('chat.postMessage', FakeSlack.platformError('invalid_auth'));
    const { outcome, workflowId } = await investigate();

    expect(dmFields(outcome)).toEqual({ investigated: true, dmSent: false, dmReason: 'slack_error:invalid_auth' });
    expect(outcome.slackTs).toBeUndefined();
    expect(slack.requestsTo('chat.postMessage')).toHaveLength(1);
    expect(slack.roots).toHaveLength(0);
    const described = await env.client.workflow.getHandle(workflowId).describe();
    expect(described.status.name).toBe('COMPLETED');
  });

  it('no SLACK_BOT_TOKEN: dmSent=false with slack_token_missing and no Slack request', async () => {
    const { outcome } = await investigate({ SLACK_BOT_TOKEN: undefined });

    expect(dmFields(outcome)).toEqual({ investigated: true, dmSent: false, dmReason: 'slack_token_missing' });
    expect(slack.requests).toHaveLength(0);
    expect(anthropic.messageRequests).toHaveLength(1);
    expect(outcome.text).toBe(HAPPY_TEXT);
  });

  it('tail over the sample log: 3 DMs (fly, postgres, disk), 1 debounced, search attributes on the children', async () => {
    const auditLog = path.join(tmp, `audit-${n}.jsonl`);
    await fs.writeFile(auditLog, FIXTURE_TEXT);
    const config = configFor({ AUDIT_LOG_PATH: auditLog });
    const settings = tailSettingsFrom(config, { replayFromStart: true, pollSeconds: 1 });
    const children = {
      fly: investigationWorkflowId('fly', 'auth', 'w-7f3a'),
      postgres: investigationWorkflowId('postgres', 'replication_lag', 'w-81c0'),
      disk: investigationWorkflowId('disk', 'usage', 'w-81c1'),
    };

    await runWorker(config, async () => {
      const tail = await env.client.workflow.start('probeTailWorkflow', {
        workflowId: `probe-tail-it-${n}`,
        taskQueue: config.temporal.taskQueue,
        args: [{ settings }],
      });
      try {
        // Liveness: every child is diagnosed and its DM delivered (each then lives on until its window closes).
        const outcomes = await Promise.all(Object.values(children).map((id) => diagnosisOf(env.client, id, 30_000)));
        for (const outcome of outcomes) expect(dmFields(outcome)).toEqual({ investigated: true, dmSent: true });

        // Liveness: a later tick has read the whole file, including the six investigation rows the three
        // investigations appended (started + completed each), before counters are read.
        const state = await eventually(async () => {
          const s = await tail.query(getStateQuery);
          const size = (await fs.stat(auditLog)).size;
          return s.cursor?.offset === size && s.counters.rowsRead === FIXTURE_LINES.length + 6 ? s : undefined;
        }, 15_000, 'tail cursor at end of file');
        // Investigation rows are read but are neither wakes nor bad rows.
        expect(state.counters).toMatchObject({
          rowsRead: FIXTURE_LINES.length + 6,
          wakes: 4,
          investigationsStarted: 3,
          debounced: 1,
          badRows: 0,
          readErrors: 0,
        });
        expect(state.windows.map((w) => w.investigationWorkflowId).sort()).toEqual(Object.values(children).sort());
        expect(state.windows.find((w) => w.probe === 'fly')?.debounced).toBe(1);

        // Children carry the search attributes the tail set, plus the outcome they upserted.
        // The incident is open until its 600 s window closes.
        const fly = await env.client.workflow.getHandle(children.fly).describe();
        expect(fly.status.name).toBe('RUNNING');
        expect(fly.typedSearchAttributes.get(ProbeNameKey)).toBe('fly');
        expect(fly.typedSearchAttributes.get(IssueCategoryKey)).toBe('auth');
        expect(fly.typedSearchAttributes.get(ProbeSeverityKey)).toBe('critical');
        expect(fly.typedSearchAttributes.get(InvestigationOutcomeKey)).toBe('investigated');

        // Visibility is eventually consistent: wait until the list query sees the outcome.
        const listed = await eventually(async () => {
          const found = [];
          for await (const info of env.client.workflow.list({ query: `ProbeName="fly" AND TaskQueue="${config.temporal.taskQueue}"` })) {
            found.push(info);
          }
          return found.length === 1 && found[0]!.typedSearchAttributes.get(InvestigationOutcomeKey) !== undefined ? found : undefined;
        }, 20_000, 'visibility of the fly investigation');
        expect(listed[0]!.workflowId).toBe(children.fly);
        expect(listed[0]!.type).toBe('probeInvestigationWorkflow');
        expect(listed[0]!.typedSearchAttributes.get(InvestigationOutcomeKey)).toBe('investigated');
        await eventually(async () => ((await env.client.workflow.getHandle(outboxWorkflowId(config.temporal.taskQueue)).query(getOutboxQuery)).queued === 0 ? true : undefined), 30_000, 'the outbox to drain');
      } finally {
        await tail.terminate('integration test done');
      }
    });

    // One root per window, each with its details reply in its thread; nothing else posted.
    expect(slack.roots).toHaveLength(3);
    for (const root of slack.roots) expect(slack.repliesTo(root.ts).map((r) => r.key)).toEqual([`${root.key}#details`]);
    expect(slack.requestsTo('chat.postMessage')).toHaveLength(6);
    expect(anthropic.messageRequests).toHaveLength(3);
    const headers = slack.roots.map((dm) => dm.text.split('\n')[0]).sort();
    expect(headers).toEqual(['ℹ️ Probe alert · disk', '⚠️ Probe alert · postgres', '🚨 Probe alert · fly'].sort());
    expect(slack.roots.map((dm) => dm.metadata?.event_payload?.key).sort()).toEqual(Object.values(children).sort());
  });
});
