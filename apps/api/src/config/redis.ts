import { Redis, type RedisOptions } from 'ioredis';

export type { Redis };

/**
 * `blocking` connections belong to BullMQ workers (they wait forever on BRPOPLPUSH-style calls);
 * the API's connection fails fast so a Redis outage never stalls an HTTP request.
 */
export function createRedis(url: string, kind: 'api' | 'blocking' = 'api', extra: RedisOptions = {}): Redis {
  const base: RedisOptions =
    kind === 'blocking'
      ? { maxRetriesPerRequest: null, enableReadyCheck: false }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, commandTimeout: 2000 };
  return new Redis(url, {
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    ...base,
    ...extra,
  });
}
