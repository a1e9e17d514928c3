import { z } from 'zod';
import { listQuery } from '../../core/pagination';

const id = z.string().min(1).max(64);

export const DOMAIN_STATUSES = ['ACTIVE', 'SUSPENDED', 'PENDING_SETUP', 'PENDING_TRANSFER'] as const;

export const listDomainsInput = {
  query: listQuery(['name', 'createdAt'] as const, {
    status: z.enum(DOMAIN_STATUSES).optional(),
    customerId: id.optional(),
    search: z.string().trim().max(253).optional(),
  }, 'name'),
};
export type ListDomainsQuery = z.output<typeof listDomainsInput.query>;

export const domainIdParams = { params: z.object({ id }) };
