/** One AES-256 key and the ID stamped on every payload it encrypts. */
export interface CodecKey {
  id: string;
  key: Buffer;
}

export const CODEC_KEYS_ENV = 'PROBE_WAKE_CODEC_KEYS';

const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * `PROBE_WAKE_CODEC_KEYS="k2:<base64 32 bytes>,k1:<base64 32 bytes>"`: the first
 * key encrypts, every listed key decrypts (so history written before a
 * rotation stays readable). Returns the problems instead of throwing so the
 * config loader reports them with the rest; messages never include key bytes.
 */
export function parseCodecKeys(value: string | undefined): { keys: CodecKey[]; problems: string[] } {
  if (value === undefined || value.trim() === '') return { keys: [], problems: [] };
  const keys: CodecKey[] = [];
  const problems: string[] = [];
  for (const [index, entry] of value.split(',').map((e) => e.trim()).entries()) {
    const where = `${CODEC_KEYS_ENV} entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon <= 0) {
      problems.push(`${where}: must be <key id>:<base64 key>`);
      continue;
    }
    const id = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!KEY_ID.test(id)) problems.push(`${where}: key id ${JSON.stringify(id)} must be 1-64 characters of [A-Za-z0-9_.-]`);
    else if (keys.some((k) => k.id === id)) problems.push(`${where}: key id ${JSON.stringify(id)} is listed twice`);
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
    if (!key || key.length !== 32) {
      problems.push(`${where} (${id}): the key must be 32 bytes in base64 (e.g. \`openssl rand -base64 32\`), got ${key ? `${key.length} bytes` : 'no valid base64'}`);
      continue;
    }
    if (problems.length === 0) keys.push({ id, key });
  }
  return { keys: problems.length ? [] : keys, problems };
}
