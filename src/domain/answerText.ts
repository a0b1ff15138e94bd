/**
 * What the DM says when the model stopped at its token limit. Rule: some text
 * → it is still a diagnosis worth sending, marked as cut short; no text → the
 * caller falls back with `empty_response_text` (nothing to trim or mark).
 */
export const CUT_SHORT_NOTE = '(answer cut short: the model reached its token limit)';

export function answerText(text: string, stopReason: string | null | undefined): string {
  const trimmed = text.trim();
  if (!trimmed || stopReason !== 'max_tokens') return trimmed;
  return `${trimmed} …\n${CUT_SHORT_NOTE}`;
}
