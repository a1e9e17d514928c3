import { UnrecoverableError, type Job as BullJob } from 'bullmq';
import type { Db } from '../config/database';
import type { Logger } from '../config/logger';
import type { Job, JobType, Prisma } from '../generated/prisma/client';
import type { AuditService } from '../modules/audit/audit.service';
import { describeError, errorDetails, isPermanent } from './errors';
import { auditPrefix, parsePayload, type JobPayload, type QueueJobData } from './registry';

export interface HandlerContext {
  job: Job;
  /** 1 for the first run of this row, counting every run including admin retries. */
  attempt: number;
  logger: Logger;
}

export interface HandlerResult {
  /** One line for JobLog.message, e.g. "zone example.com. created". */
  message: string;
  details?: Record<string, unknown>;
}

export type Handler<T extends JobType> = (payload: JobPayload<T>, ctx: HandlerContext) => Promise<HandlerResult>;
export type Handlers = { [T in JobType]?: Handler<T> };

export interface FailureNotice {
  job: Job;
  error: string;
}

/**
 * Runs one queued job against its row: claims it (PENDING/RUNNING → RUNNING, attempts + 1),
 * runs the handler, and records the attempt (JobLog), the outcome (Job, AuditLog) and, when an
 * order's jobs are all done, the domain going ACTIVE. Permanent errors stop the retries at once.
 */
export function createJobRunner(deps: {
  db: Db;
  logger: Logger;
  audit: AuditService;
  handlers: Handlers;
  onFinalFailure?: (notice: FailureNotice) => Promise<void>;
}) {
  const { db, audit } = deps;

  async function claim(jobId: string): Promise<Job | null> {
    const claimed = await db.job.updateMany({
      where: { id: jobId, status: { in: ['PENDING', 'RUNNING'] } },
      data: { status: 'RUNNING', attempts: { increment: 1 }, startedAt: new Date() },
    });
    if (claimed.count === 0) return null;
    return db.job.findUnique({ where: { id: jobId } });
  }

  async function succeed(job: Job, result: HandlerResult, durationMs: number) {
    await db.$transaction(async (tx) => {
      await tx.job.update({
        where: { id: job.id },
        data: { status: 'SUCCESS', result: (result.details ?? {}) as Prisma.InputJsonValue, finishedAt: new Date() },
      });
      await tx.jobLog.create({
        data: {
          tenantId: job.tenantId,
          jobId: job.id,
          attempt: job.attempts,
          status: 'SUCCESS',
          message: result.message,
          details: result.details as Prisma.InputJsonValue | undefined,
          durationMs,
        },
      });
      await audit.record(
        {
          tenantId: job.tenantId,
          action: `${auditPrefix(job.type)}.succeeded`,
          targetType: 'Job',
          targetId: job.id,
          details: { jobId: job.id, type: job.type, orderId: job.orderId, ...refs(job), attempt: job.attempts, message: result.message },
        },
        tx,
      );
      if (job.orderId) await completeOrderIfDone(tx, job);
    });
  }

  /** The domain of an order goes ACTIVE once every job of that order succeeded. */
  async function completeOrderIfDone(tx: Prisma.TransactionClient, job: Job) {
    const open = await tx.job.count({ where: { orderId: job.orderId, status: { not: 'SUCCESS' } } });
    if (open > 0) return;
    const order = await tx.order.findUnique({ where: { id: job.orderId! }, select: { id: true, domainId: true, tenantId: true } });
    if (!order?.domainId) return;
    const changed = await tx.domain.updateMany({ where: { id: order.domainId, status: 'PENDING_SETUP' }, data: { status: 'ACTIVE' } });
    if (changed.count) {
      await audit.record(
        { tenantId: order.tenantId, action: 'order.provisioned', targetType: 'Order', targetId: order.id, details: { orderId: order.id, domainId: order.domainId } },
        tx,
      );
    }
  }

  async function fail(job: Job, err: unknown, durationMs: number, final: boolean) {
    const message = describeError(err);
    await db.$transaction(async (tx) => {
      await tx.job.update({
        where: { id: job.id },
        data: { status: final ? 'FAILED' : 'PENDING', lastError: message, ...(final && { finishedAt: new Date() }) },
      });
      await tx.jobLog.create({
        data: {
          tenantId: job.tenantId,
          jobId: job.id,
          attempt: job.attempts,
          status: 'FAILED',
          message,
          details: { ...errorDetails(err), final } as Prisma.InputJsonValue,
          durationMs,
        },
      });
      if (final) {
        await audit.record(
          {
            tenantId: job.tenantId,
            action: `${auditPrefix(job.type)}.failed`,
            targetType: 'Job',
            targetId: job.id,
            details: { jobId: job.id, type: job.type, orderId: job.orderId, ...refs(job), attempts: job.attempts, error: message },
          },
          tx,
        );
      }
    });
  }

  return {
    /** The BullMQ processor. */
    async process(bullJob: BullJob<QueueJobData>): Promise<{ status: string }> {
      const { jobId } = bullJob.data;
      const job = await claim(jobId);
      if (!job) {
        // Finished already (a duplicate delivery after success, or a retried row): nothing to do.
        deps.logger.info({ jobId }, 'job already finished; skipping');
        return { status: 'skipped' };
      }
      const logger = deps.logger.child({ jobId: job.id, jobType: job.type, orderId: job.orderId, attempt: job.attempts });
      const started = performance.now();
      try {
        const handler = deps.handlers[job.type] as Handler<JobType> | undefined;
        if (!handler) throw new UnrecoverableError(`this worker has no handler for ${job.type}`);
        const payload = parsePayload(job.type, job.payload);
        logger.info('job started');
        const result = await handler(payload, { job, attempt: job.attempts, logger });
        const durationMs = Math.round(performance.now() - started);
        await succeed(job, result, durationMs);
        logger.info({ durationMs }, `job succeeded: ${result.message}`);
        return { status: 'SUCCESS' };
      } catch (err) {
        const durationMs = Math.round(performance.now() - started);
        const permanent = isPermanent(err) || err instanceof UnrecoverableError;
        const allowed = bullJob.opts.attempts ?? 1;
        const final = permanent || bullJob.attemptsMade + 1 >= allowed;
        await fail(job, err, durationMs, final);
        logger[final ? 'error' : 'warn']({ err: describeError(err), final, durationMs }, final ? 'job failed for good' : 'job failed; will retry');
        if (final && deps.onFinalFailure) {
          const failed = { ...job, status: 'FAILED' as const, lastError: describeError(err) };
          await deps.onFinalFailure({ job: failed, error: describeError(err) }).catch((e) => logger.warn({ err: (e as Error).message }, 'failure notice not sent'));
        }
        if (permanent) throw new UnrecoverableError(describeError(err));
        throw err;
      }
    },
  };
}

/** The ids a job's payload points at, for the audit trail (domainId, zoneId, serverId, …). */
function refs(job: Job): Record<string, unknown> {
  const payload = (job.payload ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(payload).filter(([k, v]) => k.endsWith('Id') && typeof v === 'string'));
}

export type JobRunner = ReturnType<typeof createJobRunner>;
