import type { Db } from '../../config/database';
import type { Prisma } from '../../generated/prisma/client';
import { Conflict, NotFound } from '../../core/errors';
import { pageArgs, toPage } from '../../core/pagination';
import type { Ctx } from '../../core/types';
import { auditFrom, type AuditService } from '../audit/audit.service';
import type { CancelSubscription, ListSubscriptionsQuery } from './subscriptions.types';

const SUMMARY = {
  customer: { select: { id: true, email: true, fullName: true } },
  plan: { select: { id: true, name: true, slug: true, billingCycle: true } },
  domain: { select: { id: true, name: true, status: true } },
} satisfies Prisma.SubscriptionInclude;

const DETAIL = {
  customer: true,
  plan: { include: { product: { select: { id: true, name: true, slug: true, type: true } } } },
  domain: true,
  order: true,
} satisfies Prisma.SubscriptionInclude;

/** Customers' subscriptions in the caller's tenant; created by order intake, cancelled here. */
export function createSubscriptionsService(deps: { db: Db; audit: AuditService }) {
  const { db, audit } = deps;

  /**
   * The subscription with its order: a subscription is created by one order (`orderId`), and
   * later orders for the same domain and plan (renewals entered by hand) are listed alongside.
   */
  async function detail(tenantId: string, id: string) {
    const sub = await db.subscription.findFirst({ where: { id, tenantId }, include: DETAIL });
    if (!sub) throw NotFound('Subscription');
    const orders = await db.order.findMany({
      where: { tenantId, customerId: sub.customerId, planId: sub.planId, ...(sub.domainId ? { domainId: sub.domainId } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 50,
      select: { id: true, status: true, totalAmountCents: true, currency: true, createdAt: true },
    });
    return { ...sub, orders };
  }

  return {
    async list(ctx: Ctx, q: ListSubscriptionsQuery) {
      const where: Prisma.SubscriptionWhereInput = {
        tenantId: ctx.actor.tenantId,
        ...(q.status && { status: q.status }),
        ...(q.customerId && { customerId: q.customerId }),
        ...(q.planId && { planId: q.planId }),
        ...(q.domainId && { domainId: q.domainId }),
        ...(q.cancelAtPeriodEnd !== undefined && { cancelAtPeriodEnd: q.cancelAtPeriodEnd }),
        ...(q.search && {
          OR: [{ customer: { email: { contains: q.search, mode: 'insensitive' } } }, { domain: { name: { contains: q.search.toLowerCase() } } }],
        }),
      };
      const [total, items] = await Promise.all([
        db.subscription.count({ where }),
        db.subscription.findMany({ where, orderBy: [{ [q.sort]: q.order }, { id: q.order }], ...pageArgs(q), include: SUMMARY }),
      ]);
      return toPage(items, total, q);
    },

    get: (ctx: Ctx, id: string) => detail(ctx.actor.tenantId, id),

    /**
     * `atPeriodEnd: true` lets the customer keep what they paid for until currentPeriodEnd;
     * `false` ends it now. Suspending or removing the service itself is a provisioning job.
     */
    async cancel(ctx: Ctx, id: string, input: CancelSubscription) {
      await db.$transaction(async (tx) => {
        const before = await tx.subscription.findFirst({ where: { id, tenantId: ctx.actor.tenantId } });
        if (!before) throw NotFound('Subscription');
        if (before.status === 'CANCELLED') throw Conflict('The subscription is already cancelled', undefined, 'ALREADY_CANCELLED');
        if (input.atPeriodEnd && before.cancelAtPeriodEnd) {
          throw Conflict('The subscription is already set to end with its period', undefined, 'ALREADY_SCHEDULED');
        }
        const data = input.atPeriodEnd
          ? { cancelAtPeriodEnd: true }
          : { status: 'CANCELLED' as const, cancelledAt: new Date(), cancelAtPeriodEnd: false };
        await tx.subscription.update({ where: { id }, data });
        const pick = ({ status, cancelAtPeriodEnd, cancelledAt }: { status: string; cancelAtPeriodEnd: boolean; cancelledAt: Date | null }) => ({ status, cancelAtPeriodEnd, cancelledAt });
        await audit.record(
          auditFrom(ctx.actor, ctx.meta, {
            action: input.atPeriodEnd ? 'subscription.cancel_scheduled' : 'subscription.cancelled',
            targetType: 'Subscription',
            targetId: id,
            details: { before: pick(before), after: pick({ ...before, ...data }), atPeriodEnd: input.atPeriodEnd, reason: input.reason, currentPeriodEnd: before.currentPeriodEnd },
          }),
          tx,
        );
      });
      return detail(ctx.actor.tenantId, id);
    },
  };
}

export type SubscriptionsService = ReturnType<typeof createSubscriptionsService>;
