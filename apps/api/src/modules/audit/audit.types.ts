import { z } from 'zod';
import { listQuery } from '../../core/pagination';

const id = z.string().min(1).max(64);

export const listAuditInput = {
  query: listQuery(['createdAt', 'action'] as const, {
    userId: id.optional(),
    action: z.string().max(100).optional(),
    targetType: z.string().max(64).optional(),
    targetId: id.optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
  }).refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before from', path: ['to'] }),
};
export type ListAuditQuery = z.output<typeof listAuditInput.query>;

export const auditIdParams = { params: z.object({ id }) };
