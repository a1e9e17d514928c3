import { z } from 'zod';
import { listQuery } from '../../core/pagination';
import { JOB_PAYLOADS } from '../../jobs/registry';

const id = z.string().min(1).max(64);
const JOB_TYPES = Object.keys(JOB_PAYLOADS) as [keyof typeof JOB_PAYLOADS, ...Array<keyof typeof JOB_PAYLOADS>];

export const listJobsInput = {
  query: listQuery(['createdAt', 'updatedAt'] as const, {
    status: z.enum(['PENDING', 'RUNNING', 'SUCCESS', 'FAILED']).optional(),
    type: z.enum(JOB_TYPES).optional(),
    orderId: id.optional(),
  }),
};
export type ListJobsQuery = z.output<typeof listJobsInput.query>;

export const jobIdParams = { params: z.object({ id }) };

export const retryJobInput = { params: z.object({ id }), body: z.object({}).strict() };
