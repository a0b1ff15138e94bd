/**
 * Integration: the deliverMessage activity with the real @slack/web-api
 * WebClient over HTTP against the faithful Slack fake: a Block Kit post, its
 * edit (chat.update), a thread reply, the conversations.replies look-up, and
 * Slack's refusals (invalid_blocks at each documented limit, message_not_found,
 * thread_not_found, a user ID given to chat.update). Nothing in the SDK is stubbed.
 *
 * With SLACK_RECORD_OUT set, the finished message and its thread replies are
 * written there as the fake received them (the Block Kit JSON for a closing note).
 */
import { writeFileSync } from 'node:fs';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createDeliverMessage, type DeliverMessageInput, type DeliverMessageResult } from '../../src/activities/deliverMessage';
import { blockProblems } from '../support/blockKit';
import { FakeSlack, FAKE_DM_CHANNEL } from '../support/fakeSlack';

const slack = new FakeSlack();
let deliver: (input: DeliverMessageInput) => Promise<DeliverMessageResult>;
let base: string;

beforeAll(async () => {
  base = await slack.start();
  const activity = createDeliverMessage({ botToken: 'xoxb-messages-test', operatorUserId: 'U024BE7LH', apiUrl: slack.apiUrl(base), requestTimeoutMs: 2_000 });
  deliver = (input) => new MockActivityEnvironment({ attempt: 1 }).run(activity, input);
});
afterAll(() => slack.stop());
beforeEach(() => slack.reset());

const header = (text: string) => ({ type: 'header', text: { type: 'plain_text', text } });
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (count: number) => ({ type: 'context', elements: Array.from({ length: count }, (_, i) => ({ type: 'mrkdwn', text: `item ${i}` })) });
const button = (fields: { text?: string; value?: string; action_id?: string }) => ({
  type: 'button',
  text: { type: 'plain_text', text: fields.text ?? 'Ack' },
  value: fields.value ?? 'probe-investigation:fly:auth:w1',
  action_id: fields.action_id ?? 'ack',
});
const actions = (elements: unknown[]) => ({ type: 'actions', elements });
const post = (key: string, blocks: unknown[], extra: Partial<Extract<DeliverMessageInput, { action: 'post' }>> = {}): DeliverMessageInput => ({
  action: 'post',
  key,
  message: { text: `${key} text`, blocks: blocks as Array<Record<string, unknown>> },
  checkFirst: false,
  checkSinceMs: Date.now(),
  ...extra,
});

describe('deliverMessage through the real WebClient and the faithful fake', () => {
  it('posts Block Kit, edits it in place, replies in its thread; the fake records every block and edit', async () => {
    const rootBlocks = [header('🚨 Probe alert · fly'), section('fly (critical): Fly app(s) unreachable: HTTP 401'), context(2)];
    const root = await deliver(post('probe-investigation:fly:auth:w1', rootBlocks));
    expect(root).toMatchObject({ kind: 'posted', channel: FAKE_DM_CHANNEL, alreadyPosted: false });
    const at = { channel: FAKE_DM_CHANNEL, ts: (root as { ts: string }).ts };

    const finalBlocks = [header('🚨 Probe alert · fly'), section('Token rotated.\nNext step: mint a new token.'), actions([button({})])];
    const edited = await deliver({ action: 'update', key: 'probe-investigation:fly:auth:w1', message: { text: 'final', blocks: finalBlocks }, at });
    expect(edited).toEqual({ kind: 'updated', ...at });

    const reply = await deliver(post('probe-investigation:fly:auth:w1#details', [section('1 tool call · 1,234 tokens · $0.0042 · claude-haiku-5-5')], { thread: at }));
    expect(reply).toMatchObject({ kind: 'posted', channel: FAKE_DM_CHANNEL });

    const record = slack.recordOf(at.ts)!;
    expect(record.message).toMatchObject({ text: 'final', blocks: finalBlocks, key: 'probe-investigation:fly:auth:w1' });
    expect(record.message.edits).toEqual([{ text: 'final', blocks: finalBlocks, atMs: expect.any(Number) }]);
    expect(record.replies.map((r) => [r.key, r.threadTs])).toEqual([['probe-investigation:fly:auth:w1#details', at.ts]]);
    // The post carried thread_ts and the metadata the look-up finds it by.
    expect(slack.requestsTo('chat.postMessage')[1]!.body).toMatchObject({ thread_ts: at.ts, metadata: { event_type: 'probe_wake_dm', event_payload: { key: 'probe-investigation:fly:auth:w1#details' } } });
    if (process.env.SLACK_RECORD_OUT) writeFileSync(process.env.SLACK_RECORD_OUT, `${JSON.stringify(record, null, 2)}\n`);
  });

  it('a thread reply checked first is found by conversations.replies (never history), not posted again', async () => {
    const root = (await deliver(post('k-root', [section('root')]))) as { ts: string };
    const at = { channel: FAKE_DM_CHANNEL, ts: root.ts };
    await deliver(post('k-root#details', [section('details')], { thread: at }));
    const again = await deliver(post('k-root#details', [section('details')], { thread: at, checkFirst: true, checkSinceMs: Date.now() - 60_000 }));
    expect(again).toMatchObject({ kind: 'posted', alreadyPosted: true });
    expect(slack.repliesTo(at.ts)).toHaveLength(1);
    expect(slack.requestsTo('conversations.replies')).toHaveLength(1);
    expect(slack.requestsTo('conversations.history')).toHaveLength(0);
  });

  it.each([
    ['51 blocks', Array.from({ length: 51 }, (_, i) => section(`s${i}`)), '/blocks'],
    ['a header of 151 characters', [header('h'.repeat(151))], '/blocks/0/text/text'],
    ['a mrkdwn header', [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }], '/blocks/0/text/type'],
    ['a section of 3,001 characters', [section('s'.repeat(3001))], '/blocks/0/text/text'],
    ['a context of 11 elements', [context(11)], '/blocks/0/elements'],
    ['an actions block of 26 elements', [actions(Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` })))], '/blocks/0/elements'],
    ['a button text of 76 characters', [actions([button({ text: 'b'.repeat(76) })])], '/blocks/0/elements/0/text/text'],
    ['a button value of 2,001 characters', [actions([button({ value: 'v'.repeat(2001) })])], '/blocks/0/elements/0/value'],
    ['a button action_id of 256 characters', [actions([button({ action_id: 'a'.repeat(256) })])], '/blocks/0/elements/0/action_id'],
  ])('Slack refuses %s: invalid_blocks, for good, the pointer in response_metadata', async (_name, blocks, pointer) => {
    const result = await deliver(post('k-bad', blocks));
    expect(result).toEqual({ kind: 'refused', reason: 'invalid_blocks' });
    expect(slack.dms).toHaveLength(0);
    expect(slack.requestsTo('chat.postMessage')).toHaveLength(1);
    // The rule that refused it, where Slack's answer points.
    expect(blockProblems(blocks).map((p) => p.pointer)).toEqual([pointer]);
  });

  it('the same blocks at each documented limit are taken', async () => {
    const atLimits = [
      header('h'.repeat(150)),
      section('s'.repeat(3000)),
      context(10),
      actions([...Array.from({ length: 24 }, (_, i) => button({ action_id: `a${i}` })), button({ text: 'b'.repeat(75), value: 'v'.repeat(2000), action_id: 'a'.repeat(255) })]),
      ...Array.from({ length: 46 }, (_, i) => section(`s${i}`)),
    ];
    expect(atLimits).toHaveLength(50);
    expect(await deliver(post('k-limits', atLimits))).toMatchObject({ kind: 'posted' });
  });

  it('the invalid_blocks answer carries the json-pointer lines Slack documents', async () => {
    const behaviour = await (await fetch(`${slack.apiUrl(base)}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-messages-test', 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'U024BE7LH', text: 'x', blocks: [header('h'.repeat(151))] }),
    })).json();
    expect(behaviour).toEqual({
      ok: false,
      error: 'invalid_blocks',
      errors: ['must be less than 151 characters [json-pointer:/blocks/0/text/text]'],
      response_metadata: { messages: ['[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]'] },
    });
  });

  it('edits and replies Slack refuses: unknown ts, a user ID for the channel, a thread that does not exist', async () => {
    const root = (await deliver(post('k-root', [section('root')]))) as { ts: string };
    expect(await deliver({ action: 'update', key: 'k-root', message: { text: 'x' }, at: { channel: FAKE_DM_CHANNEL, ts: '1.999999' } })).toEqual({ kind: 'refused', reason: 'message_not_found' });
    expect(await deliver({ action: 'update', key: 'k-root', message: { text: 'x' }, at: { channel: 'U024BE7LH', ts: root.ts } })).toEqual({ kind: 'refused', reason: 'channel_not_found' });
    expect(await deliver(post('k-orphan', [section('x')], { thread: { channel: FAKE_DM_CHANNEL, ts: '1.999999' } }))).toEqual({ kind: 'refused', reason: 'thread_not_found' });
    slack.operatorWrites(1, Date.now());
    const theirs = slack.posted.at(-1)!;
    expect(await deliver({ action: 'update', key: 'k-root', message: { text: 'x' }, at: { channel: FAKE_DM_CHANNEL, ts: theirs.ts } })).toEqual({ kind: 'refused', reason: 'cant_update_message' });
  });
});

