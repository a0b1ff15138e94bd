import { answerText, CUT_SHORT_NOTE } from '../../src/domain/answerText';

describe('answerText (the max_tokens rule)', () => {
  it('passes a complete answer through, trimmed', () => expect(answerText('  Done.\nNext step: x. ', 'end_turn')).toBe('Done.\nNext step: x.'));
  it('marks an answer cut at the token limit as cut short', () =>
    expect(answerText('The token expired and', 'max_tokens')).toBe(`The token expired and …\n${CUT_SHORT_NOTE}`));
  it('leaves no text as no text (the activity then fails with empty_response_text)', () => expect(answerText('  ', 'max_tokens')).toBe(''));
});
