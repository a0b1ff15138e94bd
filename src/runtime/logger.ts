import { pino, type Logger as Pino } from 'pino';
import type { Logger, LogLevel, LogMetadata } from '@temporalio/worker';
import { LOG_LEVELS } from '../config/config';

// Validated (and reported by name) in loadConfig; here an unknown value must not crash the import.
const requested = process.env.LOG_LEVEL?.trim() ?? '';
const level = (LOG_LEVELS as readonly string[]).includes(requested) ? requested : 'info';

/**
 * Structured JSON logs on stdout. Keys that could ever hold a secret are
 * censored by pino itself, a second line of defence after never logging them.
 */
export const logger: Pino = pino({
  name: 'probe-wake',
  level,
  redact: {
    paths: ['*.botToken', '*.apiKey', '*.token', '*.authorization', '*.SLACK_BOT_TOKEN', '*.ANTHROPIC_API_KEY'],
    censor: '[redacted]',
  },
});

/** Routes the Temporal SDK's logs (worker, workflow and activity loggers) through pino. */
export class PinoTemporalLogger implements Logger {
  constructor(private readonly target: Pino = logger) {}
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const method = level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
    this.target[method](meta ?? {}, message);
  }
  trace(message: string, meta?: LogMetadata): void { this.log('TRACE', message, meta); }
  debug(message: string, meta?: LogMetadata): void { this.log('DEBUG', message, meta); }
  info(message: string, meta?: LogMetadata): void { this.log('INFO', message, meta); }
  warn(message: string, meta?: LogMetadata): void { this.log('WARN', message, meta); }
  error(message: string, meta?: LogMetadata): void { this.log('ERROR', message, meta); }
}
