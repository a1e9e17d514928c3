import type { Db } from '../../config/database';
import type { Logger } from '../../config/logger';
import { Conflict, NotFound } from '../../core/errors';
import { pageArgs, toPage } from '../../core/pagination';
import type { Ctx } from '../../core/types';
import type { Job, Prisma } from '../../generated/prisma/client';
import type { JobQueue } from '../../jobs/queue';
import { auditFrom, type AuditService } from '../audit/audit.service';
import { jobView, redactPayload } from './jobs.open';
import type { ListJobsQuery } from './jobs.types';

const ORDER = { select: { id: true, status: true, domain: { select: { id: true, name: true } } } } satisfies Prisma.Job$orderArgs;

function present<T extends Pick<Job, 'payload'>>(job: T): T {
  return { ...job, payload: redactPayload(job.payload) as Job['payload'] };
}

/** Provisioning and operations jobs of the caller's tenant: what ran, every attempt, and a retry for the failed. */
export function createJobsService(deps: { db: Db; audit: AuditService; queue: Pick<JobQueue, 'requeue'>; logger: Logger }) {
  const { db, audit, queue, logger } = deps;

  return {
    async list(ctx: Ctx, q: ListJobsQuery) {
      const where: Prisma.JobWhereInput = {
        tenantId: ctx.actor.tenantId,
        ...(q.status && { status: q.status }),
        ...(q.type && { type: q.type }),
        ...(q.orderId && { orderId: q.orderId }),
      };
      const [total, items] = await Promise.all([
        db.job.count({ where }),
        db.job.findMany({ where, orderBy: [{ [q.sort]: q.order }, { id: q.order }], ...pageArgs(q), include: { order: ORDER, _count: { select: { logs: true } } } }),
      ]);
      return toPage(items.map(present), total, q);
    },

    /** A job with every attempt it made, oldest first. */
    async get(ctx: Ctx, id: string) {
      const job = await db.job.findFirst({
        where: { id, tenantId: ctx.actor.tenantId },
        include: { order: ORDER, logs: { orderBy: [{ createdAt: 'asc' }, { attempt: 'asc' }] } },
      });
      if (!job) throw NotFound('Job');
      return present(job);
    },

    /**
     * Runs a job that failed for good once more: the row goes back to PENDING (its attempt count
     * keeps counting) and into the queue. Only FAILED jobs: one still pending or running is on its
     * way, and one that succeeded is done.
     */
    async retry(ctx: Ctx, id: string) {
      const { job } = await db.$transaction(async (tx) => {
        const before = await tx.job.findFirst({ where: { id, tenantId: ctx.actor.tenantId } });
        if (!before) throw NotFound('Job');
        // Conditional, so two staff pressing retry at once queue it once.
        const flipped = await tx.job.updateMany({ where: { id, status: 'FAILED' }, data: { status: 'PENDING', finishedAt: null } });
        if (!flipped.count) throw Conflict(`Only failed jobs can be retried; this one is ${before.status}`, { status: before.status }, 'JOB_NOT_FAILED');
        await audit.record(
          auditFrom(ctx.actor, ctx.meta, {
            action: 'job.retried',
            targetType: 'Job',
            targetId: id,
            details: { type: before.type, orderId: before.orderId, attempts: before.attempts, lastError: before.lastError, before: { status: 'FAILED' }, after: { status: 'PENDING' } },
          }),
          tx,
        );
        return { job: await tx.job.findUniqueOrThrow({ where: { id } }) };
      });

      try {
        await queue.requeue(job);
      } catch (err) {
        // The row is PENDING again: the worker's outbox sweep requeues it once Redis answers.
        logger.warn({ err: (err as Error).message, jobId: id }, 'retry not queued yet; the outbox sweep will queue it');
      }
      return { job: jobView(job) };
    },
  };
}

export type JobsService = ReturnType<typeof createJobsService>;
