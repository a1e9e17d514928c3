import type { Db, DbTx } from '../../config/database';
import type { Prisma } from '../../generated/prisma/client';
import { Conflict, NotFound } from '../../core/errors';
import { pageArgs, toPage } from '../../core/pagination';
import type { Ctx } from '../../core/types';
import { auditFrom, changesOf, type AuditService } from '../audit/audit.service';
import type { CatalogService } from '../catalog/catalog.service';
import type { CreateTenant, ListTenantsQuery, UpdateTenant } from './tenants.types';

const WITH_COUNTS = { _count: { select: { users: true, customers: true, domains: true, products: true, plans: true } } } satisfies Prisma.TenantInclude;

/**
 * Tenants are the platform operator's concern (SUPER_ADMIN), so they are not tenant-scoped.
 * Each change is recorded in the acting user's own tenant, where that user reads the trail.
 */
export function createTenantsService(deps: { db: Db; audit: AuditService; catalog: Pick<CatalogService, 'invalidate'> }) {
  const { db, audit } = deps;

  async function find(tx: DbTx, id: string) {
    const tenant = await tx.tenant.findUnique({ where: { id } });
    if (!tenant) throw NotFound('Tenant');
    return tenant;
  }

  async function setActive(ctx: Ctx, id: string, isActive: boolean) {
    const { row, changed } = await db.$transaction(async (tx) => {
      const tenant = await find(tx, id);
      // Deactivating the tenant one is signed into would lock that user out mid-session.
      if (!isActive && id === ctx.actor.tenantId) throw Conflict('You cannot deactivate your own tenant', undefined, 'OWN_TENANT');
      if (tenant.isActive === isActive) return { row: await tx.tenant.findUniqueOrThrow({ where: { id }, include: WITH_COUNTS }), changed: false };
      const updated = await tx.tenant.update({ where: { id }, data: { isActive }, include: WITH_COUNTS });
      await audit.record(
        auditFrom(ctx.actor, ctx.meta, {
          action: isActive ? 'tenant.activated' : 'tenant.deactivated',
          targetType: 'Tenant',
          targetId: id,
          details: { slug: tenant.slug, before: { isActive: tenant.isActive }, after: { isActive } },
        }),
        tx,
      );
      return { row: updated, changed: true };
    });
    if (changed) await deps.catalog.invalidate(id);
    return row;
  }

  return {
    async list(q: ListTenantsQuery) {
      const where: Prisma.TenantWhereInput = {
        ...(q.isActive !== undefined && { isActive: q.isActive }),
        ...(q.search && { OR: [{ name: { contains: q.search, mode: 'insensitive' } }, { slug: { contains: q.search.toLowerCase() } }] }),
      };
      const [total, items] = await Promise.all([
        db.tenant.count({ where }),
        db.tenant.findMany({ where, orderBy: [{ [q.sort]: q.order }, { id: 'asc' }], ...pageArgs(q), include: WITH_COUNTS }),
      ]);
      return toPage(items, total, q);
    },

    async get(_ctx: Ctx, id: string) {
      const tenant = await db.tenant.findUnique({ where: { id }, include: WITH_COUNTS });
      if (!tenant) throw NotFound('Tenant');
      return tenant;
    },

    async create(ctx: Ctx, input: CreateTenant) {
      return db.$transaction(async (tx) => {
        const tenant = await tx.tenant.create({ data: input, include: WITH_COUNTS });
        await audit.record(
          auditFrom(ctx.actor, ctx.meta, { action: 'tenant.created', targetType: 'Tenant', targetId: tenant.id, details: { after: { name: tenant.name, slug: tenant.slug } } }),
          tx,
        );
        return tenant;
      });
    },

    async update(ctx: Ctx, id: string, patch: UpdateTenant) {
      const { row, changed } = await db.$transaction(async (tx) => {
        const before = await find(tx, id);
        const diff = changesOf(before, patch);
        if (!diff) return { row: await tx.tenant.findUniqueOrThrow({ where: { id }, include: WITH_COUNTS }), changed: false };
        const updated = await tx.tenant.update({ where: { id }, data: patch, include: WITH_COUNTS });
        await audit.record(auditFrom(ctx.actor, ctx.meta, { action: 'tenant.updated', targetType: 'Tenant', targetId: id, details: diff }), tx);
        return { row: updated, changed: true };
      });
      // The public catalog is keyed by slug, so a rename must drop what was cached under the old one.
      if (changed) await deps.catalog.invalidate(id);
      return row;
    },

    deactivate: (ctx: Ctx, id: string) => setActive(ctx, id, false),
    activate: (ctx: Ctx, id: string) => setActive(ctx, id, true),
  };
}

export type TenantsService = ReturnType<typeof createTenantsService>;
