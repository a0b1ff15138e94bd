import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec } from './aesGcmCodec';
import type { CodecKey } from './codecKeys';

/**
 * The one data converter every worker and client of probe-wake must share:
 * with codec keys configured, payloads are AES-256-GCM ciphertext in history.
 * Undefined (the SDK default, plain JSON) when no keys are configured.
 */
export function probeWakeDataConverter(codecKeys: CodecKey[]): DataConverter | undefined {
  return codecKeys.length > 0 ? { payloadCodecs: [new AesGcmCodec(codecKeys)] } : undefined;
}
