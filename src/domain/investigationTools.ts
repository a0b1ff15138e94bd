import { z } from 'zod';

/**
 * The read-only tools the investigating model may call. Definitions are sent
 * to Anthropic as-is; inputs are checked here, in pure code, so the workflow
 * can refuse a malformed or unknown call without running an activity.
 */
const NAME = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 characters of [A-Za-z0-9_.-]');
const LIMIT = z.number().int().min(1).max(20);

export const TOOL_INPUTS = {
  latest_status_all_probes: z.object({}).strict(),
  recent_probe_results: z.object({ probe: NAME, limit: LIMIT.default(5) }).strict(),
  recent_wakes: z.object({ probe: NAME, category: NAME, limit: LIMIT.default(5) }).strict(),
  past_investigations: z.object({ probe: NAME, category: NAME, limit: LIMIT.default(3) }).strict(),
} as const;

export type ToolName = keyof typeof TOOL_INPUTS;
export type ToolCall = {
  [N in ToolName]: { name: N; input: z.output<(typeof TOOL_INPUTS)[N]> };
}[ToolName];

export interface ToolDefinition {
  name: ToolName;
  description: string;
  input_schema: { type: 'object'; properties: Record<string, unknown>; required: string[]; additionalProperties: false };
}

const name = (what: string) => ({ type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$', description: what });
const limit = (fallback: number) => ({ type: 'integer', minimum: 1, maximum: 20, default: fallback });

export const TOOL_DEFINITIONS: ToolDefinition[] = [
  {
    name: 'latest_status_all_probes',
    description: 'The latest probe.result (status and summary) of every probe in the audit log. Use it to rule shared causes in or out.',
    input_schema: { type: 'object', properties: {}, required: [], additionalProperties: false },
  },
  {
    name: 'recent_probe_results',
    description: 'The most recent probe.result rows of one probe, newest first: is it flapping, when did it turn unhealthy?',
    input_schema: {
      type: 'object',
      properties: { probe: name('probe name, e.g. "fly"'), limit: limit(5) },
      required: ['probe'],
      additionalProperties: false,
    },
  },
  {
    name: 'recent_wakes',
    description: 'The most recent wake requests of one (probe, issue category), newest first, with their summaries.',
    input_schema: {
      type: 'object',
      properties: { probe: name('probe name'), category: name('issue category, e.g. "auth"'), limit: limit(5) },
      required: ['probe', 'category'],
      additionalProperties: false,
    },
  },
  {
    name: 'past_investigations',
    description: 'Earlier investigations of one (probe, issue category), newest first: outcome, reason and when.',
    input_schema: {
      type: 'object',
      properties: { probe: name('probe name'), category: name('issue category'), limit: limit(3) },
      required: ['probe', 'category'],
      additionalProperties: false,
    },
  },
];

export type ToolCheck = { ok: true; call: ToolCall } | { ok: false; error: string };

/** Validates a tool_use block from the model; the error text goes back to the model as an is_error tool_result. */
export function checkToolCall(toolName: string, input: unknown): ToolCheck {
  if (!Object.hasOwn(TOOL_INPUTS, toolName)) {
    return { ok: false, error: `unknown tool "${toolName}"; available: ${Object.keys(TOOL_INPUTS).join(', ')}` };
  }
  const schema = TOOL_INPUTS[toolName as ToolName];
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'} ${issue.message}`).join('; ');
    return { ok: false, error: `invalid input for ${toolName}: ${problems}` };
  }
  return { ok: true, call: { name: toolName, input: parsed.data } as ToolCall };
}
