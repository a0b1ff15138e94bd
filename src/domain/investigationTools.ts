import { z } from 'zod';

/**
 * The read-only tools the investigating model may call. One zod schema per
 * tool both checks the model's input (in the tool activity) and is what the
 * model is shown, converted to JSON Schema, so the two cannot drift apart.
 */
const PROBE = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 characters of [A-Za-z0-9_.-]')
  .describe('probe name, e.g. "fly"');
const CATEGORY = PROBE.describe('issue category, e.g. "auth"');
const LIMIT = z.number().int().min(1).max(20);

export const TOOL_INPUTS = {
  latest_status_all_probes: z.object({}).strict(),
  recent_probe_results: z.object({ probe: PROBE, limit: LIMIT.default(5) }).strict(),
  recent_wakes: z.object({ probe: PROBE, category: CATEGORY, limit: LIMIT.default(5) }).strict(),
  past_investigations: z.object({ probe: PROBE, category: CATEGORY, limit: LIMIT.default(3) }).strict(),
} as const;

export type ToolName = keyof typeof TOOL_INPUTS;
export type ToolCall = {
  [N in ToolName]: { name: N; input: z.output<(typeof TOOL_INPUTS)[N]> };
}[ToolName];

export interface ToolDefinition {
  name: ToolName;
  description: string;
  input_schema: { type: 'object'; [keyword: string]: unknown };
}

const DESCRIPTIONS: Record<ToolName, string> = {
  latest_status_all_probes:
    'The latest probe.result (status and summary) of every probe in the audit log. Use it to rule shared causes in or out.',
  recent_probe_results: 'The most recent probe.result rows of one probe, newest first: is it flapping, when did it turn unhealthy?',
  recent_wakes: 'The most recent wake requests of one (probe, issue category), newest first, with their summaries.',
  past_investigations: 'Earlier investigations of one (probe, issue category), newest first: outcome, reason and when.',
};

/** The input as the model sends it (defaults optional), without the `$schema` line the API does not need. */
function inputSchema(schema: z.ZodType): ToolDefinition['input_schema'] {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return { ...json, type: 'object' };
}

export const TOOL_DEFINITIONS: ToolDefinition[] = (Object.keys(TOOL_INPUTS) as ToolName[]).map((toolName) => ({
  name: toolName,
  description: DESCRIPTIONS[toolName],
  input_schema: inputSchema(TOOL_INPUTS[toolName]),
}));

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
