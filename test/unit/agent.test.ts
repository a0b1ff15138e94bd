import { assistantMessage, isFinalTurn, MAX_TOOL_CALLS_PER_TURN, nextStep, sumUsage, turnText, type LlmTurn } from '../../src/domain/agent';
import { checkToolCall } from '../../src/domain/investigationTools';
import { maxTokensFor } from '../../src/domain/modelFacts';
import { askModelTimeouts, turnBudgetMs } from '../../src/domain/turnTimeouts';

const usage = { inputTokens: 10, outputTokens: 2, cacheReadTokens: 1, cacheWriteTokens: 3 };
const turn = (content: LlmTurn['content'], stopReason = 'end_turn'): LlmTurn => ({ content, stopReason, model: 'm', usage, costUsd: 0.5 });
const use = (id: string, name: string, input: unknown) => ({ type: 'tool_use' as const, id, name, input });

describe('nextStep (the agent loop decision)', () => {
  it('answers when the model wrote text and asked for nothing', () => {
    expect(nextStep(turn([{ type: 'text', text: '  Cause.\nNext step: fix.  ' }]), 1, 4)).toEqual({ kind: 'answer', text: 'Cause.\nNext step: fix.' });
  });

  it('is empty when there is neither text nor a tool call', () => {
    expect(nextStep(turn([], 'max_tokens'), 1, 4)).toEqual({ kind: 'empty', stopReason: 'max_tokens' });
  });

  it('plans every tool call of the turn (their input is checked by the tool activity)', () => {
    const step = nextStep(
      turn([use('a', 'recent_probe_results', { probe: 'doppler' }), use('b', 'rm_rf', {}), use('c', 'recent_wakes', { probe: 'fly' })], 'tool_use'),
      1,
      4,
    );
    expect(step).toEqual({
      kind: 'tools',
      calls: [
        { toolUseId: 'a', name: 'recent_probe_results', input: { probe: 'doppler' } },
        { toolUseId: 'b', name: 'rm_rf', input: {} },
        { toolUseId: 'c', name: 'recent_wakes', input: { probe: 'fly' } },
      ],
    });
  });

  it(`refuses calls beyond ${MAX_TOOL_CALLS_PER_TURN} in one turn`, () => {
    const uses = Array.from({ length: MAX_TOOL_CALLS_PER_TURN + 1 }, (_v, i) => use(`t${i}`, 'latest_status_all_probes', {}));
    const step = nextStep(turn(uses, 'tool_use'), 1, 4);
    if (step.kind !== 'tools') throw new Error(step.kind);
    expect(step.calls.filter((c) => 'name' in c)).toHaveLength(MAX_TOOL_CALLS_PER_TURN);
    expect(step.calls.at(-1)).toEqual({ toolUseId: `t${MAX_TOOL_CALLS_PER_TURN}`, error: expect.stringContaining('not run') });
  });

  it('is capped when the model still wants tools on its last allowed turn', () => {
    expect(nextStep(turn([use('a', 'latest_status_all_probes', {})], 'tool_use'), 4, 4)).toEqual({ kind: 'capped' });
    expect(nextStep(turn([use('a', 'latest_status_all_probes', {})], 'tool_use'), 3, 4).kind).toBe('tools');
  });

  it('a refusal is refused, whatever partial text came with it', () => {
    expect(nextStep(turn([{ type: 'text', text: 'The Fly token was' }], 'refusal'), 1, 4)).toEqual({ kind: 'refused' });
    expect(nextStep(turn([], 'refusal'), 4, 4)).toEqual({ kind: 'refused' });
  });

  it('thinking blocks are neither text nor calls, and stay in the turn handed back to the model, first and unmodified', () => {
    const thinking = { type: 'thinking' as const, thinking: '', signature: 'sig-1' };
    const t = turn([thinking, use('a', 'latest_status_all_probes', {})], 'tool_use');
    expect(nextStep(t, 1, 4)).toEqual({ kind: 'tools', calls: [{ toolUseId: 'a', name: 'latest_status_all_probes', input: {} }] });
    expect(assistantMessage(t)).toEqual({ role: 'assistant', content: [thinking, use('a', 'latest_status_all_probes', {})] });
    expect(nextStep(turn([thinking], 'max_tokens'), 1, 4)).toEqual({ kind: 'empty', stopReason: 'max_tokens' });
  });

  it('asks for text only on the final turn', () => {
    expect([1, 2, 3, 4].map((n) => isFinalTurn(n, 4))).toEqual([false, false, false, true]);
    expect(isFinalTurn(1, 1)).toBe(true);
  });

  it('joins text blocks and sums usage and cost over turns', () => {
    expect(turnText(turn([{ type: 'text', text: 'a ' }, use('x', 'latest_status_all_probes', {}), { type: 'text', text: 'b' }]))).toBe('a b');
    expect(sumUsage([turn([]), turn([])])).toEqual({ inputTokens: 20, outputTokens: 4, cacheReadTokens: 2, cacheWriteTokens: 6, costUsd: 1 });
  });
});

describe('checkToolCall', () => {
  it.each<[string, unknown, RegExp | object]>([
    ['latest_status_all_probes', {}, { name: 'latest_status_all_probes', input: {} }],
    ['latest_status_all_probes', undefined, { name: 'latest_status_all_probes', input: {} }],
    ['recent_wakes', { probe: 'fly', category: 'auth', limit: 2 }, { name: 'recent_wakes', input: { probe: 'fly', category: 'auth', limit: 2 } }],
    ['past_investigations', { probe: 'fly', category: 'auth' }, { name: 'past_investigations', input: { probe: 'fly', category: 'auth', limit: 3 } }],
    ['recent_probe_results', { probe: 'fly', limit: 500 }, /limit/],
    ['recent_probe_results', { probe: '../etc/passwd' }, /probe must be 1-64 characters/],
    ['recent_probe_results', { probe: 'fly', extra: 1 }, /invalid input/],
    ['latest_status_all_probes', 'everything', /invalid input/],
    ['__proto__', {}, /unknown tool/],
  ])('%s %j', (name, input, expected) => {
    const checked = checkToolCall(name, input);
    if (expected instanceof RegExp) {
      expect(checked.ok).toBe(false);
      expect(!checked.ok && checked.error).toMatch(expected);
    } else {
      expect(checked).toEqual({ ok: true, call: expected });
    }
  });
});

describe('askModel timeouts from the turn budget', () => {
  it('derive start-to-close, heartbeat and schedule-to-close from PROBE_INVESTIGATION_TURN_TIMEOUT_SECONDS', () => {
    expect(askModelTimeouts(180)).toEqual({ startToCloseSeconds: 185, heartbeatSeconds: 10, scheduleToCloseSeconds: 4 * 185 + 14 });
    expect(askModelTimeouts(30)).toEqual({ startToCloseSeconds: 35, heartbeatSeconds: 5, scheduleToCloseSeconds: 4 * 35 + 14 });
    expect(askModelTimeouts()).toEqual(askModelTimeouts(180));
    // The activity stops itself a grace before its start-to-close timeout, to report why.
    expect(turnBudgetMs(185_000)).toBe(180_000);
  });

  it('max_tokens leaves room for thinking at every effort', () => {
    expect(maxTokensFor(undefined)).toBe(4096);
    expect(maxTokensFor('low')).toBe(2048);
    expect(maxTokensFor('max')).toBe(32_000);
  });
});
