import { actorProblem, actorsFrom } from '../../src/domain/actors';

describe('actorsFrom', () => {
  it('reads PROBE_WAKE_SLACK_ACTORS, comma-separated, duplicates once', () => {
    expect(actorsFrom({ PROBE_WAKE_SLACK_ACTORS: 'U024BE7LH, W0123ABCD ,U024BE7LH', SLACK_OPERATOR_USER_ID: 'U999' })).toEqual({ actors: ['U024BE7LH', 'W0123ABCD'] });
    expect(actorsFrom({ PROBE_WAKE_SLACK_ACTORS: 'U024BE7LH W0123ABCD' })).toEqual({ error: 'PROBE_WAKE_SLACK_ACTORS: "U024BE7LH W0123ABCD" is not a Slack user ID (such as U024BE7LH)' });
  });

  it('defaults to the operator alone (its old name too), and to nobody without one', () => {
    expect(actorsFrom({ SLACK_OPERATOR_USER_ID: 'U024BE7LH' })).toEqual({ actors: ['U024BE7LH'] });
    expect(actorsFrom({ PROBE_WAKE_SLACK_ACTORS: ' ', KORA_SLACK_JOSHUA_USER_ID: 'U0JOSHUA1' })).toEqual({ actors: ['U0JOSHUA1'] });
    expect(actorsFrom({})).toEqual({ actors: [] });
  });

  it('names IDs that are not Slack user IDs', () => {
    expect(actorsFrom({ PROBE_WAKE_SLACK_ACTORS: 'U024BE7LH,joshua,@bob' })).toEqual({ error: 'PROBE_WAKE_SLACK_ACTORS: "joshua", "@bob" are not Slack user IDs (such as U024BE7LH)' });
    expect(actorsFrom({ SLACK_OPERATOR_USER_ID: 'joshua' })).toEqual({ error: 'SLACK_OPERATOR_USER_ID: "joshua" is not a Slack user ID (such as U024BE7LH)' });
  });
});

describe('actorProblem', () => {
  it('allows a listed actor only', () => {
    expect(actorProblem(['U024BE7LH'], 'U024BE7LH')).toBeUndefined();
    expect(actorProblem(['U024BE7LH'], 'U0OTHER01')).toBe('U0OTHER01 is not allowed to act (PROBE_WAKE_SLACK_ACTORS: U024BE7LH)');
    expect(actorProblem([], 'U024BE7LH')).toContain('nobody may act');
    expect(actorProblem(['U024BE7LH'], 'u024be7lh')).toContain('is not a Slack user ID');
  });
});
