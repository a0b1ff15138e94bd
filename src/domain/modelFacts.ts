/**
 * What probe-wake knows about the models it asks, as plain data: the effort
 * levels each accepts and the output room each effort needs. Kept free of
 * Node and Temporal imports: config, activities and workflows all read it.
 */

/** `output_config.effort` values of the Messages API (https://platform.claude.com/docs/en/build-with-claude/effort). */
export const EFFORT_LEVELS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
export type Effort = (typeof EFFORT_LEVELS)[number];

/**
 * Documented levels per model. claude-haiku-5-5 takes all five, medium by default
 * (https://platform.claude.com/docs/en/models/haiku-5-5/overview,
 * https://platform.claude.com/docs/en/build-with-claude/prompt-engineering/prompting-claude-haiku-5-5).
 * A model not listed here (a gateway's, a self-hosted one) is checked against the API's list.
 */
export const MODEL_EFFORT_LEVELS: Record<string, readonly Effort[]> = {
  'claude-haiku-5-5': EFFORT_LEVELS,
};

export function effortLevelsOf(model: string): readonly Effort[] {
  return MODEL_EFFORT_LEVELS[model] ?? EFFORT_LEVELS;
}

/**
 * max_tokens per turn. Thinking tokens count toward max_tokens
 * (https://platform.claude.com/docs/en/models/haiku-5-5/whats-new-haiku-5-5), so the
 * room is sized for thinking first, then a 2-4 sentence answer or a few tool calls
 * (about 150 tokens). Measured on the faithful fake (test/support/fakeAnthropic.ts,
 * whose thinking sizes per effort are our model of the real one): a medium-effort turn
 * writes 720-800 output tokens (700 thinking + the tool call or answer; 721 and 803 in
 * a Fly 401 investigation), so 4096 leaves about 5× headroom. Unset effort is the model's own default, medium.
 */
export const MAX_TOKENS_BY_EFFORT: Record<Effort, number> = {
  low: 2048,
  medium: 4096,
  high: 8192,
  xhigh: 16_384,
  max: 32_000,
};

export function maxTokensFor(effort: Effort | undefined): number {
  return MAX_TOKENS_BY_EFFORT[effort ?? 'medium'];
}
