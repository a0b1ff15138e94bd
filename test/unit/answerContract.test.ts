import { CUT_SHORT_NOTE, shapeAnswer, splitSentences } from '../../src/domain/answerContract';

const disabled = { enabled: false, fixName: 'restart_unhealthy_machine' };
const enabled = { enabled: true, fixName: 'restart_unhealthy_machine' };

describe('shapeAnswer (the answer contract)', () => {
  it('keeps a well-formed answer and states a disabled auto-fix', () => {
    expect(shapeAnswer('The token expired. Doppler is green.\nNext step: mint a new token.', disabled)).toBe(
      'The token expired. Doppler is green.\nAuto-fix restart_unhealthy_machine is disabled: nothing was changed automatically.\nNext step: mint a new token.',
    );
  });

  it('states an enabled auto-fix and adds nothing when there is no envelope', () => {
    expect(shapeAnswer('A.\nNext step: b.', enabled)).toBe('A.\nAuto-fix restart_unhealthy_machine is enabled for this probe.\nNext step: b.');
    expect(shapeAnswer('A.\nNext step: b.', undefined)).toBe('A.\nNext step: b.');
  });

  it('trims a long answer to four sentences at a sentence boundary', () => {
    const text = 'One is here. Two is here. Three is here. Four is here. Five is here. Six is here.\nNext step: act.';
    expect(shapeAnswer(text, undefined)).toBe('One is here. Two is here. Three is here. Four is here.\nNext step: act.');
  });

  it('drops sentences that promise a fix the envelope has disabled', () => {
    const text = 'The machine is wedged. I will restart it automatically. The auto-fix will handle it.\nNext step: watch it.';
    expect(shapeAnswer(text, disabled)).toBe(
      'The machine is wedged.\nAuto-fix restart_unhealthy_machine is disabled: nothing was changed automatically.\nNext step: watch it.',
    );
    // With the fix enabled the same sentences may stay.
    expect(shapeAnswer(text, enabled)).toContain('I will restart it automatically.');
  });

  it('finds the Next step line wherever it is, in any case, and adds one when missing', () => {
    expect(shapeAnswer('next step:   rotate the key\nThe key leaked.', undefined)).toBe('The key leaked.\nNext step: rotate the key');
    expect(shapeAnswer('The key leaked.', undefined)).toMatch(/^The key leaked\.\nNext step: /);
  });

  it('joins a diagnosis spread over several lines', () => {
    expect(shapeAnswer('Line one\nstill one.\nTwo.\nNext step: x.', undefined)).toBe('Line one still one. Two.\nNext step: x.');
  });

  it('marks an answer the model stopped at its token limit, right after the diagnosis', () => {
    const lines = shapeAnswer('The token expired and', disabled, { cutShort: true }).split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'The token expired and',
      CUT_SHORT_NOTE,
      'Auto-fix restart_unhealthy_machine is disabled: nothing was changed automatically.',
    ]);
    expect(lines[3]).toMatch(/^Next step: /);
  });

  it('caps a single endless sentence', () => {
    const shaped = shapeAnswer(`${'word '.repeat(400)}\nNext step: x.`, undefined);
    expect(shaped.split('\n')[0]!.length).toBeLessThanOrEqual(900);
    expect(shaped.endsWith('Next step: x.')).toBe(true);
  });
});

describe('splitSentences', () => {
  it('does not split versions, abbreviations before lower case, or decimals', () => {
    expect(splitSentences('Deploy v1.2.3 failed, e.g. on staging. Lag is 0.4s. Done!')).toEqual([
      'Deploy v1.2.3 failed, e.g. on staging.',
      'Lag is 0.4s.',
      'Done!',
    ]);
  });
});
