import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { startPostgres, type PostgresServer } from './cluster/postgres';
import { serverTools } from './cluster/serverBuild';
import { STATE_ENV, type ClusterState } from './cluster/state';
import { clusterPorts, loadSchemas, startTemporalServer, type ClusterSpec, type RunningServer } from './cluster/temporalServer';
import { TEMPORAL_SERVER_VERSION } from './cluster/versions';
import { assertBuilt } from './workerProcess';

const CLI_JS = path.resolve(__dirname, '..', '..', 'lib', 'cli', 'index.js');
const log = (message: string) => process.stderr.write(`[cluster] ${message}\n`);

interface Running {
  postgres?: PostgresServer;
  server?: RunningServer;
  tmpDir: string;
}
declare global {
  // eslint-disable-next-line no-var
  var probeWakeCluster: Running | undefined;
}

/**
 * The `cluster` project's global setup: what docs/operations.md "Self-hosted cluster" tells an
 * operator to do, on this machine instead of in containers. Builds the pinned Temporal server
 * (cached), starts PostgreSQL, loads both schemas, starts the server with compose's environment on
 * free ports, then `probe-wake setup` creates the namespace and registers the search attributes.
 */
export default async function clusterSetup(): Promise<void> {
  try {
    await setUp();
  } catch (err) {
    // Nothing may outlive a failed set-up: pg_ctl's postgres runs detached from jest.
    const running = globalThis.probeWakeCluster;
    await running?.server?.stop('SIGKILL').catch(() => undefined);
    await running?.postgres?.stop();
    throw err;
  }
}

async function setUp(): Promise<void> {
  assertBuilt();
  const t0 = Date.now();
  const phase = (name: string, since: number) => log(`${name}: ${((Date.now() - since) / 1000).toFixed(1)} s`);
  const tools = await serverTools();
  phase(`Temporal server ${TEMPORAL_SERVER_VERSION} binaries ready`, t0);

  const tmpDir = await fs.mkdtemp(path.join(os.tmpdir(), 'probe-wake-cluster-'));
  const running: Running = { tmpDir };
  globalThis.probeWakeCluster = running;
  let t = Date.now();
  running.postgres = await startPostgres(tmpDir, await freePort());
  phase(`PostgreSQL on 127.0.0.1:${running.postgres.port}`, t);

  const spec: ClusterSpec = {
    tools,
    postgres: { port: running.postgres.port, user: running.postgres.user, password: running.postgres.password },
    databases: { main: 'temporal', visibility: 'temporal_visibility' },
    ports: await clusterPorts(),
    logFile: path.join(tmpDir, 'temporal-server.log'),
  };
  t = Date.now();
  loadSchemas(spec);
  phase('schemas loaded', t);
  t = Date.now();
  running.server = await startTemporalServer(spec);
  phase(`Temporal server on ${running.server.address}`, t);

  t = Date.now();
  const namespace = 'default';
  const setup = spawnSync(process.execPath, [CLI_JS, 'setup'], {
    encoding: 'utf8',
    env: { ...process.env, TEMPORAL_ADDRESS: running.server.address, TEMPORAL_NAMESPACE: namespace },
    timeout: 120_000,
  });
  if (setup.status !== 0) throw new Error(`probe-wake setup failed (exit ${setup.status}):\n${setup.stdout}\n${setup.stderr}`);
  log(setup.stdout.trim().replace(/\n/g, '\n[cluster] '));
  phase('probe-wake setup', t);

  const state: ClusterState = { spec, address: running.server.address, namespace, serverPid: running.server.child.pid!, tmpDir };
  const stateFile = path.join(tmpDir, 'state.json');
  await fs.writeFile(stateFile, JSON.stringify(state, null, 2));
  process.env[STATE_ENV] = stateFile;
  phase('cluster set-up total', t0);
}
