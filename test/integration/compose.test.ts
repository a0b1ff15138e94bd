/**
 * docker-compose.yml and the Dockerfile, checked without a Docker engine:
 * the Compose file is loaded by compose-go (the Compose Specification loader
 * `docker compose` itself runs: schema, interpolation, references), then
 * structural facts are asserted on the normalized model.
 */
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { WORKER_NODE_FLAGS, WORKER_PROCESS_ENV } from '../../src/runtime/workerProcessTuning';
import { SEARCH_ATTRIBUTE_NAMES } from '../../src/api';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../support/cluster/versions';
import { composeCheckBinary, loadCompose, type ComposeProject } from '../support/composeCheck';

const ROOT = path.resolve(__dirname, '..', '..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const COMPOSE_TEXT = readFileSync(COMPOSE_FILE, 'utf8');
const DOCKERFILE = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

/** Recognisable stand-ins: if they come out where the file put them, the file takes secrets from the environment. */
const SENTINELS = {
  POSTGRES_PASSWORD: 'pg-sentinel-31b7',
  SLACK_BOT_TOKEN: 'xoxb-sentinel-9c2e',
  SLACK_OPERATOR_USER_ID: 'U0SENTINEL',
  ANTHROPIC_API_KEY: 'sk-ant-sentinel-5d1a',
  SLACK_APP_TOKEN: 'xapp-sentinel-7f30',
  SLACK_SIGNING_SECRET: 'signing-sentinel-e4a8',
};

let project: ComposeProject;
let tmp: string;

beforeAll(async () => {
  composeCheckBinary();
  const loaded = loadCompose(COMPOSE_FILE, SENTINELS);
  if (!loaded.project) throw new Error(`docker-compose.yml did not load (exit ${loaded.status}):\n${loaded.stderr}`);
  project = loaded.project;
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'probe-wake-compose-'));
}, 600_000);

afterAll(async () => {
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

async function loadVariant(edit: (text: string) => string, env: Record<string, string> = SENTINELS) {
  const file = path.join(tmp, `variant-${Math.random().toString(36).slice(2)}.yml`);
  const text = edit(COMPOSE_TEXT);
  expect(text).not.toBe(COMPOSE_TEXT);
  await fs.writeFile(file, text);
  return loadCompose(file, env);
}

describe('docker-compose.yml against the Compose Specification (compose-go loader)', () => {
  it('loads, with the services the deployment needs', () => {
    expect(Object.keys(project.services).sort()).toEqual(['postgresql', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'worker']);
    expect(project.services.worker!.build?.context).toBe(ROOT);
  });

  it('rejects deliberately broken copies (so this check can fail)', async () => {
    const misspelt = await loadVariant((t) => t.replace('      interval: 30s\n', '      intervall: 30s\n'));
    expect(misspelt.status).toBe(1);
    expect(misspelt.stderr).toMatch(/intervall/);
    const dangling = await loadVariant((t) => t.replace('      temporal-setup:\n        condition: service_completed_successfully', '      temporal-init:\n        condition: service_completed_successfully'));
    expect(dangling.status).toBe(1);
    expect(dangling.stderr).toMatch(/temporal-init/);
    const badType = await loadVariant((t) => t.replace('stop_grace_period: 45s', 'stop_grace_period: [45]'));
    expect(badType.status).toBe(1);
  });

  it('refuses to load without POSTGRES_PASSWORD, naming it', () => {
    const { POSTGRES_PASSWORD: _omitted, ...rest } = SENTINELS;
    const loaded = loadCompose(COMPOSE_FILE, rest);
    expect(loaded.status).toBe(1);
    expect(loaded.stderr).toContain('POSTGRES_PASSWORD');
  });

  it('gives every long-running service a healthcheck; the rest are one-shot jobs others wait for', () => {
    const services = Object.entries(project.services);
    const awaitedToComplete = new Set(
      services.flatMap(([, s]) => Object.entries(s.depends_on ?? {}).filter(([, d]) => d.condition === 'service_completed_successfully').map(([name]) => name)),
    );
    for (const [name, service] of services) {
      const oneShot = awaitedToComplete.has(name);
      const healthchecked = (service.healthcheck?.test?.length ?? 0) > 0 && !service.healthcheck?.disable;
      // A one-shot job restarts only when it fails (as the Temporal samples' jobs do); a service stays up.
      const restart = service.restart;
      expect({ name, healthchecked, oneShot, restart }).toEqual({ name, healthchecked: !oneShot, oneShot, restart: oneShot ? 'on-failure' : restart });
      if (!oneShot) expect({ name, restart }).not.toEqual({ name, restart: 'on-failure' });
    }
    // Whoever depends on a long-running service waits for it to be healthy, not merely started.
    for (const [, service] of services) {
      for (const [dep, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect({ dep, condition }).toEqual({ dep, condition: awaitedToComplete.has(dep) ? 'service_completed_successfully' : 'service_healthy' });
      }
    }
  });

  it('pins the Temporal server version the suite runs (dev server and cluster project) for server, admin-tools and UI', () => {
    const images = Object.fromEntries(Object.entries(project.services).map(([name, s]) => [name, s.image]));
    expect(images).toMatchObject({
      temporal: `temporalio/server:${TEMPORAL_SERVER_VERSION}`,
      'temporal-schema': `temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`,
      'temporal-setup': `temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`,
      'temporal-ui': `temporalio/ui:${TEMPORAL_UI_VERSION}`,
    });
  });

  it('hard-codes no secret: every secret comes from the environment', () => {
    const worker = project.services.worker!.environment!;
    expect(worker.SLACK_BOT_TOKEN).toBe(SENTINELS.SLACK_BOT_TOKEN);
    expect(worker.ANTHROPIC_API_KEY).toBe(SENTINELS.ANTHROPIC_API_KEY);
    expect(worker.SLACK_APP_TOKEN).toBe(SENTINELS.SLACK_APP_TOKEN);
    expect(worker.SLACK_SIGNING_SECRET).toBe(SENTINELS.SLACK_SIGNING_SECRET);
    expect(project.services.postgresql!.environment!.POSTGRES_PASSWORD).toBe(SENTINELS.POSTGRES_PASSWORD);
    expect(project.services.temporal!.environment!.POSTGRES_PWD).toBe(SENTINELS.POSTGRES_PASSWORD);
    // No token-shaped literal, and every secret-named key takes its value from an interpolation.
    const secretKeyWithLiteral = /^\s*[A-Z_]*(PASSWORD|PWD|TOKEN|API_KEY|SECRET)[A-Z_]*:\s*(?!\$\{)\S/m;
    expect(secretKeyWithLiteral.test('      POSTGRES_PASSWORD: temporal')).toBe(true);
    for (const pattern of [/xox[abp]-[A-Za-z0-9]/, /sk-ant-[A-Za-z0-9]/, secretKeyWithLiteral]) {
      expect({ pattern: String(pattern), found: pattern.test(COMPOSE_TEXT) }).toEqual({ pattern: String(pattern), found: false });
    }
  });

  it("hands the worker a configuration probe-wake accepts, and Docker a stop timeout longer than the worker's grace", () => {
    const service = project.services.worker!;
    const env = Object.fromEntries(Object.entries(service.environment!).map(([k, v]) => [k, v ?? '']));
    const config = loadConfig(env, '/app');
    expect(config.temporal.address).toBe('temporal:7233');
    expect(config.auditLogPath).toBe('/audit/audit.jsonl');
    expect(config.worker.metricsAddress).toBe('0.0.0.0:9464');
    expect(config.incident.uiUrl).toBe('http://localhost:8080');
    // Socket Mode when the app token is set; HTTP on every interface of the container with only the signing secret.
    expect(config.slackActions).toMatchObject({ mode: 'socket', actors: [SENTINELS.SLACK_OPERATOR_USER_ID] });
    const { SLACK_APP_TOKEN: _socket, ...httpOnly } = env;
    expect(loadConfig(httpOnly, '/app').slackActions).toMatchObject({ mode: 'http', host: '0.0.0.0', port: 3000 });
    expect(service.expose).toContain('3000');
    expect(parseSeconds(service.stop_grace_period!)).toBeGreaterThan(config.worker.shutdownGraceSeconds);
    expect(service.healthcheck!.test).toEqual(['CMD', 'node', 'lib/healthcheck.js']);
  });

  it('runs its Temporal server with the dynamic config file in deploy/, which turns eager activity dispatch on', () => {
    const temporal = project.services.temporal!;
    const configPath = temporal.environment!.DYNAMIC_CONFIG_FILE_PATH;
    const mount = temporal.volumes?.find((v) => v.target === configPath);
    expect(mount).toMatchObject({ type: 'bind', source: path.join(ROOT, 'deploy', 'temporal-dynamicconfig.yaml'), read_only: true });
    expect(readFileSync(mount!.source!, 'utf8')).toMatch(/^system\.enableActivityEagerExecution:\n {2}- value: true$/m);
  });

  it('registers the four Keyword search attributes investigations carry', () => {
    const script = (project.services['temporal-setup']!.command ?? []).join('\n');
    expect([...SEARCH_ATTRIBUTE_NAMES].sort()).toEqual(['InvestigationOutcome', 'IssueCategory', 'ProbeName', 'ProbeSeverity']);
    const loop = /for name in ([A-Za-z ]+); do/.exec(script);
    expect(loop?.[1]?.trim().split(/\s+/).sort()).toEqual([...SEARCH_ATTRIBUTE_NAMES].sort());
    expect(script).toContain('temporal operator search-attribute create --namespace default --name "$name" --type Keyword');
  });
});

describe('Dockerfile', () => {
  const stages = DOCKERFILE.split(/^FROM /m).slice(1);
  const runtime = stages[stages.length - 1]!;

  it('is multi-stage: builds (with the prebuilt workflow bundle) and prunes dev dependencies in the first stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]).toMatch(/RUN npm run build && npm prune --omit=dev/);
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.build).toContain('scripts/bundle-workflows.mjs');
    expect(stages[0]).toContain('COPY scripts/bundle-workflows.mjs');
  });

  it('runs the worker as the non-root node user, with a healthcheck on the metrics endpoint', () => {
    const users = [...runtime.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
    expect(users).toEqual(['node']);
    expect(runtime.indexOf('USER node')).toBeLessThan(runtime.indexOf('CMD '));
    expect(runtime).toMatch(/^HEALTHCHECK .*CMD \["node", "lib\/healthcheck.js"\]$/m);
    expect(runtime).toMatch(/^CMD \["node", ("--[^"]+", )*"lib\/worker.js"\]$/m);
    expect(runtime).not.toMatch(/npm (install|ci)/);
  });

  it('starts the worker with the process tuning of src/runtime/workerProcessTuning.ts, as `npm start` does', () => {
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(runtime)![1]!) as string[];
    expect(cmd).toEqual(['node', ...WORKER_NODE_FLAGS, 'lib/worker.js']);
    for (const [name, value] of Object.entries(WORKER_PROCESS_ENV)) expect(runtime).toMatch(new RegExp(`^ENV ${name}=${value}$`, 'm'));
    const start = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start as string;
    const env = Object.entries(WORKER_PROCESS_ENV).map(([name, value]) => `${name}=${value}`);
    expect(start).toBe([...env, 'node', ...WORKER_NODE_FLAGS, 'lib/main.js'].join(' '));
  });

  it('copies only files that exist and that .dockerignore lets through', async () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
    const sources = [...stages[0]!.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      await fs.access(path.join(ROOT, source));
      expect({ source, ignored: ignored.some((i) => source === i || source.startsWith(`${i}/`)) }).toEqual({ source, ignored: false });
    }
  });
});

function parseSeconds(duration: string): number {
  const match = /^(\d+)s$/.exec(duration);
  if (!match) throw new Error(`unexpected duration ${duration}`);
  return Number(match[1]);
}
