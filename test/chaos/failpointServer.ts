import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FailpointAction, FailpointName } from '../../src/runtime/failpoints';

/** What an activity reports at a failpoint (see src/runtime/failpoints.ts). */
export interface FailpointHit {
  point: FailpointName;
  pid: number;
  workflowId: string;
  runId: string;
  activityId: string;
  attempt: number;
  details: { wakeIds?: string[] };
}

export type FailpointDecision = (hit: FailpointHit) => FailpointAction;

/** The harness end of PROBE_WAKE_FAILPOINTS: answers each hit with the current decision (default: continue). */
export class FailpointServer {
  decide: FailpointDecision = () => 'continue';
  private server?: http.Server;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        let action: FailpointAction = 'continue';
        try {
          action = this.decide(JSON.parse(Buffer.concat(chunks).toString('utf8')) as FailpointHit);
        } catch {
          action = 'continue';
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ action }));
      });
    });
    // The worker's fetch keeps connections alive; a killed worker's must not keep the server open.
    this.server.keepAliveTimeout = 1_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/failpoint`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
