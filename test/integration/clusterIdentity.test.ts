/**
 * A worker must not carry on against another cluster that took its address (seen when another
 * server bound the port while ours restarted). Two dev servers, one after the other on one port:
 * each generates its own cluster ID, so the production worker started on the first must stop,
 * with the reason, once the second answers there.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { clusterIdentity } from '../../src/runtime/clusterIdentity';
import { startDevServer, type DevServer } from '../../src/runtime/devServer';
import { resolveTool, TEMPORAL_CLI } from '../../src/runtime/temporalTools';
import { TEMPORAL_SERVER_VERSION } from '../support/cluster/versions';
import { freePort } from '../support/ports';
import { assertBuilt, environmentWithoutOurs, startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

async function identityAt(address: string) {
  const connection = await Connection.connect({ address });
  try {
    return await clusterIdentity(connection);
  } finally {
    await connection.close();
  }
}

describe('cluster identity', () => {
  let tmp: string;
  const servers: DevServer[] = [];
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    assertBuilt();
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'probe-wake-identity-'));
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await Promise.all(servers.map((s) => s.stop()));
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  it('stops the worker with a clear error when another cluster answers on its address', async () => {
    const port = await freePort();
    const cliPath = resolveTool(TEMPORAL_CLI);
    const first = await startDevServer({ cliPath, port });
    servers.push(first);
    const firstIdentity = await identityAt(first.address);
    expect(firstIdentity?.clusterId).toMatch(/\S/);
    // The dev server's version is the one compose and the cluster project pin.
    expect(firstIdentity?.serverVersion).toBe(TEMPORAL_SERVER_VERSION);

    const auditLog = path.join(tmp, 'audit.jsonl');
    await fs.writeFile(auditLog, '');
    worker = await startWorkerProcess({
      ...environmentWithoutOurs(),
      TEMPORAL_ADDRESS: first.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'probe-wake-identity',
      PROBE_TAIL_WORKFLOW_ID: 'probe-tail-identity',
      AUDIT_LOG_PATH: auditLog,
      PROBE_WAKE_METRICS_ADDRESS: 'off',
      PROBE_WAKE_SHUTDOWN_GRACE_SEC: '1',
    });
    const started = worker.logLines().find((l) => l.msg === 'worker started') as { cluster?: { clusterId?: string } };
    expect(started.cluster?.clusterId).toBe(firstIdentity?.clusterId);

    await first.stop();
    const second = await startDevServer({ cliPath, port });
    servers.push(second);
    const secondIdentity = await identityAt(second.address);
    expect(secondIdentity?.clusterId).not.toBe(firstIdentity?.clusterId);

    const exit = await worker.exited;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(worker.stderr()).toContain(`Temporal at ${first.address} is now a different cluster`);
    expect(worker.stderr()).toContain(secondIdentity!.clusterId);
    // Still a JSON log on stdout, naming the change.
    expect(worker.logLines().some((l) => String(l.msg).includes('is now a different cluster'))).toBe(true);
  });
});
