import type { Db } from '../../config/database';
import type { Prisma } from '../../generated/prisma/client';
import { pageArgs, toPage } from '../../core/pagination';
import type { z } from 'zod';
import type { listTenantsInput } from './tenants.types';

/** Tenants are the platform operator's concern (SUPER_ADMIN), so lists are not tenant-scoped. */
export function createTenantsService(deps: { db: Db }) {
  return {
    async list(q: z.output<typeof listTenantsInput.query>) {
      const where: Prisma.TenantWhereInput = {
        ...(q.isActive !== undefined && { isActive: q.isActive }),
        ...(q.search && { OR: [{ name: { contains: q.search, mode: 'insensitive' } }, { slug: { contains: q.search.toLowerCase() } }] }),
      };
      const [total, items] = await Promise.all([
        deps.db.tenant.count({ where }),
        deps.db.tenant.findMany({
          where,
          orderBy: [{ [q.sort]: q.order }, { id: 'asc' }],
          ...pageArgs(q),
          include: { _count: { select: { users: true, customers: true, domains: true } } },
        }),
      ]);
      return toPage(items, total, q);
    },
  };
}

export type TenantsService = ReturnType<typeof createTenantsService>;
