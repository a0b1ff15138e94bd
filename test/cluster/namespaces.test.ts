/**
 * What a fresh self-hosted cluster does to a new user (issue 15, items 1 and 2): no namespace, then
 * a namespace without our search attributes, then a tail whose workflow task fails for ever.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../src/config/config';
import { PROJECT_ROOT } from '../../src/runtime/temporalTools';
import { ensureTailWorkflow } from '../../src/client/startTail';
import { createProbeWakeWorker } from '../../src/worker/createWorker';
import { SEARCH_ATTRIBUTE_NAMES } from '../../src/api';
import { eventually } from '../support/poll';
import { quietRuntime } from '../support/temporal';
import { clusterState } from '../support/cluster/state';
import { ClusterDeployment, wakeRow } from '../support/cluster/deployment';

const cluster = clusterState();
let tmp: string;
let connection: Connection;
const deployments: ClusterDeployment[] = [];

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'probe-wake-cluster-ns-'));
  connection = await Connection.connect({ address: cluster.address });
});
afterAll(async () => {
  await Promise.all(deployments.map((d) => d.stop()));
  await connection?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

async function deployment(namespace: string): Promise<ClusterDeployment> {
  const d = await new ClusterDeployment(cluster.address, namespace, namespace, tmp).start();
  deployments.push(d);
  return d;
}

type Check = { name: string; ok: boolean; detail: string; fix?: string };
const check = (checks: Check[], name: string) => checks.find((c) => c.name === name);

describe('namespaces on a fresh cluster', () => {
  it('doctor names a missing namespace without blaming permissions; setup creates it (30 days) and is idempotent', async () => {
    const d = await deployment('probe-wake-fresh');
    const before = JSON.parse((await d.cli(['doctor', '--json'])).stdout) as Check[];
    expect(check(before, 'search attributes')).toMatchObject({ ok: false, detail: 'namespace probe-wake-fresh does not exist' });
    expect(check(before, 'search attributes')?.fix).toContain('probe-wake setup');
    expect(JSON.stringify(before)).not.toMatch(/permission|admin rights/i);
    const status = await d.cli(['status']);
    expect(status.status).toBe(1);
    expect(status.stderr).toContain('namespace "probe-wake-fresh" does not exist: run `npx probe-wake setup`');
    expect(status.stderr).not.toMatch(/\n\s+at /);

    const first = await d.cli(['setup']);
    expect(first).toMatchObject({ status: 0, stderr: '' });
    expect(first.stdout).toContain(`created namespace probe-wake-fresh (${cluster.address}), retention 30 days`);
    for (const name of SEARCH_ATTRIBUTE_NAMES) expect(first.stdout).toContain(`added               ${name} (Keyword)`);
    const described = await connection.workflowService.describeNamespace({ namespace: 'probe-wake-fresh' });
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(30 * 86_400);

    const again = await d.cli(['setup', '--json']);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ namespace: 'probe-wake-fresh', namespaceCreated: false, added: [] });
  });

  it('a worker refuses to start on a namespace without the search attributes, and says what to run', async () => {
    await connection.workflowService.registerNamespace({ namespace: 'probe-wake-bare', workflowExecutionRetentionPeriod: msToTs(86_400_000) });
    const d = await deployment('probe-wake-bare');
    const refused = await eventually(async () => {
      const run = await d.workerToExit();
      // Until the frontend serves the new namespace the refusal names it as missing; then as lacking the attributes.
      return run.stderr.includes('lacks') ? run : undefined;
    }, 60_000, 'refusal naming the missing attributes');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`namespace probe-wake-bare on ${cluster.address} lacks the Keyword search attribute(s) ${SEARCH_ATTRIBUTE_NAMES.join(', ')}`);
    expect(refused.stderr).toContain('npx probe-wake setup');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });

  it('a tail whose workflow task fails: doctor reports it with the failure, status prints one line', async () => {
    // What a worker without the start-up check did (issue 15, item 2): the tail on a namespace without
    // our search attributes. Its first investigation start is refused (BadSearchAttributes), for ever.
    await connection.workflowService.registerNamespace({ namespace: 'probe-wake-wedge', workflowExecutionRetentionPeriod: msToTs(86_400_000) });
    const d = await deployment('probe-wake-wedge');
    const config = loadConfig(d.env(), PROJECT_ROOT);
    await eventually(async () => (await connection.workflowService.describeNamespace({ namespace: 'probe-wake-wedge' })) && true, 30_000, 'namespace served');
    quietRuntime();
    const native = await NativeConnection.connect({ address: cluster.address });
    const worker = await createProbeWakeWorker({ connection: native, config, workflowBundle: { codePath: path.join(PROJECT_ROOT, 'lib', 'workflow-bundle.js') } });
    const running = worker.run();
    try {
      await eventually(() => ensureTailWorkflow(d.client, config), 60_000, 'tail started');
      await d.cursorStamped();
      await d.append(wakeRow('w-1', 'wedge', 'auth'));

      let last: Check | undefined;
      const tail = await eventually(async () => {
        const checks = JSON.parse((await d.cli(['doctor', '--json'])).stdout) as Check[];
        last = check(checks, 'tail workflow');
        return last && !last.ok ? last : undefined;
      }, 120_000, 'doctor reporting the wedged tail').catch((err: Error) => {
        throw new Error(`${err.message}; last tail check: ${JSON.stringify(last)}`);
      });
      expect(tail.detail).toMatch(new RegExp(`^${d.tailId} is wedged: its workflow task fails \\(attempt \\d+\\): `));
      expect(tail.detail).toMatch(/BAD_SEARCH_ATTRIBUTES: .*no mapping defined for search attribute (ProbeName|IssueCategory|ProbeSeverity)/);
      expect(tail.fix).toContain('probe-wake setup');

      const status = await d.cli(['status']);
      expect(status.status).toBe(1);
      expect(status.stdout).toBe('');
      expect(status.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(status.stderr).toMatch(new RegExp(`^probe-wake: cannot query tail ${d.tailId} in namespace probe-wake-wedge: `));
    } finally {
      worker.shutdown();
      await running;
      await native.close();
    }
  }, 240_000);
});
