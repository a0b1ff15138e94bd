import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chownSync, existsSync, promises as fs, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const log = (message: string) => process.stderr.write(`[cluster] ${message}\n`);

export interface PostgresServer {
  port: number;
  user: string;
  password: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** The account PostgreSQL runs as: initdb and postgres refuse to run as root. */
interface RunAs {
  uid?: number;
  gid?: number;
}

/** PostgreSQL's binaries: PATH, else Debian's /usr/lib/postgresql/<major>/bin, else apt-get install postgresql. */
export function postgresBinDir(): string {
  const found = findBinDir();
  if (found) return found;
  if (process.getuid?.() !== 0 || !onPath('apt-get')) {
    throw new Error(
      'the cluster tests need PostgreSQL (initdb, pg_ctl): install it (Debian/Ubuntu: `sudo apt-get install -y postgresql`) ' +
        '(or PROBE_WAKE_SKIP_CLUSTER=1 to skip the cluster project on a local run)',
    );
  }
  log('PostgreSQL is missing: apt-get update && apt-get install -y postgresql');
  run('apt-get', ['update'], {});
  run('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const installed = findBinDir();
  if (!installed) throw new Error('apt-get installed postgresql, yet no initdb was found under /usr/lib/postgresql/*/bin');
  return installed;
}

function findBinDir(): string | undefined {
  const initdb = onPath('initdb');
  if (initdb) return path.dirname(initdb);
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return majors[0] ? path.join(root, majors[0], 'bin') : undefined;
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** As root: the `postgres` account (created when missing, as the Debian package would). */
function runAs(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    log('creating the system user postgres to run PostgreSQL as');
    run('useradd', ['--system', '--user-group', '--home-dir', '/var/lib/postgresql', '--shell', '/bin/sh', 'postgres'], {});
  }
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

function run(command: string, args: string[], options: SpawnSyncOptions): void {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error || result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${String(result.stderr ?? '').slice(-3000)}`);
  }
}

/**
 * A throw-away PostgreSQL in `dir` on 127.0.0.1:`port`, with a password-protected superuser like
 * compose's (POSTGRES_USER temporal): initdb, then pg_ctl start, as the `postgres` user when root.
 */
export async function startPostgres(dir: string, port: number, user = 'temporal', password = 'temporal-test-pw'): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const as = runAs();
  const dataDir = path.join(dir, 'pgdata');
  const socketDir = path.join(dir, 'pgsocket');
  await fs.mkdir(socketDir, { recursive: true });
  const pwfile = path.join(dir, 'pgpass');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (as.uid !== undefined) {
    for (const entry of [dir, socketDir, pwfile]) chownSync(entry, as.uid, as.gid!);
  }
  const opts: SpawnSyncOptions = { ...as, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } };
  run(path.join(bin, 'initdb'), ['-D', dataDir, '-U', user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync'], opts);
  const settings = [`-p ${port}`, "-c listen_addresses=127.0.0.1", `-k ${socketDir}`, '-c fsync=off', '-c max_connections=200'].join(' ');
  run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', path.join(dir, 'postgres.log'), '-o', settings, '-w', '-t', '60', 'start'], opts);
  return {
    port,
    user,
    password,
    dataDir,
    async stop() {
      await new Promise<void>((resolve) => {
        const child = spawn(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], { ...as, stdio: 'ignore' });
        child.once('close', () => resolve());
        child.once('error', () => resolve());
      });
    },
  };
}
