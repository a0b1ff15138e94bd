/**
 * The Temporal server SIGKILLed and restarted under a running worker, with wakes written while it
 * was down; then another cluster on the same address. This file runs its own server on its own
 * databases of the shared PostgreSQL, so the other cluster test files keep theirs.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { investigationWorkflowId } from '../../src/api';
import { clusterState } from '../support/cluster/state';
import { ClusterDeployment, wakeRow } from '../support/cluster/deployment';
import { clusterPorts, loadSchemas, startTemporalServer, type ClusterSpec, type RunningServer } from '../support/cluster/temporalServer';
import { eventually } from '../support/poll';

const cluster = clusterState();
let tmp: string;
let spec: ClusterSpec;
let server: RunningServer | undefined;
let d: ClusterDeployment | undefined;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'probe-wake-cluster-restart-'));
  spec = { ...cluster.spec, databases: { main: 'temporal_restart', visibility: 'temporal_restart_visibility' }, ports: await clusterPorts(), logFile: path.join(tmp, 'server.log') };
  loadSchemas(spec);
  server = await startTemporalServer(spec);
}, 300_000);
afterAll(async () => {
  await d?.stop();
  await server?.stop('SIGKILL');
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('Temporal server restarts under a running worker', () => {
  it('SIGKILL and restart with wakes written during the outage: one DM each, and the worker logs only JSON', async () => {
    d = await new ClusterDeployment(server!.address, 'default', 'restart', tmp).start();
    const setup = await d.cli(['setup']);
    expect(setup.status).toBe(0);
    expect(setup.stdout).toContain('created namespace default');
    const worker = await d.startWorker({ LOG_LEVEL: 'info' });
    await d.cursorStamped();
    await d.append(wakeRow('r-1', 'before', 'cpu'));
    const before = investigationWorkflowId('before', 'cpu', 'r-1');
    await d.diagnosis(before);

    await server!.stop('SIGKILL');
    const killedAt = Date.now();
    await d.append(wakeRow('r-2', 'during', 'cpu') + wakeRow('r-3', 'during', 'disk', 'critical'));
    // The SDK core notices the outage and says so: as a JSON record through pino, not a coloured text line.
    await eventually(() => (worker.logLines().some((l) => (l.time as number) > killedAt && (l.level as number) >= 40) ? true : undefined), 60_000, 'an outage warning in the worker log');

    server = await startTemporalServer(spec);
    const during = [investigationWorkflowId('during', 'cpu', 'r-2'), investigationWorkflowId('during', 'disk', 'r-3')];
    for (const id of during) await d.diagnosis(id);
    expect(Object.fromEntries(d.dmsByInvestigation())).toEqual({ [before]: 1, [during[0]!]: 1, [during[1]!]: 1 });
    expect(worker.child.exitCode).toBeNull();
    const lines = worker.logLines();
    expect(lines.filter((l) => l.sdkComponent === 'core' || typeof l.target === 'string').length).toBeGreaterThan(0);
  });

  it('another cluster on the same address: the worker stops with a clear error', async () => {
    const worker = d!.workers[d!.workers.length - 1]!;
    const other: ClusterSpec = { ...spec, databases: { main: 'temporal_other', visibility: 'temporal_other_visibility' }, logFile: path.join(tmp, 'other.log') };
    loadSchemas(other);
    await server!.stop('SIGKILL');
    server = await startTemporalServer(other);
    expect(await worker.exited).toEqual({ code: 1, signal: null });
    expect(worker.stderr()).toContain(`Temporal at ${server.address} is now a different cluster`);
    expect(() => worker.logLines()).not.toThrow();
  });
});
