import { Queue, type JobsOptions } from 'bullmq';
import type { Logger } from '../config/logger';
import { createRedis, type Redis } from '../config/redis';
import type { JobType } from '../generated/prisma/client';
import { QUEUE_OF, QUEUES, type QueueJobData, type QueueName } from './registry';

export interface QueuedJob {
  id: string;
  type: JobType;
  maxAttempts: number;
}

export interface JobQueueOptions {
  redisUrl: string;
  prefix: string;
  backoffMs: number;
  logger: Logger;
}

/**
 * The producer side of BullMQ. Each Job row is added with `jobId = Job.id`, so adding the same
 * row twice (the API after commit and the outbox sweep, or two sweeps) queues it once.
 * Its Redis connection fails fast: when Redis is down the caller logs it and the sweep catches up.
 */
export function createJobQueue(opts: JobQueueOptions) {
  const connection: Redis = createRedis(opts.redisUrl, 'api');
  connection.on('error', (err) => opts.logger.debug({ err: err.message }, 'queue redis connection error'));
  const queues = Object.fromEntries(
    QUEUES.map((name) => [name, new Queue<QueueJobData>(name, { connection, prefix: opts.prefix })]),
  ) as Record<QueueName, Queue<QueueJobData>>;
  for (const q of Object.values(queues)) q.on('error', (err) => opts.logger.debug({ err: err.message }, 'queue error'));

  const jobOptions = (job: QueuedJob): JobsOptions => ({
    jobId: job.id,
    attempts: job.maxAttempts,
    backoff: { type: 'exponential', delay: opts.backoffMs, jitter: 0.5 },
    // Finished jobs stay a day so a late duplicate add of the same id is still a no-op.
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  });

  return {
    queues,

    /** Adds jobs to their queues. Throws when Redis cannot be reached; nothing is lost (the rows stay PENDING). */
    async enqueue(jobs: QueuedJob[]): Promise<void> {
      // BullMQ would wait for a connection indefinitely; an order must not.
      if (connection.status !== 'ready') throw new Error(`Redis is not connected (${connection.status})`);
      const byQueue = new Map<QueueName, QueuedJob[]>();
      for (const job of jobs) {
        const name = QUEUE_OF[job.type];
        byQueue.set(name, [...(byQueue.get(name) ?? []), job]);
      }
      await withTimeout(
        Promise.all(
          [...byQueue].map(([name, list]) =>
            queues[name].addBulk(list.map((job) => ({ name: job.type, data: { jobId: job.id, type: job.type }, opts: jobOptions(job) }))),
          ),
        ),
        5000,
        'queueing jobs',
      );
    },

    /** Queues a job again after it failed for good: the old BullMQ entry must go first, or the add is a no-op. */
    async requeue(job: QueuedJob): Promise<void> {
      if (connection.status !== 'ready') throw new Error(`Redis is not connected (${connection.status})`);
      const queue = queues[QUEUE_OF[job.type]];
      await withTimeout(
        (async () => {
          const existing = await queue.getJob(job.id);
          if (existing) {
            const state = await existing.getState();
            if (state === 'active' || state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') return;
            await existing.remove();
          }
          await queue.add(job.type, { jobId: job.id, type: job.type }, jobOptions(job));
        })(),
        5000,
        'requeueing a job',
      );
    },

    async counts(): Promise<Record<QueueName, Record<string, number>>> {
      const entries = await Promise.all(
        QUEUES.map(async (name) => [name, await queues[name].getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')] as const),
      );
      return Object.fromEntries(entries) as Record<QueueName, Record<string, number>>;
    },

    async close(): Promise<void> {
      await Promise.all(Object.values(queues).map((q) => q.close().catch(() => undefined)));
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

export type JobQueue = ReturnType<typeof createJobQueue>;

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
