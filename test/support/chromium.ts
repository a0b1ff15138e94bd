import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's chromium: the browser tests drive it through playwright-core, which never downloads a browser of its own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that work on a sandboxed, offline CI machine as root (no background calls home, no GPU). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

type Progress = (message: string) => void;

/**
 * Installs Debian's `chromium` with apt-get when it is missing (tests run as
 * root on CI). Throws with the reason when it cannot: the browser test must
 * then fail, never pass without a browser.
 */
export async function ensureChromium(progress: Progress): Promise<string> {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`${CHROMIUM_PATH} is missing and this is not a Debian/Ubuntu machine: install Chromium there (or symlink it) to run the Web UI test`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error(`${CHROMIUM_PATH} is missing: run \`sudo apt-get install -y chromium\` once (the test installs it itself only as root)`);
  }
  progress('installing Debian chromium with apt-get for the Web UI test (once per machine, ~1-2 min)...');
  if ((await aptGet(['install', '-y', '-q', 'chromium'])) !== 0) {
    progress('apt-get install failed; running apt-get update and trying again...');
    await aptGet(['update', '-q']);
    const code = await aptGet(['install', '-y', '-q', 'chromium']);
    if (code !== 0) throw new Error(`apt-get install -y chromium failed (exit ${code}); see its output above`);
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is missing`);
  progress(`chromium ready: ${CHROMIUM_PATH}`);
  return CHROMIUM_PATH;
}

function aptGet(args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    // stdout to our stderr: progress stays visible without mixing into Jest's reporter output.
    const child = spawn('apt-get', args, { stdio: ['ignore', process.stderr, process.stderr], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    child.once('error', () => resolve(null));
    child.once('exit', (code) => resolve(code));
  });
}
