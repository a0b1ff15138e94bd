/**
 * Security over real runs on the Temporal dev server: the full history of the
 * tail and of its investigations is scanned for the Anthropic key and the
 * Slack bot token, with the payload codec off and on. With the codec on, wake
 * details and LLM text are ciphertext in history, and the codec server
 * decodes a real history payload back.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { AesGcmCodec, payloadToJson } from '../../src/codec/aesGcmCodec';
import { startCodecServer } from '../../src/codec/codecServer';
import { probeWakeDataConverter } from '../../src/codec/dataConverter';
import { loadConfig } from '../../src/config/config';
import { investigationWorkflowId, windowClosedSignal, type InvestigationOutcome } from '../../src/api';
import { tailSettingsFrom } from '../../src/client/startTail';
import { createProbeWakeWorker } from '../../src/worker/createWorker';
import { FakeAnthropic, FAKE_DIAGNOSIS } from '../support/fakeAnthropic';
import { FakeSlack } from '../support/fakeSlack';
import { fixtureText } from '../support/fixtures';
import { devServerEnv, workflowBundle } from '../support/temporal';
import { diagnosisOf } from '../support/diagnosis';

const API_KEY = `sk-ant-api03-${randomBytes(24).toString('hex')}`;
const BOT_TOKEN = `xoxb-1234567890-${randomBytes(16).toString('hex')}`;
const SECRETS = { ANTHROPIC_API_KEY: API_KEY, SLACK_BOT_TOKEN: BOT_TOKEN };
/** Plain text that a run certainly puts in payloads: the positive control that the scan sees payload bytes at all. */
const WAKE_SUMMARY = 'Fly app(s) unreachable: HTTP 401';
const LLM_SENTENCE = FAKE_DIAGNOSIS.split('\n')[0]!.slice(0, 60);

/** Every string in a history, with payload bytes decoded as UTF-8 (base64 in JSON would hide a secret from a plain text search). */
function historyText(value: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (v === null || v === undefined) return;
    if (typeof v === 'string') parts.push(v);
    else if (v instanceof Uint8Array) parts.push(Buffer.from(v).toString('utf8'));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object') Object.values(v as Record<string, unknown>).forEach(walk);
    else parts.push(String(v));
  };
  walk(value);
  return parts.join('\n');
}

describe('secrets and encryption at rest in Temporal history', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let tmp: string;
  const slack = new FakeSlack();
  const anthropic = new FakeAnthropic();
  let slackBase: string;
  let anthropicBase: string;

  beforeAll(async () => {
    [env, bundle, slackBase, anthropicBase] = await Promise.all([devServerEnv(), workflowBundle(), slack.start(), anthropic.start()]);
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'probe-wake-secrets-'));
  });
  afterAll(async () => {
    await Promise.all([env?.teardown(), slack.stop(), anthropic.stop()]);
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  /** Runs the tail over the sample log until the fly investigation completes; returns the histories of the tail and the fly child. */
  async function realRun(mode: string, codecKeys?: string) {
    const auditLog = path.join(tmp, `${mode}.jsonl`);
    await fs.writeFile(auditLog, fixtureText('audit-sample.jsonl').replace(/"wake_id":"/g, `"wake_id":"${mode}-`));
    const config = loadConfig({
      ...SECRETS,
      AUDIT_LOG_PATH: auditLog,
      SLACK_OPERATOR_USER_ID: 'U024BE7LH',
      SLACK_API_URL: slack.apiUrl(slackBase),
      ANTHROPIC_BASE_URL: anthropicBase,
      TEMPORAL_TASK_QUEUE: `secrets-${mode}`,
      PROBE_WAKE_CODEC_KEYS: codecKeys,
    });
    const client = new Client({ connection: env.connection, dataConverter: probeWakeDataConverter(config.codecKeys) });
    const worker = await createProbeWakeWorker({ connection: env.nativeConnection, config, workflowBundle: bundle, shutdownGraceTime: '1s' });
    const tailId = `probe-tail-secrets-${mode}`;
    const flyId = investigationWorkflowId('fly', 'auth', `${mode}-w-7f3a`);
    const outcome = await worker.runUntil(async () => {
      const tail = await client.workflow.start('probeTailWorkflow', {
        workflowId: tailId,
        taskQueue: config.temporal.taskQueue,
        args: [{ settings: tailSettingsFrom(config, { replayFromStart: true, pollSeconds: 1 }) }],
      });
      try {
        // Diagnosed and delivered; then the tail closes the window (reset), so the investigation's whole history ends.
        const diagnosis = await diagnosisOf(client, flyId, 60_000);
        await client.workflow.getHandle(flyId).signal(windowClosedSignal, { reason: 'reset', atMs: Date.now() });
        await client.workflow.getHandle(flyId).result();
        return diagnosis;
      } finally {
        await tail.terminate('secrets test done');
      }
    });
    const tailHistory = await client.workflow.getHandle(tailId).fetchHistory();
    const flyHistory = await client.workflow.getHandle(flyId).fetchHistory();
    return { outcome, tailHistory, flyHistory, text: historyText(tailHistory) + '\n' + historyText(flyHistory) };
  }

  it('codec off: neither the API key nor the bot token appears anywhere in the tail or investigation history', async () => {
    const { outcome, text } = await realRun('plain');
    expect(outcome).toMatchObject({ investigated: true, dmSent: true });
    // The scan does see payload contents (else a hit could never be found).
    expect(text).toContain(WAKE_SUMMARY);
    expect(text).toContain(LLM_SENTENCE);
    expect(text.includes(API_KEY)).toBe(false);
    expect(text.includes(BOT_TOKEN)).toBe(false);
    // The SDKs did receive them: the secrets were live in this run.
    expect(anthropic.requests.some((r) => r.headers.authorization === `Bearer ${API_KEY}`)).toBe(true);
    expect(slack.requests.some((r) => r.headers.authorization === `Bearer ${BOT_TOKEN}`)).toBe(true);
  });

  it('codec on: wake details and LLM text are ciphertext in history, and the codec server decodes a real history payload', async () => {
    const keys = `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`;
    const { outcome, flyHistory, text } = await realRun('encrypted', keys);
    expect(outcome).toMatchObject({ investigated: true, dmSent: true });
    expect(outcome.text).toContain(LLM_SENTENCE); // the client, holding the key, reads it
    expect(text.includes(API_KEY)).toBe(false);
    expect(text.includes(BOT_TOKEN)).toBe(false);
    expect(text).not.toContain(LLM_SENTENCE);
    expect(text).not.toContain('"apps":["kora-runtime","staging"]');
    expect(text).not.toContain(WAKE_SUMMARY); // the child's static summary (user metadata) is a payload too
    expect(text).toContain('binary/encrypted');

    const completed = flyHistory.events?.find((e) => e.workflowExecutionCompletedEventAttributes)?.workflowExecutionCompletedEventAttributes;
    const resultPayload = completed?.result?.payloads?.[0];
    expect(resultPayload).toBeDefined();
    const server = await startCodecServer({ codec: new AesGcmCodec(loadConfig({ PROBE_WAKE_CODEC_KEYS: keys }).codecKeys), allowOrigin: 'http://localhost:8233', port: 0 });
    try {
      const res = await fetch(`${server.url}/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-namespace': 'default' },
        body: JSON.stringify({ payloads: [payloadToJson(resultPayload!)] }),
      });
      expect(res.status).toBe(200);
      const { payloads } = (await res.json()) as { payloads: Array<{ data: string }> };
      const decoded = JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString('utf8')) as InvestigationOutcome;
      expect(decoded.text).toContain(LLM_SENTENCE);
      expect(decoded).toMatchObject({ probe: 'fly', investigated: true, dmSent: true });
    } finally {
      await server.close();
    }
  });
});
