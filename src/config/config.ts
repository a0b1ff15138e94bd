import { actorsFrom } from '../domain/actors';
import path from 'node:path';
import { DEFAULT_TAIL_WORKFLOW_ID, DEFAULT_TASK_QUEUE } from '../api';
import type { ModelPrice, PriceBand } from '../domain/costLadder';
import { DEFAULT_DELIVERY_HORIZON_MS } from '../domain/delivery';
import { parseDurationMs } from '../domain/durations';
import { effortLevelsOf, type Effort } from '../domain/modelFacts';
import { DEFAULT_TURN_TIMEOUT_SECONDS } from '../domain/turnTimeouts';
import { DEFAULT_WINDOW_RULES, type WindowRules } from '../domain/windowBatch';
import { CODEC_KEYS_ENV, parseCodecKeys, type CodecKey } from '../codec/codecKeys';
import { describeFixRunners, FIX_RUNNERS_ENV, parseFixRunners, type FixRunners } from '../domain/fixRunners';
import { DEFAULT_FIX_APPROVAL_TIMEOUT_SECONDS } from '../domain/fixApproval';

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
  /** Reads wait for the audit log to grow; false: plain polling. */
  waitForGrowth: boolean;
  auditLogPath: string;
  /** Recovery, flapping, min-wakes buffering, storms (tail role, issue 13). */
  windowRules: WindowRules;
  logLevel: LogLevel;
  slack: {
    botToken?: string;
    operatorUserId?: string;
    apiUrl?: string;
    /** PROBE_DM_DELIVERY_HORIZON: how long the outbox keeps trying a DM before giving it up (loudly). */
    deliveryHorizonMs: number;
  };
  anthropic: {
    apiKey?: string;
    baseUrl?: string;
    model: string;
    /** output_config.effort; undefined: not sent, the model's own default. */
    effort?: Effort;
    /** A streamed answer that sends no byte for this long is given up (the attempt fails and is retried). */
    silenceTimeoutSeconds: number;
  };
  investigation: {
    /** LLM turns per investigation, tool calls in between. */
    maxTurns: number;
    /** Undefined: no daily budget. */
    dailyBudgetUsd?: number;
    /** USD per million tokens, by model name. */
    prices: Record<string, ModelPrice>;
    /** One model turn's budget; the askModel activity's timeouts derive from it. */
    turnTimeoutSeconds: number;
  };
  worker: WorkerSettings;
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
  /** Receiving the operator's clicks from Slack (bolt role; see readSlackActions). */
  slackActions: SlackActionSettings;
  // ── incident (issue 13; owner: incident) ──
  incident: IncidentSettings;
  // ── fixver (issue 14): fix runners and Worker Versioning ──
  /** PROBE_FIX_RUNNERS by fix name; webhook secrets read from their env vars (worker process only). */
  fixRunners: FixRunners;
  versioning: VersioningSettings;
  // ── approval (issue 14): the approval-gated fix ──
  fixApproval: FixApprovalConfig;
}

/** What the incident's messages link to (issue 13; owner: incident). */
export interface IncidentSettings {
  /**
   * PROBE_WAKE_UI_URL: the Temporal Web UI the root message links to. Default: the embedded dev server's UI
   * (http://127.0.0.1:TEMPORAL_DEV_UI_PORT) when TEMPORAL_ADDRESS is unset; unset for an external cluster: no link.
   */
  uiUrl?: string;
}

/** The approval wait of an offered fix (approval role; docs/fixes.md "Approval"). */
export interface FixApprovalConfig {
  /** PROBE_FIX_APPROVAL_TIMEOUT_SECONDS: how long an offered fix waits for a human's click (default 1800). */
  timeoutSeconds: number;
}

/** Worker Versioning (docs/operations.md "Deploying new code"). */
export interface VersioningSettings {
  /** PROBE_WAKE_DEPLOYMENT_NAME: the Worker Deployment every probe-wake worker of this task queue joins (default: the task queue's name). */
  deploymentName: string;
  /** PROBE_WAKE_BUILD_ID; undefined: `{package version}-{12 hex of the workflow bundle's sha256}`. */
  buildId?: string;
  /** PROBE_WAKE_SET_CURRENT_VERSION: the worker makes its build current at start unless a newer one is. */
  setCurrentVersion: boolean;
}

/** How the worker process runs: drain time on SIGTERM and where Prometheus scrapes it. */
export interface WorkerSettings {
  shutdownGraceSeconds: number;
  /** host:port of the Prometheus endpoint; undefined when switched off. */
  metricsAddress?: string;
  /** Set by the operator (a bind failure is then fatal), not the default (a busy port only disables metrics). */
  metricsAddressExplicit: boolean;
}

export const DEFAULT_METRICS_ADDRESS = '0.0.0.0:9464';
export const DEFAULT_SHUTDOWN_GRACE_SECONDS = 30;
const METRICS_OFF = new Set(['off', 'none', 'false', '0']);

export const DEFAULT_MODEL = 'claude-haiku-5-5';

/**
 * List prices of the default model in USD per million tokens, both prompt-length bands
 * (https://platform.claude.com/docs/en/models/haiku-5-5/overview, checked 2026-12-01).
 * PROBE_MODEL_PRICES adds models or replaces an entry whole (bands included).
 */
export const DEFAULT_PRICES: Record<string, ModelPrice> = {
  [DEFAULT_MODEL]: {
    input: 0.1,
    output: 0.5,
    cacheRead: 0.01,
    cacheWrite: 0.125,
    longPrompt: { overTokens: 100_000, input: 0.5, output: 2.5, cacheRead: 0.05, cacheWrite: 0.625 },
  },
};
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

  /**
   * `{"model": {"input": 0.1, "output": 0.5, "cache_read": 0.01, "cache_write": 0.125,
   * "long_prompt": {"over_tokens": 100000, "input": 0.5, "output": 2.5, "cache_read": 0.05, "cache_write": 0.625}}}`,
   * USD per million tokens; `long_prompt` (optional) prices every token of a turn whose prompt is longer.
   */
  prices(name: string): Record<string, ModelPrice> {
    const found = pick(this.env, [name]);
    if (!found) return {};
    const problem =
      `${name}: must be JSON like {"model-name":{"input":0.1,"output":0.5,"cache_read":0.01,"cache_write":0.125,` +
      `"long_prompt":{"over_tokens":100000,"input":0.5,"output":2.5,"cache_read":0.05,"cache_write":0.625}}} ` +
      '(USD per million tokens, numbers >= 0; cache_read, cache_write and long_prompt optional)';
    let parsed: unknown;
    try {
      parsed = JSON.parse(found.value);
    } catch {
      this.problems.push(problem);
      return {};
    }
    if (!isObject(parsed)) {
      this.problems.push(problem);
      return {};
    }
    const prices: Record<string, ModelPrice> = {};
    for (const [model, entry] of Object.entries(parsed)) {
      const base = isObject(entry) ? priceBand(entry) : undefined;
      const long = isObject(entry) && entry.long_prompt !== undefined ? longPromptBand(entry.long_prompt) : null;
      if (!base || long === undefined) {
        this.problems.push(`${problem}; entry "${model}" is not`);
        return {};
      }
      prices[model] = long ? { ...base, longPrompt: long } : base;
    }
    return prices;
  }

  /** `24h`, `90m`, `2d`, `3600s` or bare seconds, within bounds. */
  duration(name: string, fallbackMs: number, check: { minMs: number; maxMs: number }): number {
    const found = pick(this.env, [name]);
    if (!found) return fallbackMs;
    const ms = parseDurationMs(found.value);
    if (ms === undefined || ms < check.minMs || ms > check.maxMs) {
      this.problems.push(
        `${found.name}=${JSON.stringify(found.value)}: must be a duration like 24h, 90m, 2d or 3600s (seconds), from ${check.minMs / 60_000}m to ${check.maxMs / 86_400_000}d`,
      );
      return fallbackMs;
    }
    return ms;
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isPrice = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function priceBand(e: Record<string, unknown>): PriceBand | undefined {
  const fields = [e.input, e.output, e.cache_read ?? 0, e.cache_write ?? 0];
  if (!fields.every(isPrice)) return undefined;
  const [input, output, cacheRead, cacheWrite] = fields as number[];
  return { input: input!, output: output!, cacheRead: cacheRead!, cacheWrite: cacheWrite! };
}

/** undefined: malformed; null: none. */
function longPromptBand(value: unknown): (PriceBand & { overTokens: number }) | undefined {
  if (!isObject(value)) return undefined;
  const band = priceBand(value);
  const over = value.over_tokens;
  if (!band || typeof over !== 'number' || !Number.isInteger(over) || over < 1) return undefined;
  return { ...band, overTokens: over };
}

const WORKFLOW_ID = { pattern: /^[A-Za-z0-9_.:-]{1,200}$/, describe: 'must be 1-200 characters of [A-Za-z0-9_.:-]' };

export function loadConfig(env: Env = process.env, cwd = process.cwd()): AppConfig {
  const read = new Reader(env);
  const config: Omit<AppConfig, 'codecKeys' | 'incident' | 'slackActions' | 'fixRunners' | 'versioning' | 'fixApproval'> = {
    pollSeconds: read.number(['PROBE_WAKE_POLL_SEC', 'KORA_PROBE_WAKE_POLL_SEC'], 30, { min: 0.1, max: 86_400 }),
    debounceSeconds: read.number(['PROBE_DEBOUNCE_SECONDS', 'KORA_PROBE_DEBOUNCE_SECONDS'], 600, { min: 0, max: 30 * 86_400 }),
    bypassCritical: read.flag(['PROBE_DEBOUNCE_BYPASS_CRITICAL', 'KORA_PROBE_DEBOUNCE_BYPASS_CRITICAL'], false),
    replayFromStart: read.flag(['PROBE_WAKE_REPLAY_FROM_START'], false),
    waitForGrowth: read.flag(['PROBE_WAKE_WAIT_FOR_GROWTH'], true),
    auditLogPath: path.resolve(cwd, read.text(['AUDIT_LOG_PATH']) ?? './var/audit.jsonl'),
    windowRules: readWindowRules(read),
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
      deliveryHorizonMs: read.duration('PROBE_DM_DELIVERY_HORIZON', DEFAULT_DELIVERY_HORIZON_MS, { minMs: 60_000, maxMs: 30 * 86_400_000 }),
    },
    anthropic: {
      apiKey: read.text(['ANTHROPIC_API_KEY'], { pattern: /^\S+$/, describe: 'must not contain whitespace' }),
      baseUrl: read.url(['ANTHROPIC_BASE_URL']),
      model: read.text(['ANTHROPIC_MODEL'], { pattern: /^[A-Za-z0-9_.:@-]{1,100}$/, describe: 'must be a model name' }) ?? DEFAULT_MODEL,
      silenceTimeoutSeconds: read.number(['PROBE_INVESTIGATION_SILENCE_SECONDS'], DEFAULT_SILENCE_SECONDS, { min: 1, max: 3_600 }),
    },
    investigation: {
      maxTurns: read.number(['PROBE_INVESTIGATION_MAX_TURNS'], 4, { min: 1, max: 10, integer: true }),
      dailyBudgetUsd: pick(env, ['PROBE_INVESTIGATION_DAILY_BUDGET_USD'])
        ? read.number(['PROBE_INVESTIGATION_DAILY_BUDGET_USD'], 0, { min: 0, max: 1_000_000 })
        : undefined,
      prices: { ...DEFAULT_PRICES, ...read.prices('PROBE_MODEL_PRICES') },
      turnTimeoutSeconds: read.number(['PROBE_INVESTIGATION_TURN_TIMEOUT_SECONDS'], DEFAULT_TURN_TIMEOUT_SECONDS, { min: 10, max: 3_600 }),
    },
    worker: readWorkerSettings(read),
    temporal: {
      address: read.text(['TEMPORAL_ADDRESS'], { pattern: /^[^\s/]+:\d+$/, describe: 'must be host:port' }),
      namespace: read.text(['TEMPORAL_NAMESPACE'], { pattern: /^[A-Za-z0-9_.-]{1,200}$/, describe: 'must be a namespace name' }) ?? 'default',
      taskQueue: read.text(['TEMPORAL_TASK_QUEUE'], WORKFLOW_ID) ?? DEFAULT_TASK_QUEUE,
      tailWorkflowId: read.text(['PROBE_TAIL_WORKFLOW_ID'], WORKFLOW_ID) ?? DEFAULT_TAIL_WORKFLOW_ID,
      devPort: read.number(['TEMPORAL_DEV_PORT'], 7233, { min: 1, max: 65_535, integer: true }),
      devUiPort: read.number(['TEMPORAL_DEV_UI_PORT'], 8233, { min: 1, max: 65_535, integer: true }),
      devDbFile: path.resolve(cwd, read.text(['TEMPORAL_DEV_DB_FILE']) ?? './var/temporal.db'),
    },
  };
  config.anthropic.effort = readEffort(env, config.anthropic.model, read.problems);
  if (config.anthropic.silenceTimeoutSeconds > config.investigation.turnTimeoutSeconds) {
    read.problems.push(
      `PROBE_INVESTIGATION_SILENCE_SECONDS (${config.anthropic.silenceTimeoutSeconds}) must not exceed PROBE_INVESTIGATION_TURN_TIMEOUT_SECONDS (${config.investigation.turnTimeoutSeconds})`,
    );
  }
  const { dailyBudgetUsd, prices } = config.investigation;
  if (dailyBudgetUsd !== undefined && !prices[config.anthropic.model]) {
    read.problems.push(
      `PROBE_INVESTIGATION_DAILY_BUDGET_USD is set but model "${config.anthropic.model}" has no price: add it to PROBE_MODEL_PRICES`,
    );
  }
  // ── incident (issue 13; owner: incident) ──
  const incident: IncidentSettings = {
    uiUrl: read.url(['PROBE_WAKE_UI_URL'])?.replace(/\/+$/, '') ?? (config.temporal.address === undefined ? `http://127.0.0.1:${config.temporal.devUiPort}` : undefined),
  };
  const slackActions = readSlackActions(read, env);
  const codec = parseCodecKeys(env[CODEC_KEYS_ENV]);
  // ── fixver (issue 14) ──
  const fixRunners = parseFixRunners(env[FIX_RUNNERS_ENV], env);
  const versioning: VersioningSettings = {
    // One deployment per task queue: a version must poll every task queue of the one it replaces.
    deploymentName: read.text(['PROBE_WAKE_DEPLOYMENT_NAME'], DEPLOYMENT_NAME) ?? config.temporal.taskQueue.replace(/[^A-Za-z0-9_-]/g, '-'),
    buildId: read.text(['PROBE_WAKE_BUILD_ID'], BUILD_ID),
    setCurrentVersion: read.flag(['PROBE_WAKE_SET_CURRENT_VERSION'], true),
  };
  // ── approval (issue 14): how long an offered fix waits for a click ──
  const fixApproval: FixApprovalConfig = {
    timeoutSeconds: read.number(['PROBE_FIX_APPROVAL_TIMEOUT_SECONDS'], DEFAULT_FIX_APPROVAL_TIMEOUT_SECONDS, { min: 10, max: 7 * 86_400, integer: true }),
  };
  const problems = [...read.problems, ...codec.problems, ...fixRunners.problems];
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...config, codecKeys: codec.keys, incident, slackActions, fixRunners: fixRunners.runners, versioning, fixApproval };
}

// ── Tail role (issue 13): the window rules beyond plain debounce ──────────────
function readWindowRules(read: Reader): WindowRules {
  const d = DEFAULT_WINDOW_RULES;
  const rules: WindowRules = {
    recoveryConfirmations: read.number(['PROBE_RECOVERY_CONFIRMATIONS'], d.recoveryConfirmations, { min: 1, max: 100, integer: true }),
    flap: {
      windows: read.number(['PROBE_FLAP_WINDOWS'], d.flap.windows, { min: 0, max: 1000, integer: true }),
      periodSeconds: read.number(['PROBE_FLAP_PERIOD_SECONDS'], d.flap.periodSeconds, { min: 1, max: 30 * 86_400 }),
      maxWindowSeconds: read.number(['PROBE_FLAP_MAX_WINDOW_SECONDS'], d.flap.maxWindowSeconds, { min: 1, max: 30 * 86_400 }),
    },
    minWakes: {
      wakes: read.number(['PROBE_WAKE_MIN_WAKES'], d.minWakes.wakes, { min: 1, max: 10_000, integer: true }),
      withinSeconds: read.number(['PROBE_WAKE_MIN_WAKES_SECONDS'], d.minWakes.withinSeconds, { min: 1, max: 30 * 86_400 }),
    },
    storm: {
      threshold: read.number(['PROBE_STORM_THRESHOLD'], d.storm.threshold, { min: 0, max: 100_000, integer: true }),
      groupSeconds: read.number(['PROBE_STORM_GROUP_SECONDS'], d.storm.groupSeconds, { min: 1, max: 3_600 }),
    },
  };
  if (rules.flap.windows === 1) read.problems.push('PROBE_FLAP_WINDOWS="1": must be 0 (off) or at least 2 (one window is not flapping)');
  return rules;
}

/** The server joins them as `name.buildId`, so a deployment name has no dot; both kept to a safe alphabet. */
const DEPLOYMENT_NAME = { pattern: /^[A-Za-z0-9_-]{1,100}$/, describe: 'must be 1-100 characters of [A-Za-z0-9_-] (no dot)' };
const BUILD_ID = { pattern: /^[A-Za-z0-9_-][A-Za-z0-9_.+-]{0,99}$/, describe: 'must be 1-100 characters of [A-Za-z0-9_.+-]' };

/** No byte for a minute: a gateway or a self-hosted model that slow to start is given up on and retried. */
export const DEFAULT_SILENCE_SECONDS = 60;

/** PROBE_INVESTIGATION_EFFORT, checked against the levels the configured model documents. */
function readEffort(env: Env, model: string, problems: string[]): Effort | undefined {
  const found = pick(env, ['PROBE_INVESTIGATION_EFFORT']);
  if (!found) return undefined;
  const levels = effortLevelsOf(model);
  const value = found.value.toLowerCase();
  if ((levels as readonly string[]).includes(value)) return value as Effort;
  problems.push(`${found.name}=${JSON.stringify(found.value)}: model "${model}" takes one of ${levels.join(', ')} (or leave it unset for the model's default)`);
  return undefined;
}

function readWorkerSettings(read: Reader): WorkerSettings {
  const shutdownGraceSeconds = read.number(['PROBE_WAKE_SHUTDOWN_GRACE_SEC'], DEFAULT_SHUTDOWN_GRACE_SECONDS, { min: 0, max: 3_600 });
  const metrics = read.text(['PROBE_WAKE_METRICS_ADDRESS'], {
    pattern: /^(off|none|false|0|[A-Za-z0-9.-]+:\d{1,5}|\[[0-9A-Fa-f:.]+\]:\d{1,5})$/i,
    describe: 'must be host:port (e.g. 0.0.0.0:9464) or off',
  });
  const port = metrics === undefined ? undefined : /:(\d+)$/.exec(metrics)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) {
    read.problems.push(`PROBE_WAKE_METRICS_ADDRESS=${JSON.stringify(metrics)}: port must be from 1 to 65535`);
  }
  if (metrics !== undefined && METRICS_OFF.has(metrics.toLowerCase())) return { shutdownGraceSeconds, metricsAddressExplicit: true };
  return { shutdownGraceSeconds, metricsAddress: metrics ?? DEFAULT_METRICS_ADDRESS, metricsAddressExplicit: metrics !== undefined };
}

/** What is safe to print or log: secrets reduced to "set" / "unset". */
export function describeConfig(config: AppConfig): Record<string, unknown> {
  return {
    ...config,
    slack: { ...config.slack, botToken: config.slack.botToken ? 'set' : 'unset' },
    anthropic: { ...config.anthropic, apiKey: config.anthropic.apiKey ? 'set' : 'unset' },
    slackActions: describeSlackActions(config.slackActions),
    codecKeys: config.codecKeys.map((k) => k.id),
    fixRunners: describeFixRunners(config.fixRunners),
  };
}

// ── Slack interactivity: receiving the operator's clicks (role: bolt) ───────────────────────────────

/** How the worker receives Slack's interaction requests; `mode: 'off'` when neither secret is set. */
export type SlackActionSettings =
  | { mode: 'off'; actors: string[] }
  | { mode: 'socket'; appToken: string; actors: string[] }
  | { mode: 'http'; signingSecret: string; host: string; port: number; actors: string[] };

export const DEFAULT_SLACK_HTTP_ADDRESS = '127.0.0.1:3000';

/**
 * SLACK_APP_TOKEN (`xapp-…`): Socket Mode. Else SLACK_SIGNING_SECRET: HTTP on PROBE_WAKE_SLACK_HTTP_ADDRESS
 * (host:port, default 127.0.0.1:3000). PROBE_WAKE_SLACK_ACTORS: who may act (comma-separated user IDs,
 * default SLACK_OPERATOR_USER_ID alone); with a receiver on, someone must be allowed.
 */
function readSlackActions(read: Reader, env: Env): SlackActionSettings {
  const appToken = read.text(['SLACK_APP_TOKEN'], { pattern: /^xapp-\S+$/, describe: 'must be an app-level token (xapp-…) without whitespace' });
  const signingSecret = read.text(['SLACK_SIGNING_SECRET'], { pattern: /^\S+$/, describe: 'must not contain whitespace' });
  const address = read.text(['PROBE_WAKE_SLACK_HTTP_ADDRESS'], {
    pattern: /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/,
    describe: 'must be host:port, e.g. 127.0.0.1:3000 or 0.0.0.0:3000',
  }) ?? DEFAULT_SLACK_HTTP_ADDRESS;
  const [, rawHost = '127.0.0.1', rawPort = '3000'] = /^(.*):(\d+)$/.exec(address) ?? [];
  const port = Number(rawPort);
  if (port < 1 || port > 65_535) read.problems.push(`PROBE_WAKE_SLACK_HTTP_ADDRESS=${JSON.stringify(address)}: port must be from 1 to 65535`);
  // One reading of the actor list for every door (the receiver here, the CLI's --as): domain/actors.ts.
  const listed = actorsFrom(env);
  // The operator's ID is checked with the Slack settings already: only the list itself is reported here.
  if ('error' in listed && env.PROBE_WAKE_SLACK_ACTORS?.trim()) read.problems.push(listed.error);
  const actors = 'actors' in listed ? listed.actors : [];
  const mode = appToken ? 'socket' : signingSecret ? 'http' : 'off';
  if (mode !== 'off' && actors.length === 0 && !('error' in listed)) {
    read.problems.push(`${mode === 'socket' ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET'} is set but nobody may act: set PROBE_WAKE_SLACK_ACTORS or SLACK_OPERATOR_USER_ID`);
  }
  if (appToken) return { mode: 'socket', appToken, actors };
  if (signingSecret) return { mode: 'http', signingSecret, host: rawHost.replace(/^\[(.*)\]$/, '$1'), port, actors };
  return { mode: 'off', actors };
}

function describeSlackActions(settings: SlackActionSettings): Record<string, unknown> {
  if (settings.mode === 'socket') return { ...settings, appToken: 'set' };
  if (settings.mode === 'http') return { ...settings, signingSecret: 'set' };
  return settings;
}
