import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { PROJECT_ROOT } from '../../../src/runtime/temporalTools';
import type { ServerTools } from './serverBuild';

/** Where a cluster's pieces are: enough for a test file to restart the server exactly as it was. */
export interface ClusterSpec {
  tools: ServerTools;
  postgres: { port: number; user: string; password: string };
  /** The Temporal database and the visibility database of this cluster. */
  databases: { main: string; visibility: string };
  /** Every listener's port, all on 127.0.0.1. */
  ports: Record<'frontendGrpc' | 'frontendHttp' | 'frontendMembership' | 'historyGrpc' | 'historyMembership' | 'matchingGrpc' | 'matchingMembership' | 'workerGrpc' | 'workerMembership', number>;
  logFile: string;
}

export interface RunningServer {
  address: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Free ports below 32768 for every listener: the server records each service's gRPC port in
 * PostgreSQL's cluster_membership.rpc_port, a SMALLINT, and dies at start-up ("value out of range
 * for type smallint") on a port from Linux's ephemeral range (32768-60999), where freePort() lands.
 */
export async function clusterPorts(): Promise<ClusterSpec['ports']> {
  const names = ['frontendGrpc', 'frontendHttp', 'frontendMembership', 'historyGrpc', 'historyMembership', 'matchingGrpc', 'matchingMembership', 'workerGrpc', 'workerMembership'] as const;
  const ports = {} as ClusterSpec['ports'];
  const taken = new Set<number>();
  for (const name of names) {
    for (;;) {
      const candidate = 10_000 + Math.floor(Math.random() * 22_000);
      if (!taken.has(candidate) && (await bindable(candidate))) {
        taken.add(candidate);
        ports[name] = candidate;
        break;
      }
    }
  }
  return ports;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Creates both databases and loads the schemas shipped in the server module, as compose's
 * temporal-schema job does: create-database, setup-schema -v 0.0, update-schema -d <versioned>.
 */
export function loadSchemas(spec: Pick<ClusterSpec, 'tools' | 'postgres' | 'databases'>): void {
  const schemaRoot = path.join(spec.tools.moduleDir, 'schema', 'postgresql', 'v12');
  const base = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(spec.postgres.port), '-u', spec.postgres.user];
  const env = { ...process.env, SQL_PASSWORD: spec.postgres.password };
  for (const [db, schema] of [[spec.databases.main, 'temporal'], [spec.databases.visibility, 'visibility']] as const) {
    for (const args of [['create-database'], ['setup-schema', '-v', '0.0'], ['update-schema', '-d', path.join(schemaRoot, schema, 'versioned')]]) {
      const result = spawnSync(spec.tools.sqlTool, [...base, '--db', db, ...args], { env, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`temporal-sql-tool --db ${db} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr.slice(-3000)}`);
    }
  }
}

/**
 * The environment compose gives the `temporal` service (DB, POSTGRES_*, the dynamic config file of
 * deploy/), plus what a single host needs: every listener on 127.0.0.1 and its own port. The server
 * renders these into its embedded config template (config/docker.yaml of the server module).
 */
export function serverEnv(spec: ClusterSpec): NodeJS.ProcessEnv {
  const p = spec.ports;
  return {
    PATH: process.env.PATH,
    DB: 'postgres12',
    DB_PORT: String(spec.postgres.port),
    // The template reads the visibility store's port from VISIBILITY_DB_PORT or POSTGRES_PORT, not DB_PORT.
    VISIBILITY_DB_PORT: String(spec.postgres.port),
    POSTGRES_SEEDS: '127.0.0.1',
    POSTGRES_USER: spec.postgres.user,
    POSTGRES_PWD: spec.postgres.password,
    DBNAME: spec.databases.main,
    VISIBILITY_DBNAME: spec.databases.visibility,
    BIND_ON_IP: '127.0.0.1',
    DYNAMIC_CONFIG_FILE_PATH: path.join(PROJECT_ROOT, 'deploy', 'temporal-dynamicconfig.yaml'),
    LOG_LEVEL: 'warn',
    FRONTEND_GRPC_PORT: String(p.frontendGrpc),
    FRONTEND_HTTP_PORT: String(p.frontendHttp),
    FRONTEND_MEMBERSHIP_PORT: String(p.frontendMembership),
    HISTORY_GRPC_PORT: String(p.historyGrpc),
    HISTORY_MEMBERSHIP_PORT: String(p.historyMembership),
    MATCHING_GRPC_PORT: String(p.matchingGrpc),
    MATCHING_MEMBERSHIP_PORT: String(p.matchingMembership),
    WORKER_GRPC_PORT: String(p.workerGrpc),
    WORKER_MEMBERSHIP_PORT: String(p.workerMembership),
  };
}

/** `temporal-server start` (all four services in one process), ready once the frontend answers GetClusterInfo. */
export async function startTemporalServer(spec: ClusterSpec, readyTimeoutMs = 120_000): Promise<RunningServer> {
  const out = openSync(spec.logFile, 'a');
  const child = spawn(spec.tools.server, ['start'], { env: serverEnv(spec), stdio: ['ignore', out, out] });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const address = `127.0.0.1:${spec.ports.frontendGrpc}`;
  const server: RunningServer = {
    address,
    child,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (!gone) child.kill(signal);
      await exited;
    },
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (gone) throw new Error(`temporal-server exited during start-up (exit ${child.exitCode}); see ${spec.logFile}`);
    // No gRPC retry interceptor (this loop is the retry), and every probe's connection closed: a retry
    // timer left behind fires on a closed channel and throws "Channel has been shut down" into the suite.
    const connection = Connection.lazy({ address, connectTimeout: 2_000, interceptors: [] });
    try {
      await connection.ensureConnected();
      await connection.workflowService.getClusterInfo({});
      // The system namespace answers once history and matching have joined.
      await connection.workflowService.describeNamespace({ namespace: 'temporal-system' });
      return server;
    } catch (err) {
      if (Date.now() > deadline) {
        await server.stop('SIGKILL');
        throw new Error(`temporal-server at ${address} not ready after ${readyTimeoutMs} ms: ${(err as Error).message}; see ${spec.logFile}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    } finally {
      await connection.close();
    }
  }
}
