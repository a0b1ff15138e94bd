import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../src/runtime/temporalTools';
import { TEMPORAL_SERVER_VERSION } from './versions';

export interface ServerTools {
  server: string;
  sqlTool: string;
  /** The server module's source in the Go module cache: its schema/ directory is what the SQL tool loads. */
  moduleDir: string;
}

const MODULE = 'go.temporal.io/server';
const log = (message: string) => process.stderr.write(`[cluster] ${message}\n`);

/**
 * The Temporal server and its SQL tool of the pinned version, built from the Go module proxy with
 * `go install` into .tools/temporal-server-<version>/ (once; later runs reuse the binaries). A cold
 * build takes about 14 min on 2 cores, a warm Go build cache about 25 s. No Go: a loud error.
 */
export async function serverTools(): Promise<ServerTools> {
  const go = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new Error(
      'the cluster tests need Go (>= 1.24) to build the Temporal server: install it from https://go.dev/dl/ and put `go` on PATH ' +
        '(or PROBE_WAKE_SKIP_CLUSTER=1 to skip the cluster project on a local run)',
    );
  }
  const moduleDir = path.join(go.stdout.trim(), `${MODULE}@v${TEMPORAL_SERVER_VERSION}`);
  const dir = path.join(PROJECT_ROOT, '.tools', `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  const tools = { server: path.join(dir, 'temporal-server'), sqlTool: path.join(dir, 'temporal-sql-tool'), moduleDir };
  if (existsSync(tools.server) && existsSync(tools.sqlTool) && existsSync(moduleDir)) return tools;

  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const packages = [`${MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`, `${MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`];
  log(`building Temporal server ${TEMPORAL_SERVER_VERSION} and its SQL tool: go install ${packages.join(' ')}`);
  log('(about 14 min on 2 cores with a cold Go build cache, 25 s with a warm one; cached in .tools/ afterwards)');
  const started = Date.now();
  let compiled = 0;
  const child = spawn('go', ['install', '-v', ...packages], { env: { ...process.env, GOBIN: staging }, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const onOutput = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    compiled += text.split('\n').filter((line) => line && !line.startsWith('go: downloading')).length;
    tail = (tail + text).slice(-4000);
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const ticker = setInterval(() => log(`  still building: ${Math.round((Date.now() - started) / 1000)} s, ${compiled} packages compiled so far (cached ones are not listed)`), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearInterval(ticker);
  if (code !== 0) throw new Error(`go install failed (exit ${code}):\n${tail}`);
  renameSync(path.join(staging, 'server'), path.join(staging, 'temporal-server'));
  renameSync(path.join(staging, 'sql'), path.join(staging, 'temporal-sql-tool'));
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  log(`built in ${Math.round((Date.now() - started) / 1000)} s (${compiled} packages): ${dir}`);
  return tools;
}
