import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../config/logger';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;

/**
 * Request id and one access-log line per request. Keeps the caller's id (nginx, srv1) when it is
 * sane, so one id follows a request across systems. It sits in front of every public read, so it
 * does no work that nothing will print: the per-request child logger is made on first use and the
 * access line is built only when its level is enabled.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', { configurable: true, get: () => (child ??= logger.child({ reqId: id })) });

    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          reqId: id,
          req: { method: req.method, url: req.originalUrl, remoteAddress: req.ip },
          res: { statusCode: res.statusCode },
          responseTime: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request completed',
      );
    });
    next();
  };
}
