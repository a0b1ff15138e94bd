import { ConfigError, describeConfig, loadConfig } from '../../src/config/config';

const load = (env: Record<string, string>) => loadConfig(env, '/tmp');
const problems = (env: Record<string, string>): string[] => {
  try {
    load(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('Slack receiver settings', () => {
  it('is off when neither SLACK_APP_TOKEN nor SLACK_SIGNING_SECRET is set', () => {
    expect(load({}).slackActions).toEqual({ mode: 'off', actors: [] });
  });

  it('uses Socket Mode with an app token, and the operator alone may act by default', () => {
    expect(load({ SLACK_APP_TOKEN: 'xapp-1-A1-2-abc', SLACK_OPERATOR_USER_ID: 'U024BE7LH' }).slackActions).toEqual({
      mode: 'socket',
      appToken: 'xapp-1-A1-2-abc',
      actors: ['U024BE7LH'],
    });
  });

  it('uses HTTP on 127.0.0.1:3000 with a signing secret, or on PROBE_WAKE_SLACK_HTTP_ADDRESS', () => {
    const base = { SLACK_SIGNING_SECRET: 's3cr3t', PROBE_WAKE_SLACK_ACTORS: 'U1AAA, W2BBB' };
    expect(load(base).slackActions).toEqual({ mode: 'http', signingSecret: 's3cr3t', host: '127.0.0.1', port: 3000, actors: ['U1AAA', 'W2BBB'] });
    expect(load({ ...base, PROBE_WAKE_SLACK_HTTP_ADDRESS: '0.0.0.0:8080' }).slackActions).toMatchObject({ host: '0.0.0.0', port: 8080 });
    expect(load({ ...base, PROBE_WAKE_SLACK_HTTP_ADDRESS: '[::1]:8080' }).slackActions).toMatchObject({ host: '::1', port: 8080 });
  });

  it('stops start-up on an app token without xapp-, never echoing it', () => {
    const found = problems({ SLACK_APP_TOKEN: 'xoxb-not-an-app-token', SLACK_OPERATOR_USER_ID: 'U024BE7LH' });
    expect(found).toEqual([expect.stringMatching(/^SLACK_APP_TOKEN: must be an app-level token/)]);
    expect(found.join()).not.toContain('xoxb-not-an-app-token');
  });

  it.each(['localhost', '127.0.0.1:0', '127.0.0.1:70000', 'http://x:1'])('stops start-up on the address %s', (address) => {
    expect(problems({ SLACK_SIGNING_SECRET: 's', SLACK_OPERATOR_USER_ID: 'U024BE7LH', PROBE_WAKE_SLACK_HTTP_ADDRESS: address })).toEqual([
      expect.stringMatching(/^PROBE_WAKE_SLACK_HTTP_ADDRESS/),
    ]);
  });

  it('stops start-up on a bad actor, or on a receiver nobody may use', () => {
    expect(problems({ SLACK_SIGNING_SECRET: 's', PROBE_WAKE_SLACK_ACTORS: 'U1AAA,joshua' })).toEqual([expect.stringMatching(/PROBE_WAKE_SLACK_ACTORS: "joshua" is not a Slack user ID/)]);
    expect(problems({ SLACK_SIGNING_SECRET: 's' })).toEqual([expect.stringMatching(/nobody may act/)]);
  });

  it('shows the secrets as set, never their values', () => {
    const text = JSON.stringify(describeConfig(load({ SLACK_APP_TOKEN: 'xapp-secret-value', SLACK_SIGNING_SECRET: 'sign-secret', SLACK_OPERATOR_USER_ID: 'U024BE7LH' })));
    expect(text).not.toContain('xapp-secret-value');
    expect(text).toContain('"appToken":"set"');
  });
});
