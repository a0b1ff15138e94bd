import type { Severity } from './auditRow';
import { capLength, inert } from './slackText';
import type { ActiveStorm, StormPair } from './storm';

/**
 * The storm digest as Slack takes it: Block Kit for the layout, `text` as the
 * notification fallback. Every pair of the storm is listed, severity first
 * (then in the order they woke), one line each, lines grouped into as few
 * sections as Slack's limits allow, so 100+ pairs fit one message:
 * at most 50 blocks per message, 3,000 characters per section, 150 per
 * header (https://docs.slack.dev/reference/block-kit/blocks/section-block,
 * https://docs.slack.dev/reference/block-kit/blocks/header-block,
 * https://docs.slack.dev/reference/methods/chat.postMessage: "up to 50 blocks").
 * Untrusted text (the wakes' summaries) is made inert.
 */

export interface DigestMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

export const MAX_BLOCKS = 50;
export const MAX_SECTION_CHARS = 3000;
export const MAX_HEADER_CHARS = 150;
/** A summary is cut to this many characters before it is made inert (so the cut never splits an entity). */
const SUMMARY_CHARS = 100;

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
const SEVERITY_EMOJI: Record<Severity, string> = { critical: '🚨', warning: '⚠️', info: 'ℹ️' };

export function stormDigestMessage(storm: Pick<ActiveStorm, 'pairs' | 'startedAtMs' | 'lastOpenedAtMs'>): DigestMessage {
  const pairs = [...storm.pairs].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.openedAtMs - b.openedAtMs);
  const header = `🌩️ Probe storm · ${pairs.length} pairs woke`.slice(0, MAX_HEADER_CHARS);
  const counts = countLine(pairs);
  const spanSeconds = Math.round((storm.lastOpenedAtMs - storm.startedAtMs) / 1000);
  const context = `since ${clock(storm.startedAtMs)} UTC · ${spanSeconds} s · each pair's investigation follows in its own message`;
  const lines = pairs.map(pairLine);
  // Header, counts and context take three blocks; the rest are the sections of pair lines.
  const sections = packLines(lines, MAX_BLOCKS - 3);
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: header, emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: counts } },
    ...sections.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    { type: 'context', elements: [{ type: 'mrkdwn', text: context }] },
  ];
  const text = capLength([header, counts, ...lines].join('\n'));
  return { text, blocks };
}

function countLine(pairs: StormPair[]): string {
  const bySeverity = (['critical', 'warning', 'info'] as const)
    .map((severity) => [severity, pairs.filter((p) => p.severity === severity).length] as const)
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => `${SEVERITY_EMOJI[severity]} ${n} ${severity}`);
  return bySeverity.join(' · ');
}

/** Probe and category are of a safe alphabet; code spans keep `_` and `*` in them from formatting. */
export function pairLine(pair: StormPair): string {
  const summary = pair.summary ? ` — ${inert(pair.summary.replace(/\s+/g, ' ').slice(0, SUMMARY_CHARS))}` : '';
  return `${SEVERITY_EMOJI[pair.severity]} \`${pair.probe}\` · \`${pair.category}\`${summary}`;
}

/**
 * Greedy packing of lines into at most `maxSections` texts of at most
 * MAX_SECTION_CHARS. Lines are short (≤ ~250 chars), so 47 sections hold
 * 500+ pairs; past that the last section says how many more there are.
 */
export function packLines(lines: string[], maxSections: number): string[] {
  const sections: string[] = [];
  let current = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const joined = current === '' ? line : `${current}\n${line}`;
    if (joined.length <= MAX_SECTION_CHARS) {
      current = joined;
      continue;
    }
    if (sections.length + 1 === maxSections) {
      // The last section allowed: end it with how many pairs did not fit.
      return [...sections, withMore(current, lines.length - i)];
    }
    sections.push(current);
    current = line;
  }
  if (current !== '') sections.push(current);
  return sections;
}

function withMore(section: string, more: number): string {
  const note = `\n… and ${more} more (probe-wake investigations lists them all)`;
  const lines = section.split('\n');
  while (lines.length > 1 && lines.join('\n').length + note.length > MAX_SECTION_CHARS) {
    lines.pop();
    more += 1;
  }
  return `${lines.join('\n')}\n… and ${more} more (probe-wake investigations lists them all)`;
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}
