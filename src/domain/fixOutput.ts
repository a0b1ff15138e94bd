/** How much of a runner's output the thread and the audit row keep: its end, where the verdict usually is. */
export const OUTPUT_EXCERPT_BYTES = 2048;
const REDACTED = '[redacted]';

/**
 * The last `maxBytes` of `output` (UTF-8, cut on a character boundary), with every
 * occurrence of a secret replaced first, so a runner that echoes its secret
 * never puts it in a thread, a row or workflow history.
 */
export function outputExcerpt(output: string, secrets: readonly string[] = [], maxBytes = OUTPUT_EXCERPT_BYTES): string {
  let text = output;
  for (const secret of secrets) if (secret) text = text.split(secret).join(REDACTED);
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let start = bytes.length - maxBytes;
  // Skip UTF-8 continuation bytes (10xxxxxx) so the excerpt starts on a whole character.
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start += 1;
  return `…${bytes.subarray(start).toString('utf8')}`;
}

/** Keeps the last `maxBytes` of a growing stream without holding all of it (a chatty command). */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.chunks.length > 1 && this.size - this.chunks[0]!.length >= this.maxBytes) {
      this.size -= this.chunks.shift()!.length;
    }
  }

  /** Bytes kept: a little more than maxBytes, so a secret cut by the edge is still whole for redaction. */
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
