/**
 * The Messages API's streaming wire format (https://platform.claude.com/docs/en/build-with-claude/streaming;
 * thinking_delta and signature_delta: https://platform.claude.com/docs/en/build-with-claude/extended-thinking),
 * for the fake in fakeAnthropic.ts.
 */
type Block = Record<string, unknown> & { type: string };

/** The events of one streamed Message, in order: message_start, per block content_block_start/_delta/_stop, message_delta, message_stop. */
export function sseEvents(message: Record<string, unknown>, chunkChars: number): Array<[string, unknown]> {
  const usage = message.usage as Record<string, number>;
  const events: Array<[string, unknown]> = [
    ['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, stop_details: null, usage: { ...usage, output_tokens: 1 } } }],
  ];
  (message.content as Block[]).forEach((block, index) => {
    const delta = (d: Record<string, unknown>) => events.push(['content_block_delta', { type: 'content_block_delta', index, delta: d }]);
    if (block.type === 'thinking') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }]);
      for (const piece of chunks(String(block.thinking), chunkChars)) delta({ type: 'thinking_delta', thinking: piece });
      delta({ type: 'signature_delta', signature: block.signature });
    } else if (block.type === 'text') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
      for (const piece of chunks(String(block.text), chunkChars)) delta({ type: 'text_delta', text: piece });
    } else if (block.type === 'tool_use') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }]);
      delta({ type: 'input_json_delta', partial_json: JSON.stringify(block.input) });
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  // STREAMING: the usage in message_delta is cumulative.
  events.push([
    'message_delta',
    { type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null, stop_details: message.stop_details ?? null }, usage },
  ]);
  events.push(['message_stop', { type: 'message_stop' }]);
  return events;
}

function chunks(text: string, size: number): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

