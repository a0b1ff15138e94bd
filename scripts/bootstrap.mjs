// Runs before `npm start` / `npm test` so that both work on a fresh clone:
// installs npm dependencies when node_modules is missing or was installed
// from another package.json / lockfile. Node built-ins only: nothing is installed yet.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'node_modules', '.probe-wake-install-stamp');
const wanted = createHash('sha256')
  .update(readFileSync(join(root, 'package.json')))
  .update(readFileSync(join(root, 'package-lock.json')))
  .digest('hex');

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted) {
  console.error('[probe-wake] installing npm dependencies from package-lock.json...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // `npm install` rather than `npm ci`: npm 11 leaves other platforms' optional
  // binaries out of the lockfile and `npm ci` then refuses it. The lockfile still pins every version.
  execFileSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, wanted);
}
