import type { Db, DbTx } from '../../config/database';
import type { Prisma } from '../../generated/prisma/client';
import { NotFound } from '../../core/errors';
import { pageArgs, toPage } from '../../core/pagination';
import type { Ctx } from '../../core/types';
import { auditFrom, changesOf, type AuditService } from '../audit/audit.service';
import type { CreateCustomer, ListCustomersQuery, UpdateCustomer } from './customers.types';

const COUNTS = { _count: { select: { orders: true, subscriptions: true, domains: true } } } satisfies Prisma.CustomerInclude;

/** How much history the detail view carries; older rows are one filtered list away (orders?customerId=…). */
const RECENT = 50;

const PLAN = { select: { id: true, name: true, slug: true, billingCycle: true } } as const;

const DETAIL = {
  ...COUNTS,
  orders: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: RECENT, include: { plan: PLAN, domain: { select: { id: true, name: true } } } },
  subscriptions: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: RECENT, include: { plan: PLAN, domain: { select: { id: true, name: true } } } },
  domains: { orderBy: [{ name: 'asc' }], take: RECENT },
} satisfies Prisma.CustomerInclude;

/** The hosting company's customers (not staff), inside the caller's tenant. */
export function createCustomersService(deps: { db: Db; audit: AuditService }) {
  const { db, audit } = deps;

  async function find(tx: DbTx, ctx: Ctx, id: string) {
    const customer = await tx.customer.findFirst({ where: { id, tenantId: ctx.actor.tenantId } });
    if (!customer) throw NotFound('Customer');
    return customer;
  }

  return {
    async list(ctx: Ctx, q: ListCustomersQuery) {
      const where: Prisma.CustomerWhereInput = {
        tenantId: ctx.actor.tenantId,
        ...(q.isActive !== undefined && { isActive: q.isActive }),
        ...(q.search && {
          OR: [
            { email: { contains: q.search, mode: 'insensitive' } },
            { fullName: { contains: q.search, mode: 'insensitive' } },
            { phone: { contains: q.search } },
          ],
        }),
      };
      const orderBy: Prisma.CustomerOrderByWithRelationInput = q.sort === 'fullName' ? { fullName: { sort: q.order, nulls: 'last' } } : { [q.sort]: q.order };
      const [total, items] = await Promise.all([
        db.customer.count({ where }),
        db.customer.findMany({ where, orderBy: [orderBy, { id: q.order }], ...pageArgs(q), include: COUNTS }),
      ]);
      return toPage(items, total, q);
    },

    /** A customer with their latest orders, subscriptions and domains. */
    async get(ctx: Ctx, id: string) {
      const customer = await db.customer.findFirst({ where: { id, tenantId: ctx.actor.tenantId }, include: DETAIL });
      if (!customer) throw NotFound('Customer');
      return customer;
    },

    async create(ctx: Ctx, input: CreateCustomer) {
      return db.$transaction(async (tx) => {
        const row = await tx.customer.create({ data: { ...input, tenantId: ctx.actor.tenantId }, include: COUNTS });
        const { _count, ...after } = row;
        await audit.record(auditFrom(ctx.actor, ctx.meta, { action: 'customer.created', targetType: 'Customer', targetId: row.id, details: { after } }), tx);
        return row;
      });
    },

    async update(ctx: Ctx, id: string, patch: UpdateCustomer) {
      return db.$transaction(async (tx) => {
        const before = await find(tx, ctx, id);
        const diff = changesOf(before, patch);
        if (!diff) return tx.customer.findUniqueOrThrow({ where: { id }, include: COUNTS });
        const row = await tx.customer.update({ where: { id }, data: patch, include: COUNTS });
        await audit.record(auditFrom(ctx.actor, ctx.meta, { action: 'customer.updated', targetType: 'Customer', targetId: id, details: diff }), tx);
        return row;
      });
    },
  };
}

export type CustomersService = ReturnType<typeof createCustomersService>;
