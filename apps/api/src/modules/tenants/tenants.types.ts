import { z } from 'zod';
import { listQuery } from '../../core/pagination';

export const listTenantsInput = {
  query: listQuery(['createdAt', 'name', 'slug'] as const, {
    search: z.string().trim().max(100).optional(),
    isActive: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  }),
};
