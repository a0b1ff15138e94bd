/**
 * The investigation agent end to end: the real worker on the dev server, the
 * real Anthropic client talking to a scripted fake model that calls tools,
 * the real tools reading a real audit log, the real Slack client.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DEFAULT_PRICES, loadConfig, type AppConfig } from '../../src/config/config';
import { costOf } from '../../src/domain/costLadder';
import { investigationWorkflowId, type InvestigationOutcome } from '../../src/api';
import { tailSettingsFrom } from '../../src/client/startTail';
import { createProbeWakeWorker } from '../../src/worker/createWorker';
import { FakeAnthropic, FAKE_DIAGNOSIS, toolResultsIn, toolUseMessage } from '../support/fakeAnthropic';
import type { RecordedRequest } from '../support/fakeHttp';
import { FakeSlack } from '../support/fakeSlack';
import { fixtureLines, fixtureText, flyWake } from '../support/fixtures';
import { flyAuthAgent } from '../support/scriptedAgent';
import { devServerEnv, workflowBundle } from '../support/temporal';
import { eventually } from '../support/poll';

const usageOf = (u: Record<string, number>) => ({
  inputTokens: u.input_tokens ?? 0,
  outputTokens: u.output_tokens ?? 0,
  cacheReadTokens: u.cache_read_input_tokens ?? 0,
  cacheWriteTokens: u.cache_creation_input_tokens ?? 0,
});
const sumOf = (all: Array<ReturnType<typeof usageOf>>) =>
  all.reduce((a, b) => ({
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  }));

const PROBE_RESULTS = fixtureLines('audit-sample.jsonl').slice(0, 3).join('\n') + '\n';

describe('investigation agent: tools, step cap, cost ladder, telemetry', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let tmp: string;
  let auditLog: string;
  const slack = new FakeSlack();
  const anthropic = new FakeAnthropic();
  let slackBase: string;
  let anthropicBase: string;
  let n = 0;

  beforeAll(async () => {
    [env, bundle, slackBase, anthropicBase] = await Promise.all([devServerEnv(), workflowBundle(), slack.start(), anthropic.start()]);
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'probe-wake-agent-'));
  });
  afterAll(async () => {
    await Promise.all([env?.teardown(), slack.stop(), anthropic.stop()]);
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });
  beforeEach(async () => {
    slack.reset();
    anthropic.reset();
    n += 1;
    auditLog = path.join(tmp, `audit-${n}.jsonl`);
    await fs.writeFile(auditLog, PROBE_RESULTS);
  });

  function configFor(overrides: Record<string, string> = {}): AppConfig {
    return loadConfig(
      {
        AUDIT_LOG_PATH: auditLog,
        SLACK_BOT_TOKEN: 'xoxb-fake',
        SLACK_OPERATOR_USER_ID: 'U024BE7LH',
        SLACK_API_URL: slack.apiUrl(slackBase),
        ANTHROPIC_API_KEY: 'sk-ant-fake',
        ANTHROPIC_BASE_URL: anthropicBase,
        TEMPORAL_TASK_QUEUE: `agent-${n}`,
        ...overrides,
      },
      tmp,
    );
  }

  async function investigate(config = configFor(), during?: (worker: Worker) => Promise<void>) {
    const wake = flyWake();
    const windowKey = `${wake.wakeId}-agent${n}`;
    const workflowId = investigationWorkflowId(wake.probe, wake.category, windowKey);
    const worker = await createProbeWakeWorker({ connection: env.nativeConnection, config, workflowBundle: bundle, shutdownGraceTime: '1s' });
    const handle = await env.client.workflow.start('probeInvestigationWorkflow', {
      workflowId,
      taskQueue: config.temporal.taskQueue,
      args: [{ wake, windowKey, maxTurns: config.investigation.maxTurns }],
    });
    await worker.runUntil(during ? during(worker) : handle.result());
    if (during) {
      const second = await createProbeWakeWorker({ connection: env.nativeConnection, config, workflowBundle: bundle, shutdownGraceTime: '1s' });
      await second.runUntil(handle.result());
    }
    return { outcome: (await handle.result()) as InvestigationOutcome, workflowId };
  }

  const turnNumbers = () => anthropic.messageRequests.map((r) => (r.body.messages as unknown[]).length);

  it('Fly 401: the model looks at every probe, and the DM shows what the tool returned', async () => {
    anthropic.respond = flyAuthAgent;
    const { outcome } = await investigate();

    expect(outcome).toMatchObject({ investigated: true, dmSent: true, turnCount: 2, toolCalls: 1, promptVersion: 'investigation-v1' });
    const [first, second] = anthropic.messageRequests;
    expect(first!.body.tool_choice).toEqual({ type: 'auto' });
    const [result] = toolResultsIn(second!);
    expect(result!.is_error).toBeUndefined();
    // Newest first, like every tool.
    expect(JSON.parse(result!.content).probes).toEqual([
      { ts: '2026-11-23T10:15:01.870Z', probe: 'fly', status: 'unhealthy', summary: 'Fly app(s) unreachable: HTTP 401' },
      { ts: '2026-11-23T10:14:59.512Z', probe: 'postgres', status: 'healthy', summary: 'primary reachable, replication lag 0.4s' },
      { ts: '2026-11-23T10:14:58.004Z', probe: 'doppler', status: 'healthy', summary: 'all 14 secrets readable' },
    ]);
    expect(slack.roots).toHaveLength(1);
    expect(slack.roots[0]!.text).toBe(
      '🚨 Probe alert · fly\n' +
        'The Fly API rejects the token with HTTP 401 while postgres and doppler report healthy. ' +
        'Most likely an expired or rotated Fly token, since the credential surface is healthy elsewhere (Doppler probe healthy: all 14 secrets readable).\n' +
        'Auto-fix restart_unhealthy_machine is disabled: nothing was changed automatically.\n' +
        'Next step: mint a new Fly deploy token and update FLY_API_TOKEN in Doppler.',
    );
    // Usage is recorded per turn, as the API counted it (thinking included in output), and summed; cost at the list price.
    expect(outcome.turns.map((t) => t.usage)).toEqual(anthropic.answers.map((a) => usageOf(a.usage)));
    expect(outcome.usage).toEqual(sumOf(anthropic.answers.map((a) => usageOf(a.usage))));
    expect(outcome.turns.every((t) => t.usage.outputTokens >= 700)).toBe(true);
    expect(outcome.turns.map((t) => t.stopReason)).toEqual(['tool_use', 'end_turn']);
    expect(outcome.costUsd).toBeCloseTo(anthropic.answers.reduce((sum, a) => sum + costOf(usageOf(a.usage), DEFAULT_PRICES['claude-haiku-5-5']), 0), 8);
    // Every call's request-id, for support.
    expect(outcome.requestIds).toEqual(anthropic.requestIds);
    expect(outcome.turns.map((t) => t.requestId)).toEqual(anthropic.requestIds);
  });

  it('tool round trip with thinking: the assistant turn goes back with its signed thinking first and unmodified', async () => {
    anthropic.respond = flyAuthAgent;
    const { outcome } = await investigate();

    expect(outcome).toMatchObject({ investigated: true, turnCount: 2, toolCalls: 1 });
    const [firstAnswer] = anthropic.answers;
    expect(firstAnswer!.content.map((b) => b.type)).toEqual(['thinking', 'tool_use']);
    const sentBack = (anthropic.messageRequests[1]!.body.messages as Array<{ role: string; content: unknown }>)[1]!;
    expect(sentBack).toEqual({ role: 'assistant', content: firstAnswer!.content });
    // Streamed, never with sampling parameters, room for thinking, effort left to the model.
    for (const request of anthropic.messageRequests) {
      expect(request.body).toMatchObject({ stream: true, max_tokens: 4096 });
      for (const field of ['temperature', 'top_p', 'top_k', 'output_config', 'thinking']) expect(request.body[field]).toBeUndefined();
    }
  });

  it('PROBE_INVESTIGATION_EFFORT becomes output_config.effort, and max_tokens grows with it', async () => {
    anthropic.respond = flyAuthAgent;
    const { outcome } = await investigate(configFor({ PROBE_INVESTIGATION_EFFORT: 'high' }));

    expect(outcome.investigated).toBe(true);
    for (const request of anthropic.messageRequests) expect(request.body).toMatchObject({ output_config: { effort: 'high' }, max_tokens: 8192 });
    expect(anthropic.answers.every((a) => a.usage.output_tokens! >= 1800)).toBe(true);
  });

  it('a refusal after partial text: fallback model_refusal, the partial text never reaches the DM', async () => {
    anthropic.script(
      '/v1/messages',
      FakeAnthropic.toolUse([{ name: 'latest_status_all_probes', input: {} }], 'Checking every probe first.'),
      FakeAnthropic.refusal('The Fly token can be pulled from', 'cyber'),
    );
    const { outcome } = await investigate();

    expect(outcome).toMatchObject({ investigated: false, reason: 'model_refusal', dmSent: true, turnCount: 2 });
    expect(outcome.turns.map((t) => t.stopReason)).toEqual(['tool_use', 'refusal']);
    const dm = slack.roots[0]!.text;
    expect(dm).toContain('I was unable to investigate — engine returned: model_refusal');
    expect(dm).not.toContain('The Fly token can be pulled from');
    expect(dm).not.toContain('Checking every probe first.');
  });

  it('a model that streams its answer slowly for 90 s is answered, not timed out (real time: the one slow test)', async () => {
    anthropic.script('/v1/messages', FakeAnthropic.slowStream(FAKE_DIAGNOSIS, 90_000, 3_000));
    const started = Date.now();
    const { outcome } = await investigate();

    expect(outcome).toMatchObject({ investigated: true, dmSent: true, turnCount: 1 });
    expect(anthropic.messageRequests).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90_000); // it really was that slow
    expect(slack.roots[0]!.text).toContain('Next step: mint a new Fly deploy token');
  }, 180_000);

  it('prompt caching: usage per turn includes cache reads and writes, priced as such', async () => {
    const usage = { input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 900, cache_creation_input_tokens: 50 };
    anthropic.script('/v1/messages', FakeAnthropic.text('Cause.\nNext step: act.', { usage }));
    const { outcome } = await investigate();

    expect(outcome.usage).toEqual({ inputTokens: 100, outputTokens: 20, cacheReadTokens: 900, cacheWriteTokens: 50 });
    // claude-haiku-5-5, prompt under 100k: 100 × $0.10 + 20 × $0.50 + 900 × $0.01 + 50 × $0.125 per million tokens
    expect(outcome.costUsd).toBeCloseTo(0.00003525, 9);
  });

  it('two tool calls in one turn, then a third in the next, all answered', async () => {
    anthropic.script(
      '/v1/messages',
      FakeAnthropic.toolUse([
        { name: 'recent_probe_results', input: { probe: 'fly', limit: 2 } },
        { name: 'recent_wakes', input: { probe: 'fly', category: 'auth' } },
      ]),
      FakeAnthropic.toolUse([{ name: 'past_investigations', input: { probe: 'fly', category: 'auth' } }]),
      FakeAnthropic.text('Fly keeps failing auth. No earlier investigation.\nNext step: rotate the token.'),
    );
    const { outcome } = await investigate();

    expect(outcome).toMatchObject({ investigated: true, turnCount: 3, toolCalls: 3 });
    expect(turnNumbers()).toEqual([1, 3, 5]);
    const second = toolResultsIn(anthropic.messageRequests[1]!);
    expect(second.map((r) => JSON.parse(r.content))).toEqual([
      { probe: 'fly', results: [{ ts: '2026-11-23T10:15:01.870Z', probe: 'fly', status: 'unhealthy', summary: 'Fly app(s) unreachable: HTTP 401' }] },
      { probe: 'fly', category: 'auth', wakes: [] },
    ]);
    // This investigation's own started row is in the log now; no completed one yet.
    expect(JSON.parse(toolResultsIn(anthropic.messageRequests[2]!)[0]!.content)).toEqual({ probe: 'fly', category: 'auth', investigations: [] });
  });

  it.each([
    ['malformed input', { name: 'recent_wakes', input: { probe: 'fly', limit: 'many' } }, /invalid input for recent_wakes/],
    ['an unknown tool', { name: 'delete_everything', input: {} }, /unknown tool "delete_everything"/],
  ])('%s: refused back to the model as an error result, and the investigation goes on', async (_label, call, error) => {
    anthropic.script('/v1/messages', FakeAnthropic.toolUse([call]), FakeAnthropic.text('Could not look further.\nNext step: check Fly.'));
    const { outcome } = await investigate();

    expect(outcome).toMatchObject({ investigated: true, turnCount: 2, toolCalls: 1 });
    const [result] = toolResultsIn(anthropic.messageRequests[1]!);
    expect(result).toMatchObject({ is_error: true, content: expect.stringMatching(error) });
  });

  it('a model that never stops calling tools: capped at PROBE_INVESTIGATION_MAX_TURNS turns, the last one text-only', async () => {
    anthropic.respond = () => ({ kind: 'ok', body: toolUseMessage([{ name: 'latest_status_all_probes', input: {} }]) });
    const { outcome } = await investigate(configFor({ PROBE_INVESTIGATION_MAX_TURNS: '3' }));

    expect(outcome).toMatchObject({ investigated: false, reason: 'turn_cap_reached', dmSent: true, turnCount: 3, toolCalls: 2 });
    expect(anthropic.messageRequests.map((r) => r.body.tool_choice)).toEqual([{ type: 'auto' }, { type: 'auto' }, { type: 'none' }]);
    expect(slack.roots[0]!.text).toContain('I was unable to investigate — engine returned: turn_cap_reached');
  });

  it('capped with some text along the way: the DM uses the best text so far', async () => {
    anthropic.respond = () => ({ kind: 'ok', body: toolUseMessage([{ name: 'latest_status_all_probes', input: {} }], 'Fly rejects the token.') });
    const { outcome } = await investigate(configFor({ PROBE_INVESTIGATION_MAX_TURNS: '2' }));

    expect(outcome).toMatchObject({ investigated: true, turnCount: 2 });
    expect(slack.roots[0]!.text).toMatch(/^🚨 Probe alert · fly\nFly rejects the token\.\nAuto-fix .* disabled.*\nNext step: /);
  });

  it('worker stopped between turns: the new worker resumes without asking the model turn 1 again', async () => {
    let secondTurnArrived: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (secondTurnArrived = resolve));
    anthropic.respond = (request: RecordedRequest) => {
      if (toolResultsIn(request).length > 0 && turnNumbers().filter((t) => t === 3).length === 1) {
        secondTurnArrived();
        return { kind: 'slow', delayMs: 60_000 }; // held until the worker is gone
      }
      return flyAuthAgent(request);
    };
    const { outcome } = await investigate(configFor(), async (worker) => {
      await arrived;
      worker.shutdown();
    });

    expect(outcome).toMatchObject({ investigated: true, dmSent: true, turnCount: 2, toolCalls: 1 });
    // Turn 1 was asked once; turn 2 twice (the interrupted attempt and its retry).
    expect(turnNumbers()).toEqual([1, 3, 3]);
    expect(slack.roots).toHaveLength(1);
  });

  it('budget exhausted: the tail halts the investigation, which DMs cost_ladder_halted without asking the model', async () => {
    await fs.writeFile(auditLog, fixtureText('audit-sample.jsonl'));
    const config = configFor({ PROBE_INVESTIGATION_DAILY_BUDGET_USD: '0' });
    const settings = tailSettingsFrom(config, { replayFromStart: true, pollSeconds: 1, searchAttributes: false });
    const worker = await createProbeWakeWorker({ connection: env.nativeConnection, config, workflowBundle: bundle, shutdownGraceTime: '1s' });
    await worker.runUntil(async () => {
      const tail = await env.client.workflow.start('probeTailWorkflow', { workflowId: `probe-tail-agent-${n}`, taskQueue: config.temporal.taskQueue, args: [{ settings }] });
      try {
        await eventually(async () => (slack.roots.length === 3 ? true : undefined), 30_000, 'three DMs');
      } finally {
        await tail.terminate('test done');
      }
    });
    expect(anthropic.requests).toHaveLength(0);
    for (const dm of slack.roots) expect(dm.text).toContain('I was unable to investigate — engine returned: cost_ladder_halted');
  });

  it('telemetry: one started and one completed row per investigation in the audit log, joined by correlation key', async () => {
    anthropic.respond = flyAuthAgent;
    const { workflowId, outcome } = await investigate();

    const rows = (await fs.readFile(auditLog, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((row) => row.workflow_id === workflowId);
    expect(rows.map((row) => row.event)).toEqual(['probe.investigation_started', 'probe.investigation_completed']);
    expect(rows[1]).toMatchObject({
      route: 'probe_investigation',
      correlation_key: 'probe:fly:auth',
      wake_id: 'w-7f3a',
      outcome: 'investigated',
      dm_sent: true,
      model: 'claude-haiku-5-5',
      prompt_version: 'investigation-v1',
      turn_count: 2,
      tool_calls: 1,
      tokens: { input: outcome.usage.inputTokens, output: outcome.usage.outputTokens, cache_read: outcome.usage.cacheReadTokens, cache_write: outcome.usage.cacheWriteTokens },
      cost_usd: outcome.costUsd,
      request_ids: anthropic.requestIds,
    });
  });
});
