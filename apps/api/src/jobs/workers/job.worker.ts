import { Worker } from 'bullmq';
import type { Logger } from '../../config/logger';
import { createRedis } from '../../config/redis';
import { QUEUES, type QueueJobData } from '../registry';
import type { JobRunner } from '../runner';

export interface JobWorkersOptions {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  /** How long a job's lock lives without renewal; a killed worker's jobs are re-run after it lapses. */
  lockDurationMs: number;
  runner: JobRunner;
  logger: Logger;
}

/** One BullMQ worker per queue, all running the same runner. */
export function startJobWorkers(opts: JobWorkersOptions) {
  const workers = QUEUES.map((name) => {
    const connection = createRedis(opts.redisUrl, 'blocking');
    connection.on('error', (err) => opts.logger.debug({ err: err.message, queue: name }, 'worker redis connection error'));
    const worker = new Worker<QueueJobData>(name, (job) => opts.runner.process(job), {
      connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency,
      lockDuration: opts.lockDurationMs,
      stalledInterval: Math.max(1000, Math.floor(opts.lockDurationMs / 2)),
      maxStalledCount: 3,
      autorun: true,
    });
    worker.on('error', (err) => opts.logger.warn({ err: err.message, queue: name }, 'worker error'));
    worker.on('stalled', (jobId) => opts.logger.warn({ jobId, queue: name }, 'job stalled; it will run again'));
    return { worker, connection };
  });

  return {
    workers: workers.map((w) => w.worker),
    async ready(): Promise<void> {
      await Promise.all(workers.map((w) => w.worker.waitUntilReady()));
    },
    /**
     * Stops taking jobs and waits for the running ones; after `graceMs` the rest are released
     * (their locks lapse and another worker runs them again).
     */
    async close(graceMs = 30_000): Promise<void> {
      let timer: NodeJS.Timeout | undefined;
      const graceful = Promise.all(workers.map((w) => w.worker.close())).then(() => 'closed' as const);
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const outcome = await Promise.race([graceful, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        opts.logger.warn('running jobs did not finish in time; releasing them to other workers');
        await Promise.all(workers.map((w) => w.worker.close(true)));
      }
      await Promise.all(workers.map((w) => w.connection.quit().catch(() => w.connection.disconnect())));
    },
  };
}
