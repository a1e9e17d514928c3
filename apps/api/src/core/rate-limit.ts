import type { RequestHandler } from 'express';
import { rateLimit, type Store, type IncrementResponse, type Options } from 'express-rate-limit';
import type { Redis } from '../config/redis';
import type { Logger } from '../config/logger';

/**
 * A fixed-window express-rate-limit store on ioredis, shared by every API instance. Each hit is
 * one MULTI (create-with-expiry if absent, INCR, PTTL), so it works on any Redis version and
 * recovers by itself after an outage.
 */
export class RedisRateLimitStore implements Store {
  private windowMs = 60_000;
  readonly localKeys = false;

  private lastWarnAt = 0;

  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const k = this.prefix + key;
    try {
      const replies = await this.redis.multi().set(k, 0, 'PX', this.windowMs, 'NX').incr(k).pttl(k).exec();
      if (!replies) throw new Error('rate limit transaction aborted');
      for (const [err] of replies) if (err) throw err;
      const hits = Number(replies[1][1]);
      const ttl = Number(replies[2][1]);
      return { totalHits: hits, resetTime: new Date(Date.now() + (ttl > 0 ? ttl : this.windowMs)) };
    } catch (err) {
      // A Redis outage must not take logins or the catalog down with it: let the request through.
      if (Date.now() - this.lastWarnAt > 60_000) {
        this.lastWarnAt = Date.now();
        this.logger.warn({ err: (err as Error).message, limiter: this.prefix }, 'rate limit store unavailable; not limiting');
      }
      return { totalHits: 1, resetTime: new Date(Date.now() + this.windowMs) };
    }
  }

  async decrement(key: string): Promise<void> {
    await this.redis.decr(this.prefix + key).catch(() => {});
  }

  async resetKey(key: string): Promise<void> {
    await this.redis.del(this.prefix + key).catch(() => {});
  }
}

export function createLimiter(opts: {
  name: string;
  windowMs: number;
  limit: number;
  redis?: Redis;
  prefix: string;
  logger: Logger;
  message: string;
}): RequestHandler {
  return rateLimit({
    windowMs: opts.windowMs,
    limit: opts.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: opts.redis ? new RedisRateLimitStore(opts.redis, `${opts.prefix}:rl:${opts.name}:`, opts.logger) : undefined,
    handler: (req, res) => {
      opts.logger.warn({ limiter: opts.name, ip: req.ip, requestId: req.id }, 'rate limit reached');
      res.status(429).json({ error: { code: 'RATE_LIMITED', message: opts.message } });
    },
  });
}
