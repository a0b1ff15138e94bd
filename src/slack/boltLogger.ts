import type { Logger as BoltLogger } from '@slack/bolt';
import { LogLevel } from '@slack/bolt';
import type { Logger as Pino } from 'pino';

/**
 * Bolt's and the Socket Mode client's logs through pino. Their debug lines print whole payloads (a
 * click's response_url is a capability) and request headers, so debug is dropped whatever LOG_LEVEL says.
 */
export class BoltPinoLogger implements BoltLogger {
  constructor(private readonly target: Pino) {}
  debug(): void {}
  info(...msg: unknown[]): void { this.target.info(text(msg)); }
  warn(...msg: unknown[]): void { this.target.warn(text(msg)); }
  error(...msg: unknown[]): void { this.target.error(text(msg)); }
  setLevel(): void {}
  getLevel(): LogLevel { return LogLevel.INFO; }
  setName(): void {}
}

const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
