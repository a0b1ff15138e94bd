import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/runtime/temporalTools';

/**
 * The real `tctl`, a test tool only: built from its Go module, pinned, cached
 * under ./.tools/. v1.18.0 is the newest version the Go module proxy serves
 * here (it refuses the version list and v1.18.1+).
 */
export const TCTL_MODULE = 'github.com/temporalio/tctl';
export const TCTL_VERSION = 'v1.18.0';
export const TCTL_PATH = path.join(PROJECT_ROOT, '.tools', `tctl-${TCTL_VERSION}`, 'tctl');

export type TctlResolution = { path: string } | { skip: string };

type Progress = (message: string) => void;

/** The cached binary, else a fresh build; `skip` only when Go itself is absent. A failed build throws. */
export async function ensureTctl(progress: Progress): Promise<TctlResolution> {
  if (existsSync(TCTL_PATH)) return { path: TCTL_PATH };
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    return { skip: `Go is not installed, so the real tctl (${TCTL_MODULE}@${TCTL_VERSION}) cannot be built; install Go to run the tctl test` };
  }
  progress(`building tctl ${TCTL_VERSION} from the Go module ${TCTL_MODULE} into ${path.relative(PROJECT_ROOT, TCTL_PATH)} (once, ~2 min)...`);
  // `go install module/cmd@version` would also ask the proxy for the module's version list
  // (a deprecation check), which the proxy refuses here; a throwaway module pinning the
  // version builds the same binary.
  const work = path.join(PROJECT_ROOT, '.tools', `tctl-build-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(path.join(work, 'go.mod'), 'module probewake.local/tctlbuild\n\ngo 1.21\n');
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
  try {
    await run('go', ['get', `${TCTL_MODULE}@${TCTL_VERSION}`], work, env);
    const staged = path.join(work, 'tctl');
    await run('go', ['build', '-o', staged, `${TCTL_MODULE}/cmd/tctl`], work, env);
    mkdirSync(path.dirname(TCTL_PATH), { recursive: true });
    renameSync(staged, TCTL_PATH);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  progress(`tctl ready: ${path.relative(PROJECT_ROOT, TCTL_PATH)}`);
  return { path: TCTL_PATH };
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', process.stderr, process.stderr] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed with exit code ${code}`))));
  });
}
