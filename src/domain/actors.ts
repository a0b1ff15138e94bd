/**
 * Who may act on probe-wake (Slack buttons, `probe-wake approve|decline|ack`,
 * `probe-wake silence --as`): PROBE_WAKE_SLACK_ACTORS, Slack user IDs separated
 * by commas (spaces around them ignored); unset or empty, the operator alone
 * (SLACK_OPERATOR_USER_ID, or its old name KORA_SLACK_JOSHUA_USER_ID).
 */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

type Env = Record<string, string | undefined>;

export function actorsFrom(env: Env): { actors: string[] } | { error: string } {
  const listed = env.PROBE_WAKE_SLACK_ACTORS?.trim();
  if (listed) {
    const ids = listed.split(',').map((id) => id.trim()).filter((id) => id !== '');
    const bad = ids.filter((id) => !SLACK_USER_ID.test(id));
    if (bad.length > 0) return { error: `PROBE_WAKE_SLACK_ACTORS: ${bad.map((id) => JSON.stringify(id)).join(', ')} ${bad.length === 1 ? 'is not a Slack user ID' : 'are not Slack user IDs'} (such as U024BE7LH)` };
    return { actors: [...new Set(ids)] };
  }
  const operator = (env.SLACK_OPERATOR_USER_ID ?? env.KORA_SLACK_JOSHUA_USER_ID)?.trim();
  if (!operator) return { actors: [] };
  if (!SLACK_USER_ID.test(operator)) return { error: `SLACK_OPERATOR_USER_ID: ${JSON.stringify(operator)} is not a Slack user ID (such as U024BE7LH)` };
  return { actors: [operator] };
}

/** Why `actor` may not act, or undefined when it may. */
export function actorProblem(actors: string[], actor: string): string | undefined {
  if (!SLACK_USER_ID.test(actor)) return `${JSON.stringify(actor)} is not a Slack user ID (such as U024BE7LH)`;
  if (actors.length === 0) return 'nobody may act: set PROBE_WAKE_SLACK_ACTORS (or SLACK_OPERATOR_USER_ID)';
  if (!actors.includes(actor)) return `${actor} is not allowed to act (PROBE_WAKE_SLACK_ACTORS: ${actors.join(', ')})`;
  return undefined;
}
