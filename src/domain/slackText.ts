/**
 * Makes untrusted text (wake fields, the model's answer) inert in Slack mrkdwn:
 * no mention pings anyone, no hidden link, no broken formatting.
 */

const ZERO_WIDTH_SPACE = '\u200B';

/** Slack truncates `text` at 40,000 characters silently; we cut far earlier and say so. */
export const MAX_DM_CHARS = 3900;

export function neutraliseMentions(text: string): string {
  return (
    text
      // <!channel>, <!here|here>, <!everyone>, <!subteam^S123|@team> → readable, inert
      .replace(/<!(channel|here|everyone)(?:\|[^>]*)?>/gi, (_m, word: string) => `@${ZERO_WIDTH_SPACE}${word}`)
      .replace(/<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>/gi, (_m, id: string) => `@${ZERO_WIDTH_SPACE}subteam-${id}`)
      // <@U024BE7LH> / <@W123|name> → @U024BE7LH without the link
      .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/gi, (_m, id: string) => `@${ZERO_WIDTH_SPACE}${id}`)
      // plain @channel / @here / @everyone would ping under link_names
      .replace(/@(channel|here|everyone)\b/gi, (_m, word: string) => `@${ZERO_WIDTH_SPACE}${word}`)
  );
}

/** The three characters Slack asks to be escaped; everything else is literal. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Bidi overrides (U+202A-E, U+2066-9) can make a line read differently from
 * what it says; other control characters (a JSON `\u0000` or an ANSI escape
 * in a wake field) have no business in a DM. Newlines and tabs stay.
 */
const INVISIBLE_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

export function stripControls(text: string): string {
  return text.replace(INVISIBLE_CONTROLS, '');
}

export function inert(text: string): string {
  return escapeMrkdwn(neutraliseMentions(stripControls(text)));
}

/** Cuts at a line or sentence boundary where one is close, never mid-entity. */
export function capLength(text: string, max = MAX_DM_CHARS): string {
  if (text.length <= max) return text;
  const marker = '\n… (truncated)';
  let cut = text.slice(0, max - marker.length);
  const entity = cut.lastIndexOf('&');
  if (entity > cut.length - 6 && !cut.slice(entity).includes(';')) cut = cut.slice(0, entity);
  const boundary = Math.max(cut.lastIndexOf('\n'), cut.lastIndexOf('. '));
  if (boundary > cut.length * 0.8) cut = cut.slice(0, boundary + 1);
  return cut + marker;
}
