import type { Db, DbTx } from '../../config/database';
import type { Plan, Prisma } from '../../generated/prisma/client';
import { Conflict, NotFound, Unprocessable } from '../../core/errors';
import { pageArgs, toPage } from '../../core/pagination';
import type { Ctx } from '../../core/types';
import { auditFrom, changesOf, type AuditService } from '../audit/audit.service';
import type { CatalogService } from '../catalog/catalog.service';
import type { CreatePlan, ListPlansQuery, UpdatePlan } from './plans.types';

const PLAN_INCLUDE = {
  product: { select: { id: true, name: true, slug: true, type: true, isActive: true } },
  _count: { select: { orders: true, subscriptions: true } },
} satisfies Prisma.PlanInclude;

/** Adds what an order for the plan pays, so staff see the same number the website shows. */
const present = <P extends Plan>(p: P) => ({ ...p, priceCents: p.billingCycle === 'YEARLY' ? p.priceYearlyCents : p.priceMonthlyCents });

/** Plans of the caller's tenant. Every change drops the tenant's cached public catalog after commit. */
export function createPlansService(deps: { db: Db; audit: AuditService; catalog: Pick<CatalogService, 'invalidate'> }) {
  const { db, audit } = deps;

  async function find(tx: DbTx, ctx: Ctx, id: string) {
    const plan = await tx.plan.findFirst({ where: { id, tenantId: ctx.actor.tenantId } });
    if (!plan) throw NotFound('Plan');
    return plan;
  }

  /** A plan may only hang off a product of the same tenant. */
  async function productOf(tx: DbTx, ctx: Ctx, productId: string) {
    const product = await tx.product.findFirst({ where: { id: productId, tenantId: ctx.actor.tenantId }, select: { id: true } });
    if (!product) throw Unprocessable('Unknown product', [{ path: 'body.productId', message: 'no product with this id' }], 'PRODUCT_NOT_FOUND');
  }

  function stored<T extends { limitsJson?: object }>(input: T): Omit<T, 'limitsJson'> & { limitsJson?: Prisma.InputJsonValue } {
    const { limitsJson, ...rest } = input;
    return { ...rest, ...(limitsJson && { limitsJson: limitsJson as Prisma.InputJsonValue }) };
  }

  return {
    async list(ctx: Ctx, q: ListPlansQuery) {
      const where: Prisma.PlanWhereInput = {
        tenantId: ctx.actor.tenantId,
        ...(q.productId && { productId: q.productId }),
        ...(q.billingCycle && { billingCycle: q.billingCycle }),
        ...(q.isActive !== undefined && { isActive: q.isActive }),
        ...(q.search && { OR: [{ name: { contains: q.search, mode: 'insensitive' } }, { slug: { contains: q.search.toLowerCase() } }] }),
      };
      const [total, items] = await Promise.all([
        db.plan.count({ where }),
        db.plan.findMany({ where, orderBy: [{ [q.sort]: q.order }, { id: q.order }], ...pageArgs(q), include: PLAN_INCLUDE }),
      ]);
      return toPage(items.map(present), total, q);
    },

    async get(ctx: Ctx, id: string) {
      const plan = await db.plan.findFirst({ where: { id, tenantId: ctx.actor.tenantId }, include: PLAN_INCLUDE });
      if (!plan) throw NotFound('Plan');
      return present(plan);
    },

    async create(ctx: Ctx, input: CreatePlan) {
      const plan = await db.$transaction(async (tx) => {
        await productOf(tx, ctx, input.productId);
        const row = await tx.plan.create({ data: { ...stored(input), productId: input.productId, tenantId: ctx.actor.tenantId }, include: PLAN_INCLUDE });
        const { _count, product, ...after } = row;
        await audit.record(auditFrom(ctx.actor, ctx.meta, { action: 'plan.created', targetType: 'Plan', targetId: row.id, details: { after } }), tx);
        return row;
      });
      await deps.catalog.invalidate(ctx.actor.tenantId);
      return present(plan);
    },

    async update(ctx: Ctx, id: string, patch: UpdatePlan) {
      const { row, changed } = await db.$transaction(async (tx) => {
        const before = await find(tx, ctx, id);
        const diff = changesOf(before, patch);
        if (!diff) return { row: await tx.plan.findUniqueOrThrow({ where: { id }, include: PLAN_INCLUDE }), changed: false };
        if (patch.productId && patch.productId !== before.productId) await productOf(tx, ctx, patch.productId);
        const updated = await tx.plan.update({ where: { id }, data: stored(patch), include: PLAN_INCLUDE });
        await audit.record(auditFrom(ctx.actor, ctx.meta, { action: 'plan.updated', targetType: 'Plan', targetId: id, details: diff }), tx);
        return { row: updated, changed: true };
      });
      if (changed) await deps.catalog.invalidate(ctx.actor.tenantId);
      return present(row);
    },

    /**
     * Deletes a plan no order or subscription refers to. A referenced plan answers 409
     * PLAN_IN_USE and stays as it is: retiring it is PATCH isActive=false, which keeps the
     * history intact. (A reference committed meanwhile fails the delete on its foreign key: 409 too.)
     */
    async remove(ctx: Ctx, id: string) {
      await db.$transaction(async (tx) => {
        const before = await find(tx, ctx, id);
        const [orders, subscriptions] = await Promise.all([tx.order.count({ where: { planId: id } }), tx.subscription.count({ where: { planId: id } })]);
        if (orders + subscriptions > 0) {
          throw Conflict(
            `The plan is used by ${orders} order(s) and ${subscriptions} subscription(s); deactivate it instead (PATCH isActive=false)`,
            { orders, subscriptions },
            'PLAN_IN_USE',
          );
        }
        await tx.plan.delete({ where: { id } });
        await audit.record(auditFrom(ctx.actor, ctx.meta, { action: 'plan.deleted', targetType: 'Plan', targetId: id, details: { before } }), tx);
      });
      await deps.catalog.invalidate(ctx.actor.tenantId);
    },
  };
}

export type PlansService = ReturnType<typeof createPlansService>;
