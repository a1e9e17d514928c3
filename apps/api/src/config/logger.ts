import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { Env } from './env';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear. Secrets are also kept out of log calls by
 * construction; this is the net under that.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-internal-key"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.apiKey',
  '*.privateKey',
  '*.secret',
  '*.authorization',
  'password',
  'token',
  'refreshToken',
  'apiKey',
  'secret',
];

export function createLogger(env: Pick<Env, 'LOG_LEVEL' | 'LOG_FILE' | 'NODE_ENV'>, name = 'mpanel'): Logger {
  const options: pino.LoggerOptions = {
    name,
    level: env.LOG_LEVEL,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (!env.LOG_FILE) return pino(options);
  fs.mkdirSync(path.dirname(path.resolve(env.LOG_FILE)), { recursive: true });
  return pino(
    options,
    pino.multistream([
      { level: env.LOG_LEVEL === 'silent' ? 'fatal' : env.LOG_LEVEL, stream: process.stdout },
      { level: env.LOG_LEVEL === 'silent' ? 'fatal' : env.LOG_LEVEL, stream: pino.destination({ dest: env.LOG_FILE, mkdir: true, sync: false }) },
    ]),
  );
}
