import { LATE_AFTER_MS, MAX_BLOCKS, messageWithLateness, nextPostAtMs, RETRY_MAX_INTERVAL_MS, retryDelayMs, textWithLateness } from '../../src/domain/delivery';
import { loadConfig } from '../../src/config/config';

describe('delivery rules', () => {
  it('backs off 1 s doubling to a 3-minute cap; Slack\'s Retry-After wins when given', () => {
    expect([1, 2, 3, 4, 8, 9, 50].map((n) => retryDelayMs(n))).toEqual([1_000, 2_000, 4_000, 8_000, 128_000, RETRY_MAX_INTERVAL_MS, RETRY_MAX_INTERVAL_MS]);
    expect(retryDelayMs(7, 3_000)).toBe(3_000);
    expect(retryDelayMs(1, 3_600_000)).toBe(RETRY_MAX_INTERVAL_MS);
  });

  it('paces posts a second apart', () => {
    expect(nextPostAtMs(undefined)).toBe(0);
    expect(nextPostAtMs(10_000)).toBe(11_000);
  });

  it('a late DM says how late; an on-time one is unchanged', () => {
    expect(textWithLateness('hello', LATE_AFTER_MS - 1)).toBe('hello');
    expect(textWithLateness('hello', 32 * 60_000)).toBe('⏱ Delivered 32 min late: Slack could not take it when it was written.\nhello');
  });

  it('PROBE_DM_DELIVERY_HORIZON: default 24 h, validated with a clear error', () => {
    expect(loadConfig({}).slack.deliveryHorizonMs).toBe(86_400_000);
    expect(loadConfig({ PROBE_DM_DELIVERY_HORIZON: '2h' }).slack.deliveryHorizonMs).toBe(7_200_000);
    expect(() => loadConfig({ PROBE_DM_DELIVERY_HORIZON: 'soon' })).toThrow('PROBE_DM_DELIVERY_HORIZON="soon": must be a duration like 24h, 90m, 2d or 3600s (seconds), from 1m to 30d');
    expect(() => loadConfig({ PROBE_DM_DELIVERY_HORIZON: '10s' })).toThrow('PROBE_DM_DELIVERY_HORIZON="10s"');
    expect(() => loadConfig({ PROBE_DM_DELIVERY_HORIZON: '40d' })).toThrow('PROBE_DM_DELIVERY_HORIZON="40d"');
  });
});

describe('messageWithLateness', () => {
  const blocks = [{ type: 'header', text: { type: 'plain_text', text: 'h' } }];
  it('leaves a message on time alone', () => {
    const message = { text: 't', blocks };
    expect(messageWithLateness(message, LATE_AFTER_MS - 1)).toBe(message);
  });
  it('says a late message is late in its text and, with blocks, in a context block on top', () => {
    const late = messageWithLateness({ text: 't', blocks }, 7 * 60_000);
    expect(late.text).toBe(textWithLateness('t', 7 * 60_000));
    expect(late.blocks).toEqual([{ type: 'context', elements: [{ type: 'plain_text', text: '⏱ Delivered 7 min late: Slack could not take it when it was written.' }] }, ...blocks]);
  });
  it('adds no block to a message that already holds the 50 Slack allows, nor to one without blocks', () => {
    const full = Array.from({ length: MAX_BLOCKS }, () => ({ type: 'divider' }));
    expect(messageWithLateness({ text: 't', blocks: full }, 7 * 60_000).blocks).toHaveLength(MAX_BLOCKS);
    expect(messageWithLateness({ text: 't' }, 7 * 60_000)).toEqual({ text: textWithLateness('t', 7 * 60_000) });
  });
});
