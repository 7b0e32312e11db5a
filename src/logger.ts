import pino, { type Logger } from 'pino';
import type { LogLevel } from './config';

export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'commerce-api' },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["stripe-signature"]'], censor: '[redacted]' },
  });
}
