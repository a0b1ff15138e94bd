import path from 'node:path';
import { CODEC_KEYS_ENV, parseCodecKeys, type CodecKey } from '../codec/codecKeys';

/**
 * Every setting probe-wake reads, validated once at start-up. A malformed value
 * stops start-up with a message naming the variable; it is never silently
 * replaced by a default.
 */
export interface AppConfig {
  pollSeconds: number;
  debounceSeconds: number;
  bypassCritical: boolean;
  replayFromStart: boolean;
  auditLogPath: string;
  logLevel: LogLevel;
  slack: { botToken?: string; operatorUserId?: string; apiUrl?: string };
  anthropic: { apiKey?: string; baseUrl?: string; model: string };
  temporal: {
    /** Unset: `npm start` runs the embedded dev server. */
    address?: string;
    namespace: string;
    taskQueue: string;
    tailWorkflowId: string;
    devPort: number;
    devUiPort: number;
    /** SQLite file of the embedded dev server, so workflows survive restarts. */
    devDbFile: string;
  };
  /** PROBE_WAKE_CODEC_KEYS: empty means payloads are stored as plain JSON. */
  codecKeys: CodecKey[];
}

export const DEFAULT_MODEL = 'claude-haiku-5-5';
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads the first set variable among a name and its seed-era aliases. */
function pick(env: Env, names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { name, value: value.trim() };
  }
  return undefined;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  number(names: string[], fallback: number, check: { min: number; max: number; integer?: boolean }): number {
    const found = pick(this.env, names);
    if (!found) return fallback;
    const value = Number(found.value);
    const ok =
      /^[0-9]+(\.[0-9]+)?$/.test(found.value) &&
      value >= check.min &&
      value <= check.max &&
      (!check.integer || Number.isInteger(value));
    if (!ok) {
      const kind = check.integer ? 'an integer' : 'a number';
      this.problems.push(`${found.name}=${JSON.stringify(found.value)}: must be ${kind} from ${check.min} to ${check.max}`);
      return fallback;
    }
    return value;
  }

  flag(names: string[], fallback: boolean): boolean {
    const found = pick(this.env, names);
    if (!found) return fallback;
    const lowered = found.value.toLowerCase();
    if (TRUE.has(lowered)) return true;
    if (FALSE.has(lowered)) return false;
    this.problems.push(`${found.name}=${JSON.stringify(found.value)}: must be one of 1/true/yes/on or 0/false/no/off`);
    return fallback;
  }

  text(names: string[], check?: { pattern: RegExp; describe: string }): string | undefined {
    const found = pick(this.env, names);
    if (!found) return undefined;
    if (check && !check.pattern.test(found.value)) {
      // Never echo the value: this reader also handles secrets.
      this.problems.push(`${found.name}: ${check.describe}`);
      return undefined;
    }
    return found.value;
  }

  url(names: string[]): string | undefined {
    const found = pick(this.env, names);
    if (!found) return undefined;
    try {
      const parsed = new URL(found.value);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
      return found.value;
    } catch {
      this.problems.push(`${found.name}=${JSON.stringify(found.value)}: must be an http(s) URL`);
      return undefined;
    }
  }
}

const WORKFLOW_ID = { pattern: /^[A-Za-z0-9_.:-]{1,200}$/, describe: 'must be 1-200 characters of [A-Za-z0-9_.:-]' };

export function loadConfig(env: Env = process.env, cwd = process.cwd()): AppConfig {
  const read = new Reader(env);
  const config: Omit<AppConfig, 'codecKeys'> = {
    pollSeconds: read.number(['PROBE_WAKE_POLL_SEC', 'KORA_PROBE_WAKE_POLL_SEC'], 30, { min: 0.1, max: 86_400 }),
    debounceSeconds: read.number(['PROBE_DEBOUNCE_SECONDS', 'KORA_PROBE_DEBOUNCE_SECONDS'], 600, { min: 0, max: 30 * 86_400 }),
    bypassCritical: read.flag(['PROBE_DEBOUNCE_BYPASS_CRITICAL', 'KORA_PROBE_DEBOUNCE_BYPASS_CRITICAL'], false),
    replayFromStart: read.flag(['PROBE_WAKE_REPLAY_FROM_START'], false),
    auditLogPath: path.resolve(cwd, read.text(['AUDIT_LOG_PATH']) ?? './var/audit.jsonl'),
    logLevel: (read.text(['LOG_LEVEL'], {
      pattern: new RegExp(`^(${LOG_LEVELS.join('|')})$`),
      describe: `must be one of ${LOG_LEVELS.join(', ')}`,
    }) ?? 'info') as LogLevel,
    slack: {
      botToken: read.text(['SLACK_BOT_TOKEN'], { pattern: /^\S+$/, describe: 'must not contain whitespace' }),
      operatorUserId: read.text(['SLACK_OPERATOR_USER_ID', 'KORA_SLACK_JOSHUA_USER_ID'], {
        pattern: /^[UW][A-Z0-9]{2,}$/,
        describe: 'must be a Slack user ID such as U024BE7LH',
      }),
      apiUrl: read.url(['SLACK_API_URL']),
    },
    anthropic: {
      apiKey: read.text(['ANTHROPIC_API_KEY'], { pattern: /^\S+$/, describe: 'must not contain whitespace' }),
      baseUrl: read.url(['ANTHROPIC_BASE_URL']),
      model: read.text(['ANTHROPIC_MODEL'], { pattern: /^[A-Za-z0-9_.:@-]{1,100}$/, describe: 'must be a model name' }) ?? DEFAULT_MODEL,
    },
    temporal: {
      address: read.text(['TEMPORAL_ADDRESS'], { pattern: /^[^\s/]+:\d+$/, describe: 'must be host:port' }),
      namespace: read.text(['TEMPORAL_NAMESPACE'], { pattern: /^[A-Za-z0-9_.-]{1,200}$/, describe: 'must be a namespace name' }) ?? 'default',
      taskQueue: read.text(['TEMPORAL_TASK_QUEUE'], WORKFLOW_ID) ?? 'probe-wake',
      tailWorkflowId: read.text(['PROBE_TAIL_WORKFLOW_ID'], WORKFLOW_ID) ?? 'probe-tail',
      devPort: read.number(['TEMPORAL_DEV_PORT'], 7233, { min: 1, max: 65_535, integer: true }),
      devUiPort: read.number(['TEMPORAL_DEV_UI_PORT'], 8233, { min: 1, max: 65_535, integer: true }),
      devDbFile: path.resolve(cwd, read.text(['TEMPORAL_DEV_DB_FILE']) ?? './var/temporal.db'),
    },
  };
  const codec = parseCodecKeys(env[CODEC_KEYS_ENV]);
  const problems = [...read.problems, ...codec.problems];
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...config, codecKeys: codec.keys };
}

/** What is safe to print or log: secrets reduced to "set" / "unset". */
export function describeConfig(config: AppConfig): Record<string, unknown> {
  return {
    ...config,
    slack: { ...config.slack, botToken: config.slack.botToken ? 'set' : 'unset' },
    anthropic: { ...config.anthropic, apiKey: config.anthropic.apiKey ? 'set' : 'unset' },
    codecKeys: config.codecKeys.map((k) => k.id),
  };
}
