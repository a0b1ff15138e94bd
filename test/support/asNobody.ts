import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ReadLimits } from '../../src/activities/auditFile';
import type { ReadBatch, ReadRequest } from '../../src/domain/tailTypes';

/** uid/gid of `nobody`: tests run as root, which no file mode can refuse. */
export const NOBODY = 65534;

const ROOT = path.resolve(__dirname, '..', '..');
const LIB_AUDIT_FILE = path.join(ROOT, 'lib', 'activities', 'auditFile.js');

/**
 * Every file `node` loads to require `entry` (the module, the modules it
 * requires, their packages' package.json), as paths under `root`. Listed by a
 * child run as ourselves with --preserve-symlinks, so a node_modules that is
 * a symlink (a git worktree) is still seen under `root`.
 */
async function requireClosure(entry: string, root: string): Promise<string[]> {
  const listed = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--preserve-symlinks', '-e', 'require(process.argv[1]); process.stdout.write(JSON.stringify(Object.keys(require.cache)))', entry],
      { encoding: 'utf8' },
      (err, out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(out)),
    ),
  );
  const files = new Set<string>();
  for (const file of JSON.parse(listed) as string[]) {
    const relative = path.relative(root, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`${entry} loads ${file}, outside ${root}`);
    files.add(relative);
    // `require('zod')` resolves through the package's package.json, which require.cache does not list.
    const pkg = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(relative);
    if (pkg && existsSync(path.join(root, pkg[1]!, 'package.json'))) files.add(path.join(pkg[1]!, 'package.json'));
  }
  return [...files];
}

/** What `entry` loads, copied (same layout) to a world-readable temp folder; returns the copy of `entry`. */
async function copyForNobody(entry: string, root: string): Promise<string> {
  const files = await requireClosure(entry, root);
  const copy = mkdtempSync(path.join(tmpdir(), 'probe-wake-nobody-'));
  process.once('exit', () => rmSync(copy, { recursive: true, force: true }));
  chmodSync(copy, 0o755); // mkdtemp makes it 0700
  for (const file of files) {
    const target = path.join(copy, file);
    mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    copyFileSync(path.join(root, file), target);
    chmodSync(target, 0o644);
  }
  return path.join(copy, path.relative(root, entry));
}

/** One copy per entry per process: a read as nobody then costs one child process, as a read in-process costs none. */
const copies = new Map<string, Promise<string>>();

/**
 * Runs `node -e script entry ...args` as nobody and resolves with its stdout.
 * `nobody` may not be able to traverse the checkout (a clone in a mode-0700
 * home or `mktemp -d` folder), so what `entry` loads is first copied to a
 * world-readable temp folder (once per process, removed at exit), and the
 * copy is what runs.
 */
export async function runAsNobody(entry: string, script: string, args: string[], root = ROOT): Promise<string> {
  const key = `${root}\0${entry}`;
  let copied = copies.get(key);
  if (!copied) {
    copied = copyForNobody(entry, root);
    copies.set(key, copied);
    copied.catch(() => copies.delete(key));
  }
  const copiedEntry = await copied;
  return new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['-e', script, copiedEntry, ...args],
      { uid: NOBODY, gid: NOBODY, cwd: '/', maxBuffer: 64 * 1024 * 1024 },
      (err, out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(out)),
    ),
  );
}

const READ_BATCH = `
const { readAuditBatch } = require(process.argv[1]);
readAuditBatch(JSON.parse(process.argv[2]), JSON.parse(process.argv[3])).then(
  (batch) => process.stdout.write(JSON.stringify({ batch })),
  (err) => process.stdout.write(JSON.stringify({ error: { code: err.code, message: err.message } })),
);`;

/**
 * The real reader (the built lib/ copy of src/activities/auditFile.ts) run in a
 * child process as nobody, so file permissions genuinely apply. Errors come
 * back with their errno code, as fs errors do in-process.
 */
export async function readAsNobody(request: ReadRequest, limits: ReadLimits): Promise<ReadBatch> {
  if (!existsSync(LIB_AUDIT_FILE)) throw new Error(`${LIB_AUDIT_FILE} is missing: run \`npm run build\` first (npm test does)`);
  const stdout = await runAsNobody(LIB_AUDIT_FILE, READ_BATCH, [JSON.stringify(request), JSON.stringify(limits)]);
  const answer = JSON.parse(stdout) as { batch?: ReadBatch; error?: { code?: string; message: string } };
  if (answer.error) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
  return answer.batch!;
}
