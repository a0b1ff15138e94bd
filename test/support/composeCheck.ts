import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCE = path.join(ROOT, 'tools', 'compose-check');

/**
 * Builds tools/compose-check (compose-go, the loader `docker compose` uses)
 * into ./.tools once per source version, with the machine's Go.
 */
export function composeCheckBinary(): string {
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(path.join(SOURCE, file)));
  const dir = path.join(ROOT, '.tools', `compose-check-${hash.digest('hex').slice(0, 12)}`);
  const binary = path.join(dir, 'compose-check');
  if (existsSync(binary)) return binary;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) {
    throw new Error('the Compose file check needs Go (https://go.dev/dl/) on PATH to build tools/compose-check from github.com/compose-spec/compose-go/v2');
  }
  mkdirSync(dir, { recursive: true });
  execFileSync('go', ['build', '-o', binary, '.'], { cwd: SOURCE, stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
  return binary;
}

export interface ComposeLoad {
  status: number | null;
  stderr: string;
  project?: ComposeProject;
}

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  environment?: Record<string, string | null>;
  volumes?: Array<{ type: string; source?: string; target: string; read_only?: boolean }>;
  entrypoint?: string[] | null;
  command?: string[] | null;
  stop_grace_period?: string;
  expose?: string[];
}

export interface ComposeProject {
  name: string;
  services: Record<string, ComposeService>;
}

/** Loads a Compose file as `docker compose config` would, with exactly `env` as the environment. */
export function loadCompose(file: string, env: Record<string, string>): ComposeLoad {
  const result = spawnSync(composeCheckBinary(), [file], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 60_000 });
  return {
    status: result.status,
    stderr: result.stderr,
    project: result.status === 0 ? (JSON.parse(result.stdout) as ComposeProject) : undefined,
  };
}
