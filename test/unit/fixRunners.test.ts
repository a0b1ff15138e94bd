import { ConfigError, describeConfig, loadConfig } from '../../src/config/config';
import { parseFixRunners, webhookUrlProblem } from '../../src/domain/fixRunners';

const SECRET = 's3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-0123';
const env = { FIX_SECRET: SECRET };

function problemsOf(raw: string, e: Record<string, string> = env): string[] {
  return parseFixRunners(raw, e).problems;
}

describe('PROBE_FIX_RUNNERS', () => {
  it('parses a webhook and a command runner, with the secret read from the named variable', () => {
    const { runners, problems } = parseFixRunners(
      JSON.stringify({
        restart_unhealthy_machine: { url: 'https://ops.example/fix', secretEnv: 'FIX_SECRET' },
        rotate: { command: ['/usr/local/bin/restart-fly', '--app'], timeoutSeconds: 20 },
      }),
      env,
    );
    expect(problems).toEqual([]);
    expect(runners).toEqual({
      restart_unhealthy_machine: { kind: 'webhook', url: 'https://ops.example/fix', secretEnv: 'FIX_SECRET', secret: SECRET, timeoutMs: 30_000 },
      rotate: { kind: 'command', command: ['/usr/local/bin/restart-fly', '--app'], timeoutMs: 20_000 },
    });
  });

  it('unset or blank: no runners, no problem', () => {
    expect(parseFixRunners(undefined, {})).toEqual({ runners: {}, problems: [] });
    expect(parseFixRunners('  ', {})).toEqual({ runners: {}, problems: [] });
  });

  it.each([
    ['not JSON', '{', 'PROBE_FIX_RUNNERS: must be a JSON object mapping fix names to runners'],
    ['an array', '[]', 'PROBE_FIX_RUNNERS: must be a JSON object mapping fix names to runners'],
    ['a bad fix name', '{"a b": {"command": ["/bin/true"]}}', 'PROBE_FIX_RUNNERS entry "a b": a fix name is 1-64 characters of [A-Za-z0-9_.-]'],
    ['neither kind', '{"x": {"timeoutSeconds": 5}}', 'PROBE_FIX_RUNNERS entry "x": must be either {"url": "https://...", "secretEnv": "NAME"} or {"command": ["/absolute/program", "arg", ...]}'],
    ['both kinds', '{"x": {"url": "https://a.example", "secretEnv": "FIX_SECRET", "command": ["/bin/true"]}}', 'PROBE_FIX_RUNNERS entry "x": must be either'],
    ['a string entry', '{"x": "/bin/true"}', 'PROBE_FIX_RUNNERS entry "x": must be either'],
    ['a shell string as command', '{"x": {"command": "/bin/restart --app"}}', 'PROBE_FIX_RUNNERS entry "x": command:'],
    ['an empty argv', '{"x": {"command": []}}', 'PROBE_FIX_RUNNERS entry "x": command: must name a program'],
    ['a relative program', '{"x": {"command": ["restart-fly"]}}', 'PROBE_FIX_RUNNERS entry "x": command: argv[0] must be an absolute path (no PATH look-up)'],
    ['an unknown field', '{"x": {"command": ["/bin/true"], "shell": true}}', 'PROBE_FIX_RUNNERS entry "x": Unrecognized key: "shell"'],
    ['a zero timeout', '{"x": {"command": ["/bin/true"], "timeoutSeconds": 0}}', 'PROBE_FIX_RUNNERS entry "x": timeoutSeconds:'],
    ['a plain http URL', '{"x": {"url": "http://ops.example/fix", "secretEnv": "FIX_SECRET"}}', 'PROBE_FIX_RUNNERS entry "x": url must be https:// (http:// only for 127.0.0.1 or localhost)'],
    ['a URL with credentials', '{"x": {"url": "https://u:p@ops.example/fix", "secretEnv": "FIX_SECRET"}}', 'PROBE_FIX_RUNNERS entry "x": url must not carry credentials (use secretEnv)'],
    ['a bad env var name', '{"x": {"url": "https://ops.example", "secretEnv": "fix-secret"}}', 'PROBE_FIX_RUNNERS entry "x": secretEnv: must be an environment variable name like FIX_WEBHOOK_SECRET'],
    ['a missing secret', '{"x": {"url": "https://ops.example", "secretEnv": "NOT_SET"}}', 'PROBE_FIX_RUNNERS entry "x": secretEnv names NOT_SET, which is not set'],
  ])('refuses %s, naming the entry', (_name, raw, expected) => {
    const problems = problemsOf(raw);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.startsWith(expected)).toBe(true);
  });

  it('refuses a short secret without echoing it', () => {
    const problems = problemsOf('{"x": {"url": "https://ops.example", "secretEnv": "SHORT"}}', { SHORT: 'tiny-secret' });
    expect(problems).toEqual(['PROBE_FIX_RUNNERS entry "x": the secret in SHORT must be at least 32 characters']);
    expect(problems.join('')).not.toContain('tiny-secret');
  });

  it('reports every bad entry at once and keeps the good ones out of nothing', () => {
    const { problems } = parseFixRunners('{"a": {"command": ["rel"]}, "b": {"url": "ftp://x", "secretEnv": "FIX_SECRET"}, "c": {"command": ["/bin/true"]}}', env);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('entry "a"');
    expect(problems[1]).toContain('entry "b"');
  });

  it('allows http:// to this machine only', () => {
    expect(webhookUrlProblem('http://127.0.0.1:8080/fix')).toBeUndefined();
    expect(webhookUrlProblem('http://localhost/fix')).toBeUndefined();
    expect(webhookUrlProblem('http://[::1]:9/fix')).toBeUndefined();
    expect(webhookUrlProblem('http://127.0.0.2/fix')).toBeDefined();
    expect(webhookUrlProblem('http://localhost.evil.example/fix')).toBeDefined();
  });

  it('a bad entry stops start-up through loadConfig, and the secret never shows in describeConfig', () => {
    expect(() => loadConfig({ PROBE_FIX_RUNNERS: '{"x": {"command": ["rel"]}}' }, '/srv')).toThrow(ConfigError);
    const config = loadConfig({ PROBE_FIX_RUNNERS: '{"x": {"url": "https://ops.example/fix", "secretEnv": "FIX_SECRET"}}', FIX_SECRET: SECRET }, '/srv');
    expect(config.fixRunners.x).toMatchObject({ kind: 'webhook', secret: SECRET });
    const shown = JSON.stringify(describeConfig(config));
    expect(shown).not.toContain(SECRET);
    expect(shown).toContain('FIX_SECRET');
  });
});

describe('versioning settings', () => {
  it('defaults: the deployment is named after the task queue (probe-wake), build ID derived, the worker sets its version current', () => {
    expect(loadConfig({}, '/srv').versioning).toEqual({ deploymentName: 'probe-wake', buildId: undefined, setCurrentVersion: true });
    expect(loadConfig({ TEMPORAL_TASK_QUEUE: 'ops.probe:wake' }, '/srv').versioning.deploymentName).toBe('ops-probe-wake');
  });

  it('reads and checks them', () => {
    expect(loadConfig({ PROBE_WAKE_DEPLOYMENT_NAME: 'ops', PROBE_WAKE_BUILD_ID: '0.2.0+abc', PROBE_WAKE_SET_CURRENT_VERSION: 'off' }, '/srv').versioning).toEqual({
      deploymentName: 'ops',
      buildId: '0.2.0+abc',
      setCurrentVersion: false,
    });
    try {
      loadConfig({ PROBE_WAKE_DEPLOYMENT_NAME: 'a.b', PROBE_WAKE_BUILD_ID: 'x y' }, '/srv');
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        'PROBE_WAKE_DEPLOYMENT_NAME: must be 1-100 characters of [A-Za-z0-9_-] (no dot)',
        'PROBE_WAKE_BUILD_ID: must be 1-100 characters of [A-Za-z0-9_.+-]',
      ]);
    }
  });
});
