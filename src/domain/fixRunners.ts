import { z } from 'zod';

/**
 * PROBE_FIX_RUNNERS: which runner carries out an approved fix, by the wake
 * envelope's `fix_name`. Parsed once at start-up; every problem names the entry.
 *
 *   {"restart_unhealthy_machine": {"url": "https://ops.example/fix", "secretEnv": "FIX_WEBHOOK_SECRET"},
 *    "rotate_fly_token": {"command": ["/usr/local/bin/rotate-fly-token", "--app", "kora-runtime"], "timeoutSeconds": 120}}
 */
export type FixRunner = WebhookRunner | CommandRunner;

export interface WebhookRunner {
  kind: 'webhook';
  url: string;
  /** Name of the env var the secret was read from (safe to show). */
  secretEnv: string;
  /** The HMAC key; lives in the worker process only. */
  secret: string;
  timeoutMs: number;
}

export interface CommandRunner {
  kind: 'command';
  /** argv: argv[0] an absolute path, run without a shell. */
  command: string[];
  timeoutMs: number;
}

export type FixRunners = Record<string, FixRunner>;

export const FIX_RUNNERS_ENV = 'PROBE_FIX_RUNNERS';
export const DEFAULT_WEBHOOK_TIMEOUT_SECONDS = 30;
export const DEFAULT_COMMAND_TIMEOUT_SECONDS = 300;
/** A runner's own timeout may not exceed this: the activity's start-to-close timeout is derived from it. */
export const MAX_RUNNER_TIMEOUT_SECONDS = 900;
/** Shortest secret accepted: 32 bytes is what HMAC-SHA256 wants as a key (RFC 2104 §3: at least the output length). */
export const MIN_SECRET_LENGTH = 32;

/** Same alphabet as the wake envelope's fix_name as it reaches workflow IDs and idempotency keys. */
const FIX_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

const timeoutSeconds = z.number().int().min(1).max(MAX_RUNNER_TIMEOUT_SECONDS).optional();

const webhookEntry = z.strictObject({
  url: z.string().min(1),
  secretEnv: z.string().regex(ENV_NAME, 'must be an environment variable name like FIX_WEBHOOK_SECRET'),
  timeoutSeconds,
});

const commandEntry = z.strictObject({
  command: z
    .array(z.string().min(1, 'arguments must not be empty').refine((a) => !a.includes('\0'), 'arguments must not contain NUL'))
    .min(1, 'must name a program')
    .refine((argv) => argv.length === 0 || argv[0]!.startsWith('/'), 'argv[0] must be an absolute path (no PATH look-up)'),
  timeoutSeconds,
});

type Env = Record<string, string | undefined>;

export interface ParsedFixRunners {
  runners: FixRunners;
  problems: string[];
}

/** Parses PROBE_FIX_RUNNERS; secrets come from `env` by name and never appear in a problem. */
export function parseFixRunners(raw: string | undefined, env: Env): ParsedFixRunners {
  if (raw === undefined || raw.trim() === '') return { runners: {}, problems: [] };
  const problems: string[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { runners: {}, problems: [`${FIX_RUNNERS_ENV}: must be a JSON object mapping fix names to runners`] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { runners: {}, problems: [`${FIX_RUNNERS_ENV}: must be a JSON object mapping fix names to runners`] };
  }
  const runners: FixRunners = {};
  for (const [name, entry] of Object.entries(parsed)) {
    const where = `${FIX_RUNNERS_ENV} entry "${name}"`;
    if (!FIX_NAME.test(name)) {
      problems.push(`${where}: a fix name is 1-64 characters of [A-Za-z0-9_.-]`);
      continue;
    }
    const runner = parseEntry(entry, env, (p) => problems.push(`${where}: ${p}`));
    if (runner) runners[name] = runner;
  }
  return { runners, problems };
}

function parseEntry(entry: unknown, env: Env, problem: (p: string) => void): FixRunner | undefined {
  const isObject = typeof entry === 'object' && entry !== null && !Array.isArray(entry);
  const hasUrl = isObject && 'url' in entry;
  const hasCommand = isObject && 'command' in entry;
  if (hasUrl === hasCommand) {
    problem('must be either {"url": "https://...", "secretEnv": "NAME"} or {"command": ["/absolute/program", "arg", ...]}');
    return undefined;
  }
  if (hasCommand) {
    const result = commandEntry.safeParse(entry);
    if (!result.success) return void problem(describe(result.error));
    const { command, timeoutSeconds: t } = result.data;
    return { kind: 'command', command, timeoutMs: (t ?? DEFAULT_COMMAND_TIMEOUT_SECONDS) * 1000 };
  }
  const result = webhookEntry.safeParse(entry);
  if (!result.success) return void problem(describe(result.error));
  const { url, secretEnv, timeoutSeconds: t } = result.data;
  const urlProblem = webhookUrlProblem(url);
  if (urlProblem) return void problem(`url ${urlProblem}`);
  const secret = env[secretEnv]?.trim();
  if (!secret) return void problem(`secretEnv names ${secretEnv}, which is not set`);
  if (secret.length < MIN_SECRET_LENGTH) return void problem(`the secret in ${secretEnv} must be at least ${MIN_SECRET_LENGTH} characters`);
  return { kind: 'webhook', url, secretEnv, secret, timeoutMs: (t ?? DEFAULT_WEBHOOK_TIMEOUT_SECONDS) * 1000 };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https:// anywhere; http:// only to this machine (tests, a sidecar). Undefined: fine. */
export function webhookUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.username || parsed.password) return 'must not carry credentials (use secretEnv)';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname)) return undefined;
  return 'must be https:// (http:// only for 127.0.0.1 or localhost)';
}

function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const at = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return `${at}${issue.message}`;
    })
    .join('; ');
}

/** What is safe to log of a runner set: no secret, the env var's name only. */
export function describeFixRunners(runners: FixRunners): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(runners).map(([name, r]) => [
      name,
      r.kind === 'webhook' ? { url: r.url, secretEnv: r.secretEnv, timeoutMs: r.timeoutMs } : { command: r.command, timeoutMs: r.timeoutMs },
    ]),
  );
}
