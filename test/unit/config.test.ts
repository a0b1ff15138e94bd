import path from 'node:path';
import { ConfigError, DEFAULT_MODEL, describeConfig, loadConfig } from '../../src/config/config';

const load = (env: Record<string, string>) => loadConfig(env, '/srv/probe-wake');

function problems(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = load({});
    expect(config).toMatchObject({
      pollSeconds: 30,
      debounceSeconds: 600,
      bypassCritical: false,
      replayFromStart: false,
      auditLogPath: path.resolve('/srv/probe-wake', 'var/audit.jsonl'),
      anthropic: { model: DEFAULT_MODEL },
      temporal: { namespace: 'default', taskQueue: 'probe-wake', tailWorkflowId: 'probe-tail', devPort: 7233, devUiPort: 8233 },
    });
    expect(config.temporal.address).toBeUndefined();
    expect(config.slack.botToken).toBeUndefined();
    expect(config.anthropic.apiKey).toBeUndefined();
  });

  it('reads the primary names', () => {
    const config = load({
      PROBE_WAKE_POLL_SEC: '5',
      PROBE_DEBOUNCE_SECONDS: '0',
      PROBE_DEBOUNCE_BYPASS_CRITICAL: 'YES',
      SLACK_OPERATOR_USER_ID: 'U024BE7LH',
      AUDIT_LOG_PATH: 'logs/a.jsonl',
    });
    expect(config).toMatchObject({ pollSeconds: 5, debounceSeconds: 0, bypassCritical: true, slack: { operatorUserId: 'U024BE7LH' } });
    expect(config.auditLogPath).toBe('/srv/probe-wake/logs/a.jsonl');
  });

  it('accepts the seed-era KORA_ aliases, the primary name winning when both are set', () => {
    const config = load({
      KORA_PROBE_WAKE_POLL_SEC: '7',
      KORA_PROBE_DEBOUNCE_SECONDS: '60',
      KORA_PROBE_DEBOUNCE_BYPASS_CRITICAL: 'on',
      KORA_SLACK_JOSHUA_USER_ID: 'U0SEED',
    });
    expect(config).toMatchObject({ pollSeconds: 7, debounceSeconds: 60, bypassCritical: true, slack: { operatorUserId: 'U0SEED' } });
    expect(load({ PROBE_WAKE_POLL_SEC: '3', KORA_PROBE_WAKE_POLL_SEC: '7' }).pollSeconds).toBe(3);
  });

  it.each(['1', 'true', 'TRUE', 'yes', 'On'])('treats %s as true', (value) => {
    expect(load({ PROBE_WAKE_REPLAY_FROM_START: value }).replayFromStart).toBe(true);
  });

  it.each(['0', 'false', 'No', 'off'])('treats %s as false', (value) => {
    expect(load({ PROBE_DEBOUNCE_BYPASS_CRITICAL: value }).bypassCritical).toBe(false);
  });

  it.each([
    ['PROBE_WAKE_POLL_SEC', 'abc'],
    ['PROBE_WAKE_POLL_SEC', '-5'],
    ['PROBE_WAKE_POLL_SEC', '0'],
    ['PROBE_DEBOUNCE_SECONDS', '-1'],
    ['PROBE_DEBOUNCE_SECONDS', '10m'],
    ['PROBE_DEBOUNCE_BYPASS_CRITICAL', 'maybe'],
    ['KORA_PROBE_DEBOUNCE_SECONDS', 'abc'],
    ['SLACK_OPERATOR_USER_ID', '@joshua'],
    ['SLACK_API_URL', 'ftp://example'],
    ['TEMPORAL_DEV_PORT', '70000'],
    ['TEMPORAL_ADDRESS', 'http://x'],
    ['LOG_LEVEL', 'loud'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    const found = problems({ [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${name}`));
  });

  it('reports every bad variable at once', () => {
    expect(problems({ PROBE_WAKE_POLL_SEC: 'x', PROBE_DEBOUNCE_SECONDS: 'y' })).toHaveLength(2);
  });

  it('never echoes a secret in an error', () => {
    const found = problems({ SLACK_BOT_TOKEN: 'xoxb-secret value' });
    expect(found.join()).toContain('SLACK_BOT_TOKEN');
    expect(found.join()).not.toContain('xoxb-secret');
  });

  it('describes config without secrets', () => {
    const described = JSON.stringify(describeConfig(load({ SLACK_BOT_TOKEN: 'xoxb-123', ANTHROPIC_API_KEY: 'sk-ant-456' })));
    expect(described).not.toMatch(/xoxb-123|sk-ant-456/);
    expect(described).toContain('"botToken":"set"');
  });
});

describe('loadConfig: investigation budget and prices', () => {
  it('defaults to 4 steps, no budget and the default model priced', () => {
    const { investigation } = load({});
    expect(investigation.maxTurns).toBe(4);
    expect(investigation.dailyBudgetUsd).toBeUndefined();
    // claude-haiku-5-5's list prices, both prompt-length bands (platform.claude.com/docs/en/models/haiku-5-5/overview).
    expect(investigation.prices[DEFAULT_MODEL]).toEqual({
      input: 0.1,
      output: 0.5,
      cacheRead: 0.01,
      cacheWrite: 0.125,
      longPrompt: { overTokens: 100_000, input: 0.5, output: 2.5, cacheRead: 0.05, cacheWrite: 0.625 },
    });
  });

  it('PROBE_MODEL_PRICES takes a long-prompt band, and an entry replaces the built-in one whole', () => {
    const { investigation } = load({
      PROBE_MODEL_PRICES: JSON.stringify({
        'claude-haiku-5-5': { input: 0.2, output: 1 },
        gw: { input: 1, output: 2, cache_read: 0.1, cache_write: 1.5, long_prompt: { over_tokens: 200000, input: 2, output: 4 } },
      }),
    });
    expect(investigation.prices['claude-haiku-5-5']).toEqual({ input: 0.2, output: 1, cacheRead: 0, cacheWrite: 0 });
    expect(investigation.prices.gw).toEqual({
      input: 1,
      output: 2,
      cacheRead: 0.1,
      cacheWrite: 1.5,
      longPrompt: { overTokens: 200000, input: 2, output: 4, cacheRead: 0, cacheWrite: 0 },
    });
  });

  it('effort, turn budget and silence: unset by default (the model decides effort), validated when set', () => {
    const config = load({});
    expect(config.anthropic.effort).toBeUndefined();
    expect(config.investigation.turnTimeoutSeconds).toBe(180);
    expect(config.anthropic.silenceTimeoutSeconds).toBe(60);
    const set = load({ PROBE_INVESTIGATION_EFFORT: 'High', PROBE_INVESTIGATION_TURN_TIMEOUT_SECONDS: '300', PROBE_INVESTIGATION_SILENCE_SECONDS: '90' });
    expect(set.anthropic.effort).toBe('high');
    expect(set.investigation.turnTimeoutSeconds).toBe(300);
    expect(set.anthropic.silenceTimeoutSeconds).toBe(90);
  });

  it('reads steps, budget and extra prices', () => {
    const { investigation } = load({
      PROBE_INVESTIGATION_MAX_TURNS: '2',
      PROBE_INVESTIGATION_DAILY_BUDGET_USD: '2.50',
      PROBE_MODEL_PRICES: '{"claude-big-5":{"input":3,"output":15}}',
    });
    expect(investigation).toMatchObject({ maxTurns: 2, dailyBudgetUsd: 2.5 });
    expect(investigation.prices['claude-big-5']).toEqual({ input: 3, output: 15, cacheRead: 0, cacheWrite: 0 });
    expect(investigation.prices[DEFAULT_MODEL]).toBeDefined();
  });

  it.each<[Record<string, string>, RegExp]>([
    [{ PROBE_INVESTIGATION_MAX_TURNS: '0' }, /PROBE_INVESTIGATION_MAX_TURNS="0": must be an integer from 1 to 10/],
    [{ PROBE_INVESTIGATION_DAILY_BUDGET_USD: '-1' }, /PROBE_INVESTIGATION_DAILY_BUDGET_USD="-1"/],
    [{ PROBE_MODEL_PRICES: 'cheap' }, /PROBE_MODEL_PRICES: must be JSON like/],
    [{ PROBE_MODEL_PRICES: '{"m":{"input":"1","output":5}}' }, /entry "m" is not/],
    [{ PROBE_MODEL_PRICES: '{"m":{"input":1,"output":5,"long_prompt":{"input":2,"output":6}}}' }, /entry "m" is not/],
    [{ PROBE_INVESTIGATION_EFFORT: 'extreme' }, /PROBE_INVESTIGATION_EFFORT="extreme": model "claude-haiku-5-5" takes one of low, medium, high, xhigh, max/],
    [{ PROBE_INVESTIGATION_TURN_TIMEOUT_SECONDS: '5' }, /PROBE_INVESTIGATION_TURN_TIMEOUT_SECONDS="5": must be a number from 10 to 3600/],
    [{ PROBE_INVESTIGATION_SILENCE_SECONDS: '200' }, /PROBE_INVESTIGATION_SILENCE_SECONDS \(200\) must not exceed PROBE_INVESTIGATION_TURN_TIMEOUT_SECONDS \(180\)/],
    [{ PROBE_INVESTIGATION_DAILY_BUDGET_USD: '5', ANTHROPIC_MODEL: 'unpriced-model' }, /model "unpriced-model" has no price: add it to PROBE_MODEL_PRICES/],
  ])('refuses %j', (env, problem) => {
    expect(problems(env).join('\n')).toMatch(problem);
  });
});

describe('loadConfig: PROBE_WAKE_WAIT_FOR_GROWTH', () => {
  it('defaults to waiting for growth and can be switched to plain polling', () => {
    expect(load({}).waitForGrowth).toBe(true);
    expect(load({ PROBE_WAKE_WAIT_FOR_GROWTH: 'off' }).waitForGrowth).toBe(false);
    expect(problems({ PROBE_WAKE_WAIT_FOR_GROWTH: 'maybe' }).join('\n')).toMatch(/PROBE_WAKE_WAIT_FOR_GROWTH="maybe"/);
  });
});

describe('loadConfig: PROBE_WAKE_UI_URL (incident)', () => {
  it("defaults to the embedded dev server's UI, and to no link for an external cluster", () => {
    expect(load({}).incident.uiUrl).toBe('http://127.0.0.1:8233');
    expect(load({ TEMPORAL_DEV_UI_PORT: '9000' }).incident.uiUrl).toBe('http://127.0.0.1:9000');
    expect(load({ TEMPORAL_ADDRESS: 'temporal.example:7233' }).incident.uiUrl).toBeUndefined();
  });

  it('takes a URL (trailing slash dropped) and refuses anything else, naming the variable', () => {
    expect(load({ TEMPORAL_ADDRESS: 'temporal.example:7233', PROBE_WAKE_UI_URL: 'https://ui.example/' }).incident.uiUrl).toBe('https://ui.example');
    expect(problems({ PROBE_WAKE_UI_URL: 'ftp://x' })).toEqual(['PROBE_WAKE_UI_URL="ftp://x": must be an http(s) URL']);
  });
});

describe('loadConfig: window rules (recovery, flapping, min-wakes, storms)', () => {
  it('has the documented defaults', () => {
    expect(load({}).windowRules).toEqual({
      recoveryConfirmations: 2,
      flap: { windows: 3, periodSeconds: 7200, maxWindowSeconds: 21600 },
      minWakes: { wakes: 1, withinSeconds: 300 },
      storm: { threshold: 5, groupSeconds: 10 },
    });
  });

  it('reads every variable', () => {
    const env = {
      PROBE_RECOVERY_CONFIRMATIONS: '3',
      PROBE_FLAP_WINDOWS: '0',
      PROBE_FLAP_PERIOD_SECONDS: '3600',
      PROBE_FLAP_MAX_WINDOW_SECONDS: '7200',
      PROBE_WAKE_MIN_WAKES: '2',
      PROBE_WAKE_MIN_WAKES_SECONDS: '60',
      PROBE_STORM_THRESHOLD: '20',
      PROBE_STORM_GROUP_SECONDS: '30',
    };
    expect(load(env).windowRules).toEqual({
      recoveryConfirmations: 3,
      flap: { windows: 0, periodSeconds: 3600, maxWindowSeconds: 7200 },
      minWakes: { wakes: 2, withinSeconds: 60 },
      storm: { threshold: 20, groupSeconds: 30 },
    });
  });

  it.each([
    ['PROBE_RECOVERY_CONFIRMATIONS', '0', /PROBE_RECOVERY_CONFIRMATIONS="0": must be an integer from 1 to 100/],
    ['PROBE_RECOVERY_CONFIRMATIONS', '1.5', /must be an integer/],
    ['PROBE_FLAP_WINDOWS', '1', /PROBE_FLAP_WINDOWS="1": must be 0 \(off\) or at least 2/],
    ['PROBE_FLAP_PERIOD_SECONDS', '2h', /PROBE_FLAP_PERIOD_SECONDS="2h": must be a number/],
    ['PROBE_FLAP_MAX_WINDOW_SECONDS', '-1', /PROBE_FLAP_MAX_WINDOW_SECONDS/],
    ['PROBE_WAKE_MIN_WAKES', '0', /PROBE_WAKE_MIN_WAKES="0"/],
    ['PROBE_WAKE_MIN_WAKES_SECONDS', 'abc', /PROBE_WAKE_MIN_WAKES_SECONDS="abc"/],
    ['PROBE_STORM_THRESHOLD', 'many', /PROBE_STORM_THRESHOLD="many"/],
    ['PROBE_STORM_GROUP_SECONDS', '0', /PROBE_STORM_GROUP_SECONDS="0"/],
  ])('stops start-up on %s=%s, naming it', (name, value, problem) => {
    expect(problems({ [name]: value }).join('\n')).toMatch(problem);
  });
});

describe('loadConfig: PROBE_FIX_APPROVAL_TIMEOUT_SECONDS (approval)', () => {
  it('defaults to 1800 and takes whole seconds from 10 to 7 days, naming the variable otherwise', () => {
    expect(load({}).fixApproval.timeoutSeconds).toBe(1800);
    expect(load({ PROBE_FIX_APPROVAL_TIMEOUT_SECONDS: '600' }).fixApproval.timeoutSeconds).toBe(600);
    for (const bad of ['5', '1.5', 'soon', '700000']) expect(problems({ PROBE_FIX_APPROVAL_TIMEOUT_SECONDS: bad }).join(' ')).toContain('PROBE_FIX_APPROVAL_TIMEOUT_SECONDS');
  });
});
