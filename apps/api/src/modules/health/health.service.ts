import type { Db } from '../../config/database';
import type { Redis } from '../../config/redis';

export interface DependencyStatus {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  uptimeSeconds: number;
  checks: { database: DependencyStatus; redis: DependencyStatus };
}

async function probe(fn: () => Promise<unknown>, timeoutMs: number): Promise<DependencyStatus> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    // Only a short reason: the public health answer must not reveal hosts or credentials.
    const error = /timeout|no answer/i.test(String(err)) ? 'timeout' : 'unreachable';
    return { status: 'down', latencyMs: Math.round(performance.now() - started), error };
  } finally {
    clearTimeout(timer);
  }
}

export function createHealthService(deps: { db: Db; redis: Redis; version: string; timeoutMs?: number }) {
  const timeoutMs = deps.timeoutMs ?? 1500;
  return {
    async check(): Promise<HealthReport> {
      const [database, redis] = await Promise.all([
        probe(() => deps.db.$queryRaw`SELECT 1`, timeoutMs),
        probe(() => deps.redis.ping(), timeoutMs),
      ]);
      return {
        status: database.status === 'up' && redis.status === 'up' ? 'ok' : 'degraded',
        version: deps.version,
        uptimeSeconds: Math.round(process.uptime()),
        checks: { database, redis },
      };
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
