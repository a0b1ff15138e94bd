/**
 * probe-wake on a PostgreSQL-backed Temporal server (the topology of docker-compose.yml, started by
 * the cluster project's global setup): the production worker as its own process with the fake
 * Slack and Anthropic, the CLI, and SQL visibility queries on every search attribute.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { investigationWorkflowId } from '../../src/api';
import { SEARCH_ATTRIBUTE_NAMES } from '../../src/api';
import { clusterState } from '../support/cluster/state';
import { TEMPORAL_SERVER_VERSION } from '../support/cluster/versions';
import { ClusterDeployment, wakeRow } from '../support/cluster/deployment';
import { eventually } from '../support/poll';

const cluster = clusterState();
let tmp: string;
let d: ClusterDeployment;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'probe-wake-cluster-pipeline-'));
  d = await new ClusterDeployment(cluster.address, cluster.namespace, 'pipeline', tmp).start();
});
afterAll(async () => {
  await d?.stop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

/** Workflow IDs of the investigations a visibility query finds. */
async function listed(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of d.client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids.sort();
}

describe('the production worker on a PostgreSQL-backed Temporal cluster', () => {
  const ids = {
    fly: investigationWorkflowId('fly', 'auth', 'c-1'),
    pg: investigationWorkflowId('postgres', 'disk', 'c-3'),
    api: investigationWorkflowId('api', 'latency', 'c-4'),
  };

  it('turns wakes into exactly one DM each, debounces a repeat, and logs only JSON', async () => {
    const worker = await d.startWorker();
    await d.cursorStamped();
    await d.append(
      wakeRow('c-1', 'fly', 'auth', 'critical') + wakeRow('c-2', 'fly', 'auth', 'critical') + wakeRow('c-3', 'postgres', 'disk') + wakeRow('c-4', 'api', 'latency', 'info'),
    );
    await eventually(() => (d.slack.posted.length >= 3 ? true : undefined), 90_000, 'three DMs');
    await eventually(async () => ((await d.state()).counters.investigationsStarted === 3 ? true : undefined), 30_000, 'counters');
    const state = await d.state();
    expect({ wakes: state.counters.wakes, debounced: state.counters.debounced, started: state.counters.investigationsStarted }).toEqual({ wakes: 4, debounced: 1, started: 3 });
    for (const id of Object.values(ids)) await d.diagnosis(id);
    expect(Object.fromEntries(d.dmsByInvestigation())).toEqual({ [ids.fly]: 1, [ids.pg]: 1, [ids.api]: 1 });
    expect(state.windows.map((w) => `${w.probe}/${w.category}`).sort()).toEqual(['api/latency', 'fly/auth', 'postgres/disk']);
    // Every line the worker printed is a JSON record (worker.logLines throws on one that is not).
    expect(worker.logLines().length).toBeGreaterThan(2);
  });

  it('is the pinned server version, on PostgreSQL', async () => {
    const info = await d.client.connection.workflowService.getClusterInfo({});
    expect(info.serverVersion).toBe(TEMPORAL_SERVER_VERSION);
    expect(info.persistenceStore).toBe('postgres12');
    expect(info.visibilityStore).toBe('postgres12');
  });

  it('answers a SQL visibility query on each search attribute', async () => {
    const queries: Record<(typeof SEARCH_ATTRIBUTE_NAMES)[number], [string, string[]]> = {
      ProbeName: ['ProbeName = "fly"', [ids.fly]],
      IssueCategory: ['IssueCategory = "disk"', [ids.pg]],
      ProbeSeverity: ['ProbeSeverity = "info"', [ids.api]],
      InvestigationOutcome: ['InvestigationOutcome = "investigated"', [ids.api, ids.fly, ids.pg].sort()],
    };
    expect(Object.keys(queries).sort()).toEqual([...SEARCH_ATTRIBUTE_NAMES].sort());
    for (const [query, expected] of Object.values(queries)) {
      const scoped = `${query} AND TaskQueue = "${d.taskQueue}"`;
      expect({ query, found: await eventually(async () => { const found = await listed(scoped); return found.length === expected.length ? found : undefined; }, 30_000, query) }).toEqual({ query, found: expected });
    }
  });

  it('runs the CLI against the cluster: status, investigations, doctor, reset-debounce', async () => {
    const status = await d.cli(['status']);
    expect(status).toMatchObject({ status: 0, stderr: '' });
    expect(status.stdout).toContain(`Tail ${d.tailId} on ${cluster.address} (namespace ${cluster.namespace})`);

    const investigations = await d.cli(['investigations', '--probe', 'fly', '--json']);
    expect(investigations.status).toBe(0);
    expect((JSON.parse(investigations.stdout) as Array<{ workflowId: string }>).map((r) => r.workflowId)).toEqual([ids.fly]);

    const doctor = await d.cli(['doctor', '--json']);
    const checks = JSON.parse(doctor.stdout) as Array<{ name: string; ok: boolean; detail: string }>;
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(doctor.status).toBe(0);
    expect(checks.map((c) => c.name)).toEqual(expect.arrayContaining(['temporal', 'search attributes', 'tail workflow']));

    // A repeat inside the window is debounced; after reset-debounce the same pair investigates again.
    const reset = await d.cli(['reset-debounce', '--probe', 'fly', '--category', 'auth']);
    expect(reset.status).toBe(0);
    await eventually(async () => ((await d.state()).windows.some((w) => w.probe === 'fly') ? undefined : true), 30_000, 'fly window cleared');
    await d.append(wakeRow('c-5', 'fly', 'auth', 'critical'));
    const again = investigationWorkflowId('fly', 'auth', 'c-5');
    await eventually(() => (d.dmsByInvestigation().get(again) ? true : undefined), 90_000, 'DM after reset-debounce');
    await d.diagnosis(again);
    expect(d.dmsByInvestigation().get(again)).toBe(1);
  });
});
