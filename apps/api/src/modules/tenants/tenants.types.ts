import { z } from 'zod';
import { listQuery } from '../../core/pagination';
import { slugSchema } from '../catalog/catalog.types';

const id = z.string().min(1).max(64);
const name = z.string().trim().min(1).max(100);

export const listTenantsInput = {
  query: listQuery(['createdAt', 'name', 'slug'] as const, {
    search: z.string().trim().max(100).optional(),
    isActive: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  }),
};
export type ListTenantsQuery = z.output<typeof listTenantsInput.query>;

export const tenantIdParams = { params: z.object({ id }) };

export const createTenantInput = {
  body: z.object({ name, slug: slugSchema }).strict(),
};
export type CreateTenant = z.output<typeof createTenantInput.body>;

/** Activation has its own routes (it locks a whole tenant out), so it is not a PATCH field. */
export const updateTenantInput = {
  params: z.object({ id }),
  body: z
    .object({ name: name.optional(), slug: slugSchema.optional() })
    .strict()
    .refine((b) => Object.values(b).some((v) => v !== undefined), 'must change at least one field'),
};
export type UpdateTenant = z.output<typeof updateTenantInput.body>;
