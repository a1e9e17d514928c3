import type { Db, DbTx } from '../../config/database';
import type { Prisma } from '../../generated/prisma/client';
import { Conflict, NotFound } from '../../core/errors';
import { pageArgs, toPage } from '../../core/pagination';
import type { Ctx } from '../../core/types';
import { auditFrom, changesOf, type AuditService } from '../audit/audit.service';
import type { CatalogService } from '../catalog/catalog.service';
import type { CreateProduct, ListProductsQuery, UpdateProduct } from './products.types';

const WITH_PLAN_COUNT = { _count: { select: { plans: true } } } satisfies Prisma.ProductInclude;

/** Products of the caller's tenant. Every change drops the tenant's cached public catalog after commit. */
export function createProductsService(deps: { db: Db; audit: AuditService; catalog: Pick<CatalogService, 'invalidate'> }) {
  const { db, audit } = deps;

  async function find(tx: DbTx, ctx: Ctx, id: string) {
    const product = await tx.product.findFirst({ where: { id, tenantId: ctx.actor.tenantId } });
    if (!product) throw NotFound('Product');
    return product;
  }

  return {
    async list(ctx: Ctx, q: ListProductsQuery) {
      const where: Prisma.ProductWhereInput = {
        tenantId: ctx.actor.tenantId,
        ...(q.type && { type: q.type }),
        ...(q.isActive !== undefined && { isActive: q.isActive }),
        ...(q.search && { OR: [{ name: { contains: q.search, mode: 'insensitive' } }, { slug: { contains: q.search.toLowerCase() } }] }),
      };
      const [total, items] = await Promise.all([
        db.product.count({ where }),
        db.product.findMany({ where, orderBy: [{ [q.sort]: q.order }, { id: q.order }], ...pageArgs(q), include: WITH_PLAN_COUNT }),
      ]);
      return toPage(items, total, q);
    },

    async get(ctx: Ctx, id: string) {
      const product = await db.product.findFirst({
        where: { id, tenantId: ctx.actor.tenantId },
        include: { plans: { orderBy: [{ sortOrder: 'asc' }, { createdAt: 'asc' }] }, ...WITH_PLAN_COUNT },
      });
      if (!product) throw NotFound('Product');
      return product;
    },

    async create(ctx: Ctx, input: CreateProduct) {
      const product = await db.$transaction(async (tx) => {
        const row = await tx.product.create({ data: { ...input, tenantId: ctx.actor.tenantId }, include: WITH_PLAN_COUNT });
        const { _count, ...after } = row;
        await audit.record(auditFrom(ctx.actor, ctx.meta, { action: 'product.created', targetType: 'Product', targetId: row.id, details: { after } }), tx);
        return row;
      });
      await deps.catalog.invalidate(ctx.actor.tenantId);
      return product;
    },

    async update(ctx: Ctx, id: string, patch: UpdateProduct) {
      const { row, changed } = await db.$transaction(async (tx) => {
        const before = await find(tx, ctx, id);
        const diff = changesOf(before, patch);
        if (!diff) return { row: await tx.product.findUniqueOrThrow({ where: { id }, include: WITH_PLAN_COUNT }), changed: false };
        const updated = await tx.product.update({ where: { id }, data: patch, include: WITH_PLAN_COUNT });
        await audit.record(auditFrom(ctx.actor, ctx.meta, { action: 'product.updated', targetType: 'Product', targetId: id, details: diff }), tx);
        return { row: updated, changed: true };
      });
      if (changed) await deps.catalog.invalidate(ctx.actor.tenantId);
      return row;
    },

    /**
     * Deletes a product that has no plans. One with plans answers 409 PRODUCT_IN_USE: its plans
     * may be referenced by orders, so it is deactivated (PATCH isActive=false) instead.
     */
    async remove(ctx: Ctx, id: string) {
      await db.$transaction(async (tx) => {
        const before = await find(tx, ctx, id);
        const plans = await tx.plan.count({ where: { productId: id } });
        if (plans > 0) {
          throw Conflict(`The product has ${plans} plan(s); deactivate it instead (PATCH isActive=false)`, { plans }, 'PRODUCT_IN_USE');
        }
        await tx.product.delete({ where: { id } });
        await audit.record(auditFrom(ctx.actor, ctx.meta, { action: 'product.deleted', targetType: 'Product', targetId: id, details: { before } }), tx);
      });
      await deps.catalog.invalidate(ctx.actor.tenantId);
    },
  };
}

export type ProductsService = ReturnType<typeof createProductsService>;
