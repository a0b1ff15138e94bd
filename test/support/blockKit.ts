/**
 * Block Kit as Slack validates a message's `blocks`, for the faithful Slack
 * fake. Each rule cites the page it comes from. A message breaking any rule is
 * refused whole with `invalid_blocks` (the fake's answer, see fakeSlack.ts).
 *
 * Not modelled: rules of block and element types probe-wake does not send
 * (inputs, selects, rich text internals...): those pass unchecked.
 */

export interface BlockProblem {
  /** JSON pointer into the request, e.g. /blocks/0/text/text. */
  pointer: string;
  message: string;
}

/** "You can include up to 50 blocks in each message" (https://docs.slack.dev/reference/block-kit/blocks). */
export const MAX_BLOCKS_PER_MESSAGE = 50;
/** block_id: "Maximum length for this field is 255 characters" (every block's page, e.g. https://docs.slack.dev/reference/block-kit/blocks/section-block). */
const MAX_BLOCK_ID = 255;

const KNOWN_BLOCKS = new Set(['actions', 'context', 'context_actions', 'divider', 'file', 'header', 'image', 'input', 'markdown', 'rich_text', 'section', 'table', 'video']);
const TEXT_TYPES = new Set(['plain_text', 'mrkdwn']);

export function blockProblems(blocks: unknown): BlockProblem[] {
  const problems: BlockProblem[] = [];
  if (!Array.isArray(blocks)) return [{ pointer: '/blocks', message: 'must provide an array' }];
  if (blocks.length > MAX_BLOCKS_PER_MESSAGE) problems.push({ pointer: '/blocks', message: `no more than ${MAX_BLOCKS_PER_MESSAGE} items allowed` });
  blocks.forEach((block, i) => checkBlock(block, `/blocks/${i}`, problems));
  return problems;
}

function checkBlock(block: unknown, at: string, problems: BlockProblem[]): void {
  if (!isObject(block)) return void problems.push({ pointer: at, message: 'must provide an object' });
  const type = block.type;
  if (typeof type !== 'string' || !KNOWN_BLOCKS.has(type)) return void problems.push({ pointer: `${at}/type`, message: 'unsupported type' });
  if (block.block_id !== undefined) maxLength(block.block_id, MAX_BLOCK_ID, `${at}/block_id`, problems);
  switch (type) {
    case 'header':
      // text: a plain_text object, "Maximum length for the text in this field is 150 characters"
      // (https://docs.slack.dev/reference/block-kit/blocks/header-block).
      textObject(block.text, `${at}/text`, problems, { max: 150, plainOnly: true, required: true });
      return;
    case 'section': {
      // text: "Minimum length ... is 1 and maximum length is 3000 characters"; fields: "Maximum number of
      // items is 10. Maximum length for the text in each item is 2000 characters"; one of text or fields
      // (https://docs.slack.dev/reference/block-kit/blocks/section-block).
      if (block.text === undefined && block.fields === undefined) problems.push({ pointer: at, message: 'must provide either text or fields' });
      if (block.text !== undefined) textObject(block.text, `${at}/text`, problems, { max: 3000, required: true });
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields)) problems.push({ pointer: `${at}/fields`, message: 'must provide an array' });
        else {
          if (block.fields.length > 10) problems.push({ pointer: `${at}/fields`, message: 'no more than 10 items allowed' });
          block.fields.forEach((field, i) => textObject(field, `${at}/fields/${i}`, problems, { max: 2000, required: true }));
        }
      }
      if (isObject(block.accessory)) checkElement(block.accessory, `${at}/accessory`, problems);
      return;
    }
    case 'context':
      // elements: "An array of image elements and text objects. Maximum number of items is 10"
      // (https://docs.slack.dev/reference/block-kit/blocks/context-block).
      elements(block.elements, 10, `${at}/elements`, problems);
      return;
    case 'actions':
      // elements: interactive elements, at most 25 (https://docs.slack.dev/reference/block-kit/blocks/actions-block).
      elements(block.elements, 25, `${at}/elements`, problems);
      return;
    default:
      return;
  }
}

function elements(value: unknown, max: number, at: string, problems: BlockProblem[]): void {
  if (!Array.isArray(value) || value.length === 0) return void problems.push({ pointer: at, message: 'must provide a non-empty array' });
  if (value.length > max) problems.push({ pointer: at, message: `no more than ${max} items allowed` });
  value.forEach((element, i) => {
    if (!isObject(element)) return void problems.push({ pointer: `${at}/${i}`, message: 'must provide an object' });
    if (TEXT_TYPES.has(String(element.type))) textObject(element, `${at}/${i}`, problems, { max: 3000, required: true });
    else checkElement(element, `${at}/${i}`, problems);
  });
}

function checkElement(element: Record<string, unknown>, at: string, problems: BlockProblem[]): void {
  if (element.type !== 'button') return;
  // Button: text plain_text "Maximum length for the text in this field is 75 characters"; action_id
  // "Maximum length ... is 255 characters"; value "Maximum length ... is 2000 characters"; url 3000
  // (https://docs.slack.dev/reference/block-kit/block-elements/button-element).
  textObject(element.text, `${at}/text`, problems, { max: 75, plainOnly: true, required: true });
  if (element.action_id !== undefined) maxLength(element.action_id, 255, `${at}/action_id`, problems);
  if (element.value !== undefined) maxLength(element.value, 2000, `${at}/value`, problems);
  if (element.url !== undefined) maxLength(element.url, 3000, `${at}/url`, problems);
  if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
    problems.push({ pointer: `${at}/style`, message: 'must be one of primary, danger' });
  }
}

/** A text object: `{type: plain_text|mrkdwn, text}` (https://docs.slack.dev/reference/block-kit/composition-objects/text-object). */
function textObject(value: unknown, at: string, problems: BlockProblem[], rule: { max: number; plainOnly?: boolean; required: boolean }): void {
  if (!isObject(value)) return void problems.push({ pointer: at, message: 'must provide an object' });
  if (rule.plainOnly ? value.type !== 'plain_text' : !TEXT_TYPES.has(String(value.type))) {
    problems.push({ pointer: `${at}/type`, message: rule.plainOnly ? 'must be plain_text' : 'must be one of plain_text, mrkdwn' });
  }
  if (typeof value.text !== 'string' || value.text.length === 0) return void problems.push({ pointer: `${at}/text`, message: 'must be more than 0 characters' });
  maxLength(value.text, rule.max, `${at}/text`, problems);
}

function maxLength(value: unknown, max: number, at: string, problems: BlockProblem[]): void {
  if (typeof value !== 'string') return void problems.push({ pointer: at, message: 'must be a string' });
  // Slack counts characters (code points), not UTF-16 units.
  if ([...value].length > max) problems.push({ pointer: at, message: `must be less than ${max + 1} characters` });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Slack's answer to a message with invalid blocks: HTTP 200, `ok:false`,
 * `error: invalid_blocks` ("Blocks submitted with this message are not
 * valid", https://docs.slack.dev/reference/methods/chat.postMessage errors),
 * with the details as `[ERROR] ... [json-pointer:...]` lines in
 * `response_metadata.messages` (https://docs.slack.dev/apis/web-api/, "Evaluating responses").
 */
export function invalidBlocksBody(problems: BlockProblem[]): Record<string, unknown> {
  const lines = problems.map((p) => `${p.message} [json-pointer:${p.pointer}]`);
  return { ok: false, error: 'invalid_blocks', errors: lines, response_metadata: { messages: lines.map((line) => `[ERROR] ${line}`) } };
}
