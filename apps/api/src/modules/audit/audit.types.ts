import { z } from 'zod';
import { listQuery } from '../../core/pagination';

export const listAuditInput = {
  query: listQuery(['createdAt', 'action'] as const, {
    userId: z.string().max(64).optional(),
    action: z.string().max(100).optional(),
    targetType: z.string().max(64).optional(),
    targetId: z.string().max(64).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
  }),
};
export type ListAuditQuery = z.output<typeof listAuditInput.query>;
