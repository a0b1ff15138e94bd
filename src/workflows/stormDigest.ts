import type { DigestMessage } from '../domain/stormDigest';
import { sendUrgentMessage } from './delivery';

/**
 * Hands one revision of the storm digest to the deployment's outbox: urgent
 * (ahead of every queued root message), nobody waits for its report. The one
 * place the tail sends a Slack message.
 */
export async function sendStormDigest(key: string, revision: number, message: DigestMessage): Promise<void> {
  await sendUrgentMessage(key, revision, message);
}
