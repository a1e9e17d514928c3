import type { Db, DbTx } from '../../config/database';
import { AppError, Conflict, NotFound, Unprocessable } from '../../core/errors';
import { pageArgs, toPage } from '../../core/pagination';
import type { Ctx, RequestMeta } from '../../core/types';
import type { BackupReport, BackupType, Prisma } from '../../generated/prisma/client';
import type { JobDispatcher } from '../../jobs/dispatcher';
import { auditFrom, changesOf, type AuditService } from '../audit/audit.service';
import { jobsAbout, jobView, openJobFor } from '../jobs/jobs.open';
import type { BackupReportInput, CreateBackupJob, ListBackupJobsQuery, ReportsQuery, UpdateBackupJob } from './backups.types';

const SERVER = { server: { select: { id: true, name: true, role: true } } } satisfies Prisma.BackupJobInclude;
const DATABASE_NAME = /^[A-Za-z0-9_]{1,64}$/;

/** A report as JSON can carry it: the byte count is a BigInt column. */
export function presentReport(r: BackupReport) {
  return { ...r, sizeBytes: r.sizeBytes === null ? null : Number(r.sizeBytes) };
}

const notFoundAt = (what: string, path: string) => new AppError(404, 'NOT_FOUND', `${what} not found`, [{ path, message: 'no such record in this tenant' }]);
const unprocessableAt = (message: string, path: string) => Unprocessable(message, [{ path, message }]);

/**
 * Backup jobs: what is backed up where and when, and what each run reported. Runs are started by
 * the server's own cron (which reports through POST /api/backups/report) or by staff (rerun → a
 * RUN_BACKUP job that runs the backup host script over SSH).
 */
export function createBackupsService(deps: { db: Db; audit: AuditService; jobs: JobDispatcher }) {
  const { db, audit, jobs } = deps;

  async function find(tx: DbTx, ctx: Ctx, id: string) {
    const job = await tx.backupJob.findFirst({ where: { id, tenantId: ctx.actor.tenantId } });
    if (!job) throw NotFound('Backup job');
    return job;
  }

  /** Checks the target for its type and works out the server it runs on. */
  async function placement(tx: DbTx, tenantId: string, type: BackupType, targetId: string, serverId: string | null | undefined): Promise<string> {
    const server = serverId ? await tx.server.findFirst({ where: { id: serverId, tenantId }, select: { id: true, name: true } }) : null;
    if (serverId && !server) throw notFoundAt('Server', 'body.serverId');
    switch (type) {
      case 'CLIENT_SITE': {
        const domain = await tx.domain.findFirst({ where: { id: targetId, tenantId }, include: { hosting: { include: { server: { select: { id: true, name: true } } } } } });
        if (!domain) throw notFoundAt('Domain', 'body.targetId');
        if (!domain.hosting || domain.hosting.status === 'TERMINATED') throw unprocessableAt(`domain ${domain.name} has no hosting account to back up`, 'body.targetId');
        if (server && server.id !== domain.hosting.serverId) throw unprocessableAt(`the site of ${domain.name} lives on ${domain.hosting.server.name}`, 'body.serverId');
        return domain.hosting.serverId;
      }
      case 'SYSTEM': {
        const target = await tx.server.findFirst({ where: { id: targetId, tenantId }, select: { id: true } });
        if (!target) throw notFoundAt('Server', 'body.targetId');
        if (server && server.id !== target.id) throw unprocessableAt('a SYSTEM backup runs on the server it backs up', 'body.serverId');
        return target.id;
      }
      case 'DATABASE': {
        if (!DATABASE_NAME.test(targetId)) throw unprocessableAt('must be a database name (letters, digits, _)', 'body.targetId');
        if (!server) throw unprocessableAt('is required for DATABASE backups (the database server)', 'body.serverId');
        return server.id;
      }
    }
  }

  return {
    async list(ctx: Ctx, q: ListBackupJobsQuery) {
      const where: Prisma.BackupJobWhereInput = {
        tenantId: ctx.actor.tenantId,
        ...(q.status && { status: q.status }),
        ...(q.type && { type: q.type }),
        ...(q.serverId && { serverId: q.serverId }),
        ...(q.isActive !== undefined && { isActive: q.isActive }),
        ...(q.search && { OR: [{ name: { contains: q.search, mode: 'insensitive' } }, { targetId: q.search }] }),
      };
      const orderBy: Prisma.BackupJobOrderByWithRelationInput =
        q.sort === 'name' || q.sort === 'lastRunAt' ? { [q.sort]: { sort: q.order, nulls: 'last' } } : { [q.sort]: q.order };
      const [total, items] = await Promise.all([
        db.backupJob.count({ where }),
        db.backupJob.findMany({ where, orderBy: [orderBy, { id: q.order }], ...pageArgs(q), include: { ...SERVER, _count: { select: { reports: true } } } }),
      ]);
      return toPage(items, total, q);
    },

    /** A backup job with its reports (newest first, paginated) and the runs staff started. */
    async get(ctx: Ctx, id: string, q: ReportsQuery) {
      const tenantId = ctx.actor.tenantId;
      const job = await db.backupJob.findFirst({ where: { id, tenantId }, include: SERVER });
      if (!job) throw NotFound('Backup job');
      const [total, reports, runs] = await Promise.all([
        db.backupReport.count({ where: { backupJobId: id } }),
        db.backupReport.findMany({ where: { backupJobId: id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], ...pageArgs(q) }),
        jobsAbout(db, tenantId, ['RUN_BACKUP'], 'backupJobId', id, 10),
      ]);
      return { ...job, reports: toPage(reports.map(presentReport), total, q), runs };
    },

    async create(ctx: Ctx, input: CreateBackupJob) {
      const tenantId = ctx.actor.tenantId;
      return db.$transaction(async (tx) => {
        const serverId = await placement(tx, tenantId, input.type, input.targetId, input.serverId);
        const row = await tx.backupJob.create({ data: { ...input, serverId, tenantId, status: 'PENDING' }, include: SERVER });
        const { server: _s, ...after } = row;
        await audit.record(auditFrom(ctx.actor, ctx.meta, { action: 'backup.job.created', targetType: 'BackupJob', targetId: row.id, details: { after } }), tx);
        return row;
      });
    },

    async update(ctx: Ctx, id: string, patch: UpdateBackupJob) {
      return db.$transaction(async (tx) => {
        const before = await find(tx, ctx, id);
        const next = { ...patch };
        if (patch.type !== undefined || patch.targetId !== undefined || patch.serverId !== undefined) {
          const type = patch.type ?? before.type;
          const targetId = patch.targetId ?? before.targetId;
          // A new target picks its own server unless one is named.
          const serverId = patch.serverId ?? (patch.targetId === undefined && patch.type === undefined ? before.serverId : undefined);
          next.serverId = await placement(tx, ctx.actor.tenantId, type, targetId, serverId);
        }
        const diff = changesOf(before, next);
        if (!diff) return tx.backupJob.findUniqueOrThrow({ where: { id }, include: SERVER });
        const row = await tx.backupJob.update({ where: { id }, data: next, include: SERVER });
        await audit.record(auditFrom(ctx.actor, ctx.meta, { action: 'backup.job.updated', targetType: 'BackupJob', targetId: id, details: diff }), tx);
        return row;
      });
    },

    /** Queues a run now (RUN_BACKUP), whatever the schedule says. */
    async rerun(ctx: Ctx, id: string) {
      const job = await db.$transaction(async (tx) => {
        const backup = await find(tx, ctx, id);
        if (backup.type === 'DATABASE') {
          throw Unprocessable('DATABASE backups run on the database server from its own schedule; mPanel cannot start one', undefined, 'NOT_RUNNABLE');
        }
        if (!backup.serverId) throw Unprocessable('This backup job names no server to run on', undefined, 'NOT_RUNNABLE');
        const open = await openJobFor(tx, ctx.actor.tenantId, ['RUN_BACKUP'], 'backupJobId', id);
        if (open) throw Conflict(`Job ${open.id} is still ${open.status} for this backup; wait for it to finish`, { job: open }, 'JOB_IN_PROGRESS');
        const [job] = await jobs.create(tx, ctx.actor.tenantId, [{ type: 'RUN_BACKUP', payload: { backupJobId: id } }]);
        await audit.record(auditFrom(ctx.actor, ctx.meta, { action: 'backup.job.rerun', targetType: 'BackupJob', targetId: id, details: { jobId: job.id, name: backup.name } }), tx);
        return job;
      });
      await jobs.dispatch([job]);
      return { job: jobView(job) };
    },

    /**
     * Internal zone: a backup script's report. Creates a BackupReport and sets the job's status and
     * last run. The caller holds an internal key, not a tenant: the job row says whose it is.
     */
    async report(input: BackupReportInput, meta: RequestMeta) {
      const { details } = input;
      return db.$transaction(async (tx) => {
        const backup = await tx.backupJob.findUnique({ where: { id: input.jobId } });
        if (!backup) throw NotFound('Backup job');
        const now = new Date();
        const report = await tx.backupReport.create({
          data: {
            tenantId: backup.tenantId,
            backupJobId: backup.id,
            status: input.status,
            details: { ...details, source: 'report' },
            sizeBytes: details.sizeBytes === undefined ? undefined : BigInt(details.sizeBytes),
            durationMs: details.durationSeconds === undefined ? undefined : Math.round(details.durationSeconds * 1000),
            checksum: details.checksum,
          },
        });
        await tx.backupJob.update({ where: { id: backup.id }, data: { status: input.status, lastRunAt: now } });
        await audit.record(
          {
            tenantId: backup.tenantId,
            action: 'backup.reported',
            targetType: 'BackupJob',
            targetId: backup.id,
            details: { reportId: report.id, before: { status: backup.status }, after: { status: input.status }, sizeBytes: details.sizeBytes, checksum: details.checksum },
            meta,
          },
          tx,
        );
        return { report: presentReport(report) };
      });
    },
  };
}

export type BackupsService = ReturnType<typeof createBackupsService>;
