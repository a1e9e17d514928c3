import { z } from 'zod';
import type { JobType } from '../generated/prisma/client';

/**
 * Every job type the worker knows: its queue and the payload it carries. The producer (API)
 * validates a payload with the same schema before it writes the Job row, and the worker
 * validates it again before running a handler, so a bad payload fails at once, never retries.
 * Payloads carry ids, not copies: handlers read the current rows.
 */
const id = z.string().min(1).max(64);

const rrsetKey = { name: z.string().min(1).max(255), type: z.string().regex(/^[A-Z0-9]{1,10}$/) };
const rrsetChange = z.discriminatedUnion('changetype', [
  z.object({
    ...rrsetKey,
    changetype: z.literal('REPLACE'),
    ttl: z.number().int().min(1),
    records: z.array(z.object({ content: z.string().max(4096), disabled: z.boolean() })).min(1).max(100),
  }),
  z.object({ ...rrsetKey, changetype: z.literal('DELETE') }),
]);

export const JOB_PAYLOADS = {
  PROVISION_DNS: z.object({ domainId: id, orderId: id.optional() }),
  PROVISION_HOSTING: z.object({ domainId: id, orderId: id.optional(), phpVersion: z.string().regex(/^[5-9]\.\d{1,2}$/).optional() }),
  PROVISION_MAIL: z.object({ domainId: id, orderId: id.optional() }),
  // An order names the plan; the handler reserves the instance and writes `vpsId` back, so a retry
  // reuses it. Staff creating one by hand reserve it first and pass `vpsId` (the plan is optional then).
  PROVISION_VPS: z
    .object({ planId: id.optional(), orderId: id.optional(), domainId: id.optional(), vpsId: id.optional() })
    .refine((p) => p.planId !== undefined || p.vpsId !== undefined, { message: 'needs planId or vpsId', path: ['planId'] }),
  SUSPEND_ACCOUNT: z.object({ hostingAccountId: id }),
  UNSUSPEND_ACCOUNT: z.object({ hostingAccountId: id }),
  TERMINATE_ACCOUNT: z.object({ hostingAccountId: id, removeZone: z.boolean().default(false) }),
  SYNC_DNS_ZONE: z.object({ zoneId: id }),
  // `changes` are already validated for the zone and in PowerDNS's wire form; `serial` is the one they were made against.
  UPDATE_DNS_RECORDS: z.object({ zoneId: id, serial: z.number().int().min(0), changes: z.array(rrsetChange).min(1).max(200) }),
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
