import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { pino } from 'pino';
import { operatorTargetState, operatorTargetWorkflow, type OperatorTargetState } from './workflows/operatorTarget';

/** A real worker on the given server running the test-only operator target workflow. */
export async function operatorTargetWorker(env: TestWorkflowEnvironment, taskQueue: string): Promise<{ worker: Worker; running: Promise<void> }> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows/operatorTarget'), logger: new DefaultLogger('WARN') });
  const worker = await Worker.create({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue, workflowBundle: { code } });
  return { worker, running: worker.run() };
}

export async function startTarget(env: TestWorkflowEnvironment, taskQueue: string, workflowId: string): Promise<void> {
  await env.client.workflow.start(operatorTargetWorkflow, { taskQueue, workflowId });
}

export async function targetState(env: TestWorkflowEnvironment, workflowId: string): Promise<OperatorTargetState> {
  return env.client.workflow.getHandle(workflowId).query(operatorTargetState);
}

export interface ResponseUrlCall {
  path: string;
  body: { text?: string; response_type?: string; replace_original?: boolean };
  at: number;
}

/** Stands in for a click's response_url (https://docs.slack.dev/interactivity/handling-user-interaction): records each POST. */
export class ResponseUrlServer {
  readonly calls: ResponseUrlCall[] = [];
  private server?: http.Server;
  private base = '';
  private waiters: Array<() => void> = [];

  async start(): Promise<void> {
    this.server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      this.calls.push({ path: req.url ?? '/', body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'), at: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      for (const wake of this.waiters.splice(0)) wake();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(name: string): string {
    return `${this.base}/actions/${name}`;
  }

  callsTo(name: string): ResponseUrlCall[] {
    return this.calls.filter((c) => c.path === `/actions/${name}`);
  }

  async waitFor(name: string, count = 1, timeoutMs = 20_000): Promise<ResponseUrlCall[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.callsTo(name).length < count) {
      if (Date.now() > deadline) throw new Error(`response_url ${name}: ${this.callsTo(name).length} of ${count} calls`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    return this.callsTo(name);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export interface ClickSpec {
  userId: string;
  actionId: string;
  value: string;
  actionTs: string;
  responseUrl: string;
}

/** A block_actions payload as Slack sends it for a button click (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload). */
export function blockActionsPayload(click: ClickSpec): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: click.userId, username: 'operator', name: 'operator', team_id: 'T0FAKE' },
    api_app_id: 'A0FAKEAPP',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: '1764640000.000100', channel_id: 'D0FAKE', is_ephemeral: false },
    trigger_id: '1234.5678.abcdef',
    team: { id: 'T0FAKE', domain: 'fake' },
    channel: { id: 'D0FAKE', name: 'directmessage' },
    response_url: click.responseUrl,
    actions: [
      {
        type: 'button',
        block_id: 'probe_wake.actions',
        action_id: click.actionId,
        text: { type: 'plain_text', text: 'Acknowledge', emoji: true },
        value: click.value,
        action_ts: click.actionTs,
      },
    ],
  };
}

/** The body Slack POSTs for an interaction: form-encoded `payload=<json>`. */
export const formBody = (payload: unknown): string => `payload=${encodeURIComponent(JSON.stringify(payload))}`;

/**
 * Signs a request body as Slack does (https://docs.slack.dev/authentication/verifying-requests-from-slack):
 * `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret.
 */
export function slackSignature(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

export async function postSigned(
  url: string,
  body: string,
  options: { secret: string; timestampSec?: number; signature?: string; headers?: Record<string, string> },
): Promise<number> {
  const ts = options.timestampSec ?? Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': options.signature ?? slackSignature(options.secret, ts, body),
      ...options.headers,
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

/** A pino logger into memory, to check what the receiver logged (and that no secret is in it). */
export function memoryLogger(): { log: pino.Logger; lines: () => string[] } {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  return { log, lines: () => lines };
}
