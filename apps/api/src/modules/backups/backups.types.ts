import { z } from 'zod';
import { listQuery, paginationQuery } from '../../core/pagination';
import { cronProblem } from './cron';

const id = z.string().min(1).max(64);
const someField = (b: object) => Object.values(b).some((v) => v !== undefined);

/** A 5-field cron expression, stored with single spaces. */
export const cronSchedule = z
  .string()
  .trim()
  .max(200)
  .superRefine((v, ctx) => {
    const problem = cronProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((v) => v.split(/\s+/).join(' '));

const fields = {
  name: z.string().trim().min(1).max(200),
  type: z.enum(['SYSTEM', 'CLIENT_SITE', 'DATABASE']),
  /** CLIENT_SITE: a domain id (its hosting account is backed up); SYSTEM: a server id; DATABASE: a database name. */
  targetId: z.string().trim().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a domain id, server id or database name'),
  /** Where the backup runs; for CLIENT_SITE and SYSTEM it follows from the target when absent. */
  serverId: id,
  schedule: cronSchedule.nullable(),
  isActive: z.boolean(),
};

export const createBackupJobInput = {
  body: z
    .object({
      name: fields.name,
      type: fields.type,
      targetId: fields.targetId,
      serverId: fields.serverId.optional(),
      schedule: fields.schedule.optional(),
      isActive: fields.isActive.default(true),
    })
    .strict(),
};
export type CreateBackupJob = z.output<typeof createBackupJobInput.body>;

export const updateBackupJobInput = {
  params: z.object({ id }),
  body: z.object(fields).partial().strict().refine(someField, 'must change at least one field'),
};
export type UpdateBackupJob = z.output<typeof updateBackupJobInput.body>;

export const listBackupJobsInput = {
  query: listQuery(['createdAt', 'name', 'lastRunAt', 'status'] as const, {
    status: z.enum(['PENDING', 'RUNNING', 'SUCCESS', 'FAILED']).optional(),
    type: fields.type.optional(),
    serverId: id.optional(),
    isActive: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    search: z.string().trim().max(200).optional(),
  }),
};
export type ListBackupJobsQuery = z.output<typeof listBackupJobsInput.query>;

/** The job, with its reports paginated newest first (`page`, `pageSize`). */
export const getBackupJobInput = { params: z.object({ id }), query: paginationQuery.omit({ order: true }) };
export type ReportsQuery = z.output<typeof getBackupJobInput.query>;

export const rerunBackupJobInput = { params: z.object({ id }), body: z.object({}).strict() };

/** What a backup script on a server reports (scripts/backup-report.sh sends it). */
export const backupReportInput = {
  body: z
    .object({
      jobId: id,
      status: z.enum(['RUNNING', 'SUCCESS', 'FAILED']),
      details: z
        .object({
          sizeBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
          durationSeconds: z.number().min(0).max(30 * 86400).optional(),
          checksum: z.string().regex(/^[A-Za-z0-9:+/=_-]{8,200}$/, 'must be a checksum such as sha256:<hex>').optional(),
          message: z.string().max(2000).optional(),
          archive: z.string().max(1024).optional(),
        })
        .strict()
        .default({}),
    })
    .strict(),
};
export type BackupReportInput = z.output<typeof backupReportInput.body>;
