import { z } from 'zod';
import type { JobType } from '../generated/prisma/client';

/**
 * Every job type the worker knows: its queue and the payload it carries. The producer (API)
 * validates a payload with the same schema before it writes the Job row, and the worker
 * validates it again before running a handler, so a bad payload fails at once, never retries.
 * Payloads carry ids, not copies: handlers read the current rows.
 */
const id = z.string().min(1).max(64);

export const JOB_PAYLOADS = {
  PROVISION_DNS: z.object({ domainId: id, orderId: id.optional() }),
  PROVISION_HOSTING: z.object({ domainId: id, orderId: id.optional(), phpVersion: z.string().regex(/^[5-9]\.\d{1,2}$/).optional() }),
  PROVISION_MAIL: z.object({ domainId: id, orderId: id.optional() }),
  // `vpsId` is written back by the handler once it reserved the instance, so a retry reuses it.
  PROVISION_VPS: z.object({ planId: id, orderId: id.optional(), domainId: id.optional(), vpsId: id.optional() }),
  SUSPEND_ACCOUNT: z.object({ hostingAccountId: id }),
  UNSUSPEND_ACCOUNT: z.object({ hostingAccountId: id }),
  TERMINATE_ACCOUNT: z.object({ hostingAccountId: id, removeZone: z.boolean().default(false) }),
  SYNC_DNS_ZONE: z.object({ zoneId: id }),
  UPDATE_DNS_RECORDS: z.object({ zoneId: id, changes: z.array(z.record(z.string(), z.unknown())).min(1).max(500) }),
  DELETE_DNS_ZONE: z.object({ zoneId: id }),
  SERVER_HEALTH_CHECK: z.object({ serverId: id }),
  VPS_ACTION: z.object({ vpsId: id, action: z.enum(['start', 'stop', 'reboot', 'destroy']) }),
  MAIL_ACCOUNT_ACTION: z.object({
    mailAccountId: id,
    action: z.enum(['create', 'disable', 'enable', 'reset-password', 'delete']),
    /** A new password, sealed with SECRETS_KEY (never in clear in the Job row). */
    sealedPassword: z.string().optional(),
  }),
  RUN_BACKUP: z.object({ backupJobId: id }),
} as const satisfies Record<JobType, z.ZodType>;

export type JobPayload<T extends JobType> = z.output<(typeof JOB_PAYLOADS)[T]>;

/** Two queues so a burst of orders never waits behind slow operational jobs, and vice versa. */
export const QUEUES = ['provisioning', 'operations'] as const;
export type QueueName = (typeof QUEUES)[number];

export const QUEUE_OF: Record<JobType, QueueName> = {
  PROVISION_DNS: 'provisioning',
  PROVISION_HOSTING: 'provisioning',
  PROVISION_MAIL: 'provisioning',
  PROVISION_VPS: 'provisioning',
  SUSPEND_ACCOUNT: 'operations',
  UNSUSPEND_ACCOUNT: 'operations',
  TERMINATE_ACCOUNT: 'operations',
  SYNC_DNS_ZONE: 'operations',
  UPDATE_DNS_RECORDS: 'operations',
  DELETE_DNS_ZONE: 'operations',
  SERVER_HEALTH_CHECK: 'operations',
  VPS_ACTION: 'operations',
  MAIL_ACCOUNT_ACTION: 'operations',
  RUN_BACKUP: 'operations',
};

/** The audit action prefix of a job's outcome: `provisioning.succeeded`, `job.failed`, … */
export function auditPrefix(type: JobType): string {
  return type.startsWith('PROVISION_') ? 'provisioning' : 'job';
}

export function parsePayload<T extends JobType>(type: T, payload: unknown): JobPayload<T> {
  return JOB_PAYLOADS[type].parse(payload) as JobPayload<T>;
}

/** What BullMQ carries: only the row id and type; the row is the source of truth. */
export interface QueueJobData {
  jobId: string;
  type: JobType;
}
