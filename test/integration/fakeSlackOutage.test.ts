/**
 * The Slack fake's outages on its own clock, over real HTTP on 127.0.0.1: an outage that replaces the
 * one going on decides whether the port listens (a refused outage's watch must not reopen the port
 * during the next one, nor leave it closed for an HTTP 503 one).
 */
import { FakeSlack } from '../support/fakeSlack';
import { eventually } from '../support/poll';

let now = 1_000_000;
const slack = new FakeSlack({ clock: () => now });
let url: string;

beforeAll(async () => {
  url = `${slack.apiUrl(await slack.start())}auth.test`;
});
afterAll(() => slack.stop());
beforeEach(() => slack.reset());

/** The HTTP status Slack answers, or 'refused' when nothing listens. */
async function call(): Promise<number | 'refused'> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer xoxb-outage-test' } });
    await res.text();
    return res.status;
  } catch {
    return 'refused';
  }
}

describe('FakeSlack outages', () => {
  it('refused, then over on its clock: the port listens again', async () => {
    await slack.goDown(60_000, 'refused');
    expect(await call()).toBe('refused');
    now += 60_001;
    await eventually(async () => ((await call()) === 200 ? true : undefined), 5_000, 'the port to listen again');
  });

  it('a longer refused outage replacing a refused one keeps the port closed past the first one\'s end', async () => {
    await slack.goDown(60_000, 'refused');
    await slack.goDown(600_000, 'refused');
    now += 60_001;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await call()).toBe('refused');
    now += 600_000;
    await eventually(async () => ((await call()) === 200 ? true : undefined), 5_000, 'the port to listen again');
  });

  it('an HTTP 503 outage replacing a refused one answers 503 (the port listens), then 200 once over', async () => {
    await slack.goDown(60_000, 'refused');
    await slack.goDown(120_000, 'http503');
    expect(await call()).toBe(503);
    now += 120_001;
    expect(await call()).toBe(200);
  });
});
