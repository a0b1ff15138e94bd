import type { Wake } from './auditRow';

/**
 * The shape every diagnosis leaves in: 2-4 sentences, one `Next step:` line,
 * and the auto-fix posture stated by us (not the model), so a disabled fix is
 * never promised.
 */
export const MAX_DIAGNOSIS_SENTENCES = 4;
export const MAX_DIAGNOSIS_CHARS = 900;
/** Added after the diagnosis when the model stopped at its token limit: still worth sending, marked as cut short. */
export const CUT_SHORT_NOTE = '(answer cut short: the model reached its token limit)';
const FALLBACK_NEXT_STEP = 'Next step: check the probe’s target directly, starting from the error above.';

/** Sentences that claim something will be (or was) fixed automatically. */
const PROMISES_AUTO_FIX = /\b(auto[- ]?fix|automatic(ally)?|auto[- ]?remediat\w*|self[- ]?heal\w*|will (restart|redeploy|roll ?back|fix|remediate))\b/i;

export function shapeAnswer(text: string, envelope: Wake['envelope'], options: { cutShort?: boolean } = {}): string {
  const lines = text.replace(/\r/g, '').split('\n');
  const nextIndex = lines.findIndex((line) => /^\s*[-*]?\s*next step\s*:/i.test(line));
  const nextStep = nextIndex === -1 ? FALLBACK_NEXT_STEP : normaliseNextStep(lines[nextIndex]!);
  const prose = lines.filter((_line, index) => index !== nextIndex).join(' ').replace(/\s+/g, ' ').trim();

  let sentences = splitSentences(prose);
  if (envelope && !envelope.enabled) sentences = sentences.filter((sentence) => !PROMISES_AUTO_FIX.test(sentence));
  const diagnosis = capDiagnosis(sentences.slice(0, MAX_DIAGNOSIS_SENTENCES));

  const cutShort = options.cutShort ? CUT_SHORT_NOTE : '';
  return [diagnosis, cutShort, postureLine(envelope), nextStep].filter((part) => part !== '').join('\n');
}

export function postureLine(envelope: Wake['envelope']): string {
  if (!envelope) return '';
  return envelope.enabled
    ? `Auto-fix ${envelope.fixName} is enabled for this probe.`
    : `Auto-fix ${envelope.fixName} is disabled: nothing was changed automatically.`;
}

/** Splits after . ! ? followed by a space and a capital/quote/digit, so "v1.2" and "e.g. this" stay whole. */
export function splitSentences(prose: string): string[] {
  if (prose === '') return [];
  return prose
    .split(/(?<=[.!?])\s+(?=[A-Z0-9"'(“])/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');
}

function capDiagnosis(sentences: string[]): string {
  const kept: string[] = [];
  let length = 0;
  for (const sentence of sentences) {
    if (kept.length > 0 && length + sentence.length + 1 > MAX_DIAGNOSIS_CHARS) break;
    kept.push(sentence);
    length += sentence.length + 1;
  }
  const joined = kept.join(' ');
  return joined.length > MAX_DIAGNOSIS_CHARS ? `${joined.slice(0, MAX_DIAGNOSIS_CHARS - 1)}…` : joined;
}

function normaliseNextStep(line: string): string {
  const rest = line.replace(/^\s*[-*]?\s*next step\s*:\s*/i, '').trim();
  return rest ? `Next step: ${rest}` : FALLBACK_NEXT_STEP;
}
