import type { RequestHandler } from 'express';
import { rateLimit, type Store, type IncrementResponse, type Options } from 'express-rate-limit';
import type { Redis } from '../config/redis';
import type { Logger } from '../config/logger';

/**
 * One hit, atomically: count it, and give the window its expiry when the key has none (a new
 * window, or a key left without one). Returns [hits, milliseconds left in the window].
 */
const HIT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl}`;

type ScriptedRedis = Redis & { mpanelRateLimitHit(key: string, windowMs: number): Promise<[number, number]> };

/**
 * A fixed-window express-rate-limit store on ioredis, shared by every API instance. Each hit is
 * one script call (one command, one reply) because it runs in front of every public request: a
 * MULTI/INCR/PTTL/EXEC round-trip there cost the catalog a large share of its throughput. Works on
 * any Redis version and recovers by itself after an outage.
 */
export class RedisRateLimitStore implements Store {
  private windowMs = 60_000;
  readonly localKeys = false;

  private lastWarnAt = 0;

  private readonly redis: ScriptedRedis;

  constructor(
    redis: Redis,
    readonly prefix: string,
    private readonly logger: Logger,
  ) {
    // ioredis sends EVALSHA and falls back to EVAL once when Redis does not know the script yet.
    if (!('mpanelRateLimitHit' in redis)) redis.defineCommand('mpanelRateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as ScriptedRedis;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const k = this.prefix + key;
    try {
      const [hits, ttl] = await this.redis.mpanelRateLimitHit(k, this.windowMs);
      return { totalHits: Number(hits), resetTime: new Date(Date.now() + (Number(ttl) > 0 ? Number(ttl) : this.windowMs)) };
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
