/**
 * Worker crashes on the PostgreSQL-backed cluster: a worker SIGKILLed while its investigation waits
 * on the model, and two workers on one task queue with one of them killed. Each wake still ends
 * in exactly one DM.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { investigationWorkflowId } from '../../src/api';
import { clusterState } from '../support/cluster/state';
import { ClusterDeployment, wakeRow } from '../support/cluster/deployment';
import { eventually } from '../support/poll';

const cluster = clusterState();
let tmp: string;
const deployments: ClusterDeployment[] = [];

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'probe-wake-cluster-crashes-'));
});
afterAll(async () => {
  await Promise.all(deployments.map((d) => d.stop()));
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

async function deployment(name: string): Promise<ClusterDeployment> {
  const d = await new ClusterDeployment(cluster.address, cluster.namespace, name, tmp).start();
  deployments.push(d);
  return d;
}

describe('worker crashes on the cluster', () => {
  it('a worker SIGKILLed mid-investigation: a new worker finishes it, one DM', async () => {
    const d = await deployment('crash-mid');
    const first = await d.startWorker();
    await d.cursorStamped();
    // The model call never answers: the worker dies while it is in flight.
    d.anthropic.script('/v1/messages', { kind: 'hold' });
    await d.append(wakeRow('k-1', 'crashmid', 'oom', 'critical'));
    await eventually(() => (d.anthropic.messageRequests.length === 1 ? true : undefined), 60_000, 'the model request in flight');
    expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    const second = await d.startWorker();
    const id = investigationWorkflowId('crashmid', 'oom', 'k-1');
    await d.diagnosis(id);
    expect(Object.fromEntries(d.dmsByInvestigation())).toEqual({ [id]: 1 });
    expect(d.anthropic.messageRequests.length).toBe(2);
    expect(second.logLines().length).toBeGreaterThan(0);
  });

  it('two workers on one task queue, one SIGKILLed: the other carries the tail and every investigation', async () => {
    const d = await deployment('crash-two');
    const a = await d.startWorker();
    const b = await d.startWorker();
    await d.cursorStamped();
    await d.append(wakeRow('t-1', 'twoa', 'cpu'));
    const one = investigationWorkflowId('twoa', 'cpu', 't-1');
    await d.diagnosis(one);

    expect(await a.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    await d.append(wakeRow('t-2', 'twob', 'cpu') + wakeRow('t-3', 'twoc', 'disk'));
    const more = [investigationWorkflowId('twob', 'cpu', 't-2'), investigationWorkflowId('twoc', 'disk', 't-3')];
    for (const id of more) await d.diagnosis(id);
    expect(Object.fromEntries(d.dmsByInvestigation())).toEqual({ [one]: 1, [more[0]!]: 1, [more[1]!]: 1 });
    // The survivor is still up, and still prints only JSON.
    expect(b.child.exitCode).toBeNull();
    expect(b.logLines().length).toBeGreaterThan(0);
  });
});
