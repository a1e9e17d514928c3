/** The Redis rate-limit store behind every public request and every sign-in, against real Redis. */
import crypto from 'node:crypto';
import net from 'node:net';
import { createLogger } from '../src/config/logger';
import { createRedis, type Redis } from '../src/config/redis';
import { RedisRateLimitStore } from '../src/core/rate-limit';

const logger = createLogger({ LOG_LEVEL: 'silent', LOG_FILE: '', NODE_ENV: 'test' });
const WINDOW_MS = 60_000;

let redis: Redis;
let prefix: string;

function storeOn(client: Redis, windowMs = WINDOW_MS) {
  const store = new RedisRateLimitStore(client, prefix, logger);
  store.init({ windowMs } as Parameters<RedisRateLimitStore['init']>[0]);
  return store;
}

beforeAll(async () => {
  redis = createRedis(process.env.REDIS_URL!);
  await new Promise((resolve) => redis.once('ready', resolve));
});
beforeEach(() => {
  prefix = `${process.env.QUEUE_PREFIX}:rltest:${crypto.randomBytes(4).toString('hex')}:`;
});
afterEach(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
});
afterAll(async () => {
  await redis.quit();
});

describe('RedisRateLimitStore', () => {
  it('counts hits per key within one window that expires', async () => {
    const store = storeOn(redis);
    const before = Date.now();
    const hits = [];
    for (let i = 0; i < 3; i++) hits.push((await store.increment('203.0.113.7')).totalHits);
    expect(hits).toEqual([1, 2, 3]);
    expect((await store.increment('198.51.100.1')).totalHits).toBe(1);

    const ttl = await redis.pttl(`${prefix}203.0.113.7`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WINDOW_MS);
    const { resetTime } = await store.increment('203.0.113.7');
    expect(resetTime!.getTime()).toBeGreaterThan(before);
    expect(resetTime!.getTime()).toBeLessThanOrEqual(Date.now() + WINDOW_MS);
  });

  it('starts a new window once the old one expired', async () => {
    const store = storeOn(redis, 150);
    await store.increment('a');
    expect((await store.increment('a')).totalHits).toBe(2);
    await new Promise((r) => setTimeout(r, 250));
    expect((await store.increment('a')).totalHits).toBe(1);
  });

  it('gives a counter left without an expiry one, so a client is never limited for good', async () => {
    await redis.set(`${prefix}stuck`, 41);
    const store = storeOn(redis);
    expect((await store.increment('stuck')).totalHits).toBe(42);
    const ttl = await redis.pttl(`${prefix}stuck`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WINDOW_MS);
  });

  it('shares counts between stores on different connections (several API instances)', async () => {
    const other = createRedis(process.env.REDIS_URL!);
    try {
      await new Promise((resolve) => other.once('ready', resolve));
      const a = storeOn(redis);
      const b = storeOn(other);
      await a.increment('shared');
      await b.increment('shared');
      expect((await a.increment('shared')).totalHits).toBe(3);
    } finally {
      await other.quit();
    }
  });

  it('decrements and resets a key', async () => {
    const store = storeOn(redis);
    await store.increment('k');
    await store.increment('k');
    await store.decrement('k');
    expect(await redis.get(`${prefix}k`)).toBe('1');
    await store.resetKey('k');
    expect(await redis.exists(`${prefix}k`)).toBe(0);
  });

  it('lets requests through when Redis cannot be reached', async () => {
    // A port nothing listens on: the API's connection fails fast instead of queueing commands.
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const down = createRedis(`redis://127.0.0.1:${port}/0`, 'api', { retryStrategy: () => null });
    down.on('error', () => {});
    try {
      const store = storeOn(down);
      const first = await store.increment('x');
      const second = await store.increment('x');
      expect([first.totalHits, second.totalHits]).toEqual([1, 1]);
    } finally {
      down.disconnect();
    }
  });
});
