/**
 * Everything a benchmark run stands on: PostgreSQL and Redis (reused or started, as for
 * `npm test`), a throw-away `mpanel_bench_<run>` database migrated and seeded with the demo
 * tenant, a queue prefix of its own, and the real API started in this process on a loopback port.
 * `close()` undoes all of it: servers, connections, the Redis keys under the prefix, the database.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp } from '../../apps/api/src/app';
import { loadEnv } from '../../apps/api/src/config/env';
import { createContainer } from '../../apps/api/src/container';
import { dropDatabase, ensureDatabase, migrate } from '../../apps/api/src/db/migrate';
import { DEMO_TENANT, seedDemo } from '../../apps/api/src/db/seed';
import { ensurePostgres, ensureRedis, log, root } from '../lib/services';
import type { BenchConfig } from './runner';
import type { BenchContext } from './scenario';

export interface OpenContext {
  ctx: BenchContext;
  close(): Promise<void>;
}

export async function openContext(config: BenchConfig): Promise<OpenContext> {
  const baseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mpanel';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  log(`PostgreSQL: ${await ensurePostgres(baseUrl)}; Redis: ${await ensureRedis(redisUrl)}`);

  const run = `${Date.now().toString(36)}${crypto.randomBytes(2).toString('hex')}`;
  const dbUrl = new URL(baseUrl);
  dbUrl.pathname = `/mpanel_bench_${run}`;
  const databaseUrl = dbUrl.toString();
  const closers: Array<() => Promise<unknown> | unknown> = [];
  const close = async () => {
    for (const fn of closers.splice(0).reverse()) {
      await Promise.resolve()
        .then(fn)
        .catch((err) => log(`cleanup: ${(err as Error).message}`));
    }
  };

  try {
    await ensureDatabase(databaseUrl);
    closers.push(() => dropDatabase(databaseUrl));
    await migrate(databaseUrl, path.join(root, 'prisma', 'migrations'));

    const env = loadEnv({
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: `mpanel_bench_${run}`,
      LOG_LEVEL: 'silent',
      LOG_FILE: '',
      // Far above what the run can reach: the limiter still does its Redis round-trip per request.
      RATE_LIMIT_PUBLIC_PER_MINUTE: '1000000000',
      RATE_LIMIT_LOGIN_PER_15_MINUTES: '1000000000',
      BCRYPT_ROUNDS: '4',
      ADMIN_DIST_DIR: '',
      DEFAULT_TENANT_SLUG: DEMO_TENANT.slug,
    });
    const container = createContainer(env);
    closers.push(() => container.close());
    closers.push(() => clearRedisPrefix(container.redis, env.QUEUE_PREFIX));
    if (!(await container.ready())) throw new Error(`Redis at ${redisUrl} did not become ready`);

    const tenant = await seedDemo(container.db, { adminPassword: `Bench-${crypto.randomBytes(9).toString('base64url')}`, bcryptRounds: 4 });
    log(`bench database mpanel_bench_${run} migrated and seeded`);

    const serve = async (handler: http.RequestListener) => {
      const server = http.createServer(handler);
      server.keepAliveTimeout = 65_000;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      closers.push(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      );
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    const apiUrl = await serve(createApp(container));

    const ctx: BenchContext = {
      config,
      apiUrl,
      container,
      env,
      databaseUrl,
      tenant: { id: tenant.id, slug: tenant.slug },
      serve,
      onClose: (fn) => void closers.push(fn),
      log,
    };
    return { ctx, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Rate-limit counters and queue keys this run wrote; the prefix is the run's own. */
async function clearRedisPrefix(redis: BenchContext['container']['redis'], prefix: string) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
