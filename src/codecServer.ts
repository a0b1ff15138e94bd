import { AesGcmCodec } from './codec/aesGcmCodec';
import { CODEC_KEYS_ENV, parseCodecKeys } from './codec/codecKeys';
import { startCodecServer } from './codec/codecServer';

/**
 * `npm run codec-server`: decrypts probe-wake payloads for the Temporal Web UI.
 * Point the UI at it: `temporal server start-dev --ui-codec-endpoint http://127.0.0.1:8888`.
 */
async function main(): Promise<void> {
  const env = process.env;
  const problems: string[] = [];
  const { keys, problems: keyProblems } = parseCodecKeys(env[CODEC_KEYS_ENV]);
  problems.push(...keyProblems);
  if (keys.length === 0 && keyProblems.length === 0) problems.push(`${CODEC_KEYS_ENV} is not set: the codec server needs the keys the worker uses`);
  const port = Number(env.PROBE_WAKE_CODEC_SERVER_PORT ?? '8888');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) problems.push(`PROBE_WAKE_CODEC_SERVER_PORT=${JSON.stringify(env.PROBE_WAKE_CODEC_SERVER_PORT)}: must be a port number`);
  const allowOrigin = env.PROBE_WAKE_CODEC_SERVER_ORIGIN ?? 'http://localhost:8233';
  if (problems.length > 0) {
    process.stderr.write(`probe-wake codec-server: invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(2);
  }
  const server = await startCodecServer({
    codec: new AesGcmCodec(keys),
    allowOrigin,
    bearerToken: env.PROBE_WAKE_CODEC_SERVER_TOKEN || undefined,
    port,
    host: env.PROBE_WAKE_CODEC_SERVER_HOST ?? '127.0.0.1',
  });
  process.stderr.write(`probe-wake codec server on ${server.url} (keys: ${keys.map((k) => k.id).join(', ')}; CORS origin ${allowOrigin})\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`probe-wake codec-server: ${(err as Error).message}\n`);
  process.exit(1);
});
