import type { Db, DbTx } from '../config/database';
import type { Logger } from '../config/logger';
import type { Job, JobType, Prisma } from '../generated/prisma/client';
import type { JobQueue } from './queue';
import { JOB_PAYLOADS, type JobPayload } from './registry';

export interface JobSpec<T extends JobType = JobType> {
  type: T;
  payload: JobPayload<T>;
  orderId?: string;
}

/**
 * The outbox: Job rows are written in the caller's transaction, queued after commit, and swept
 * into the queue later when that failed. The row is the source of truth; the queue only says "run it".
 */
export function createJobDispatcher(deps: { db: Db; queue: JobQueue; logger: Logger; maxAttempts: number; sweepBatch?: number }) {
  const { db, queue, logger } = deps;

  return {
    /** Writes PENDING Job rows inside `tx`; payloads are checked against the registry first. */
    async create(tx: DbTx, tenantId: string, specs: JobSpec[]): Promise<Job[]> {
      const rows: Job[] = [];
      for (const spec of specs) {
        const payload = JOB_PAYLOADS[spec.type].parse(spec.payload);
        rows.push(
          await tx.job.create({
            data: {
              tenantId,
              orderId: spec.orderId,
              type: spec.type,
              payload: payload as Prisma.InputJsonValue,
              maxAttempts: deps.maxAttempts,
            },
          }),
        );
      }
      return rows;
    },

    /** Queues committed rows. Never throws: when Redis is away the sweep queues them later. */
    async dispatch(rows: Array<Pick<Job, 'id' | 'type' | 'maxAttempts'>>): Promise<boolean> {
      if (!rows.length) return true;
      try {
        await queue.enqueue(rows);
        return true;
      } catch (err) {
        logger.warn({ err: (err as Error).message, jobIds: rows.map((r) => r.id) }, 'jobs not queued yet; the outbox sweep will queue them');
        return false;
      }
    },

    /**
     * Queues PENDING rows older than `minAgeMs` (younger ones are still being dispatched by the API).
     * Rows already in the queue are a no-op there, so a sweep never doubles a job.
     * `tenantIds` limits it to some tenants (a worker dedicated to them).
     */
    async sweep(minAgeMs = 2000, tenantIds?: readonly string[]): Promise<number> {
      const rows = await db.job.findMany({
        where: { status: 'PENDING', updatedAt: { lt: new Date(Date.now() - minAgeMs) }, ...(tenantIds && { tenantId: { in: [...tenantIds] } }) },
        select: { id: true, type: true, maxAttempts: true, attempts: true },
        orderBy: { createdAt: 'asc' },
        take: deps.sweepBatch ?? 500,
      });
      if (!rows.length) return 0;
      // A row that ran before (an admin retry) may still have its finished entry in the queue,
      // which would turn a plain add into a no-op: those go through requeue.
      const fresh = rows.filter((r) => r.attempts === 0);
      if (fresh.length) await queue.enqueue(fresh);
      for (const row of rows.filter((r) => r.attempts > 0)) await queue.requeue(row);
      return rows.length;
    },
  };
}

export type JobDispatcher = ReturnType<typeof createJobDispatcher>;
