import crypto from 'node:crypto';
import type { Db, DbTx } from '../../config/database';
import type { Logger } from '../../config/logger';
import { Conflict, Invalid, NotFound, Unprocessable } from '../../core/errors';
import { isUniqueViolation } from '../../core/error-handler';
import { pageArgs, toPage } from '../../core/pagination';
import type { Actor, RequestMeta } from '../../core/types';
import type { BillingCycle, Plan, Prisma, Product } from '../../generated/prisma/client';
import type { JobDispatcher, JobSpec } from '../../jobs/dispatcher';
import type { AuditService } from '../audit/audit.service';
import type { IntakeResult, ListOrdersQuery, OrderIntake } from './orders.types';

export interface IntakeOptions {
  /** The Idempotency-Key header, when the caller sent one. */
  idempotencyKey?: string;
  /** Admin-entered orders come with the caller's tenant and identity. */
  actor?: Actor;
  meta?: RequestMeta;
}

export interface IntakeOutcome {
  /** false when this answer replays an earlier intake of the same payment. */
  created: boolean;
  result: IntakeResult;
}

type PlanWithProduct = Plan & { product: Product };

/** Adds one billing period to `from` (UTC calendar months, so Jan 31 + 1 month = Feb 28/29). */
export function periodEnd(from: Date, cycle: BillingCycle): Date {
  const end = new Date(from);
  const months = cycle === 'YEARLY' ? 12 : 1;
  const day = end.getUTCDate();
  end.setUTCDate(1);
  end.setUTCMonth(end.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)).getUTCDate();
  end.setUTCDate(Math.min(day, lastDay));
  return end;
}

export function planPrice(plan: Pick<Plan, 'billingCycle' | 'priceMonthlyCents' | 'priceYearlyCents'>): number {
  return plan.billingCycle === 'YEARLY' ? plan.priceYearlyCents : plan.priceMonthlyCents;
}

/** What the plan's product needs done on the far sides. */
export function jobsFor(plan: PlanWithProduct): Array<JobSpec['type']> {
  const limits = (plan.limitsJson ?? {}) as { emails?: number };
  const withMail = typeof limits.emails === 'number' && limits.emails > 0;
  switch (plan.product.type) {
    case 'SHARED_HOSTING':
      return ['PROVISION_DNS', 'PROVISION_HOSTING', ...(withMail ? (['PROVISION_MAIL'] as const) : [])];
    case 'EMAIL':
      return ['PROVISION_DNS', 'PROVISION_MAIL'];
    case 'DNS':
      return ['PROVISION_DNS'];
    case 'VPS':
      return ['PROVISION_VPS'];
    default:
      return [];
  }
}

/** A stable hash of the request, so the same key with a different body is told apart. */
function requestHash(tenantId: string, body: OrderIntake): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, canonical(x)]))
        : v;
  const { tenantSlug: _ignored, ...rest } = body;
  return crypto.createHash('sha256').update(JSON.stringify(canonical({ tenantId, ...rest }))).digest('hex');
}

const ORDER_DETAIL = {
  customer: true,
  plan: { include: { product: true } },
  domain: true,
  subscription: true,
  jobs: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], include: { logs: { orderBy: [{ attempt: 'asc' }, { createdAt: 'asc' }] } } },
} satisfies Prisma.OrderInclude;

export function createOrdersService(deps: { db: Db; audit: AuditService; jobs: JobDispatcher; logger: Logger; defaultTenantSlug: string }) {
  const { db, audit, jobs } = deps;

  async function resultOf(orderId: string): Promise<IntakeResult> {
    const order = await db.order.findUniqueOrThrow({
      where: { id: orderId },
      select: { id: true, customerId: true, domainId: true, subscription: { select: { id: true } }, jobs: { select: { id: true, type: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
    });
    return { orderId: order.id, subscriptionId: order.subscription?.id ?? '', customerId: order.customerId, domainId: order.domainId, jobs: order.jobs };
  }

  /** The earlier order of the same payment, if any; a different body under the same key is refused. */
  async function replay(tenantId: string, keys: { idempotencyKey?: string; pi?: string; ext?: string }, hash: string): Promise<IntakeOutcome | null> {
    const or: Prisma.OrderWhereInput[] = [];
    if (keys.idempotencyKey) or.push({ idempotencyKey: keys.idempotencyKey });
    if (keys.pi) or.push({ stripePaymentIntentId: keys.pi });
    if (keys.ext) or.push({ externalOrderId: keys.ext });
    if (!or.length) return null;
    const existing = await db.order.findFirst({ where: { tenantId, OR: or }, select: { id: true, requestHash: true } });
    if (!existing) return null;
    if (existing.requestHash !== hash) {
      throw Conflict('An order with this payment or idempotency key already exists with a different body', { orderId: existing.id }, 'IDEMPOTENCY_CONFLICT');
    }
    return { created: false, result: await resultOf(existing.id) };
  }

  async function resolveTenant(body: OrderIntake, actor?: Actor) {
    if (actor) return db.tenant.findUniqueOrThrow({ where: { id: actor.tenantId } });
    const slug = body.tenantSlug ?? deps.defaultTenantSlug;
    const tenant = await db.tenant.findUnique({ where: { slug } });
    if (!tenant || !tenant.isActive) throw Unprocessable(`Unknown tenant "${slug}"`, [{ path: 'body.tenantSlug', message: 'no active tenant with this slug' }], 'TENANT_NOT_FOUND');
    return tenant;
  }

  async function resolvePlan(tenantId: string, body: OrderIntake): Promise<PlanWithProduct> {
    const plan = await db.plan.findUnique({ where: { tenantId_slug: { tenantId, slug: body.planSlug } }, include: { product: true } });
    if (!plan || !plan.isActive || !plan.product.isActive) {
      throw Unprocessable(`Unknown plan "${body.planSlug}"`, [{ path: 'body.planSlug', message: 'no active plan with this slug' }], 'PLAN_NOT_FOUND');
    }
    if (plan.currency.toLowerCase() !== body.currency) {
      throw Unprocessable(`Plan ${plan.slug} is sold in ${plan.currency}`, [{ path: 'body.currency', message: `must be ${plan.currency}` }], 'CURRENCY_MISMATCH');
    }
    const price = planPrice(plan);
    const discount = body.discount?.amountCents ?? 0;
    if (discount > price) {
      throw Unprocessable('The discount is larger than the plan price', [{ path: 'body.discount.amountCents', message: `must be at most ${price}` }], 'AMOUNT_MISMATCH');
    }
    if (body.totalAmountCents !== price - discount) {
      throw Unprocessable(
        `Amount ${body.totalAmountCents} does not match plan ${plan.slug} (${price - discount} ${plan.currency})`,
        [{ path: 'body.totalAmountCents', message: `must be ${price - discount}${discount ? ` (price ${price} − discount ${discount})` : ''}` }],
        'AMOUNT_MISMATCH',
      );
    }
    return plan;
  }

  /** The order's domain: new, or one this customer already holds in this tenant. */
  async function domainFor(tx: DbTx, tenantId: string, customerId: string, name: string) {
    const existing = await tx.domain.findUnique({ where: { name } });
    if (!existing) return tx.domain.create({ data: { tenantId, customerId, name, status: 'PENDING_SETUP' } });
    if (existing.tenantId !== tenantId || (existing.customerId && existing.customerId !== customerId)) {
      throw Conflict(`Domain ${name} belongs to another customer`, [{ path: 'body.metadata.domain', message: 'is already taken' }], 'DOMAIN_TAKEN');
    }
    if (!existing.customerId) return tx.domain.update({ where: { id: existing.id }, data: { customerId } });
    return existing;
  }

  async function create(tenantId: string, body: OrderIntake, plan: PlanWithProduct, key: string | undefined, hash: string, opts: IntakeOptions) {
    const types = jobsFor(plan);
    const domainName = body.metadata?.domain;
    if (types.some((t) => t !== 'PROVISION_VPS') && !domainName) {
      throw Invalid('Request validation failed', [{ path: 'body.metadata.domain', message: `is required for ${plan.product.type} plans` }]);
    }
    const now = new Date();
    return db.$transaction(
      async (tx) => {
        const customer = await tx.customer.upsert({
          where: { tenantId_email: { tenantId, email: body.customer.email } },
          create: { tenantId, email: body.customer.email, fullName: body.customer.fullName, phone: body.customer.phone },
          update: {},
        });
        const domain = domainName ? await domainFor(tx, tenantId, customer.id, domainName) : null;
        const order = await tx.order.create({
          data: {
            tenantId,
            customerId: customer.id,
            planId: plan.id,
            status: 'PAID',
            totalAmountCents: body.totalAmountCents,
            currency: body.currency,
            stripePaymentIntentId: body.stripePaymentIntentId,
            externalOrderId: body.externalOrderId,
            notes: body.metadata?.notes,
            idempotencyKey: key,
            requestHash: hash,
            domainId: domain?.id,
            metadata: { ...(body.metadata ?? {}), ...(body.discount && { discount: body.discount }), source: opts.actor ? 'admin' : 'internal' } as Prisma.InputJsonValue,
          },
        });
        const subscription = await tx.subscription.create({
          data: {
            tenantId,
            customerId: customer.id,
            planId: plan.id,
            orderId: order.id,
            domainId: domain?.id,
            status: 'ACTIVE',
            startedAt: now,
            currentPeriodStart: now,
            currentPeriodEnd: periodEnd(now, plan.billingCycle),
          },
        });
        const specs: JobSpec[] = types.map((type) =>
          type === 'PROVISION_VPS'
            ? { type, orderId: order.id, payload: { planId: plan.id, orderId: order.id, domainId: domain?.id } }
            : type === 'PROVISION_HOSTING'
              ? { type, orderId: order.id, payload: { domainId: domain!.id, orderId: order.id, phpVersion: body.metadata?.phpVersion } }
              : { type, orderId: order.id, payload: { domainId: domain!.id, orderId: order.id } },
        );
        const rows = await jobs.create(tx, tenantId, specs);
        await audit.record(
          {
            tenantId,
            userId: opts.actor?.userId ?? null,
            action: 'order.created',
            targetType: 'Order',
            targetId: order.id,
            details: {
              orderId: order.id,
              customerId: customer.id,
              plan: plan.slug,
              amountCents: body.totalAmountCents,
              currency: body.currency,
              domain: domainName,
              source: opts.actor ? 'admin' : 'internal',
              stripePaymentIntentId: body.stripePaymentIntentId,
              jobs: rows.map((r) => r.type),
            },
            meta: opts.meta,
          },
          tx,
        );
        return {
          rows,
          result: { orderId: order.id, subscriptionId: subscription.id, customerId: customer.id, domainId: domain?.id ?? null, jobs: rows.map((r) => ({ id: r.id, type: r.type })) },
        };
      },
      // Bursts of retries from srv1 queue for a connection rather than fail.
      { maxWait: 15_000, timeout: 15_000 },
    );
  }

  return {
    /**
     * Order intake (seed §6.3), for srv1 and for staff. One transaction writes customer, order,
     * subscription, domain and job rows; the jobs are queued after commit. The same payment
     * replayed — even concurrently — answers the first result and writes nothing.
     */
    async intake(body: OrderIntake, opts: IntakeOptions = {}): Promise<IntakeOutcome> {
      const tenant = await resolveTenant(body, opts.actor);
      const key = opts.idempotencyKey;
      const keys = { idempotencyKey: key, pi: body.stripePaymentIntentId, ext: body.externalOrderId };
      const hash = requestHash(tenant.id, body);
      const earlier = await replay(tenant.id, keys, hash);
      if (earlier) return earlier;
      const plan = await resolvePlan(tenant.id, body);

      for (let attempt = 1; ; attempt++) {
        try {
          const { rows, result } = await create(tenant.id, body, plan, key, hash, opts);
          await jobs.dispatch(rows);
          return { created: true, result };
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          // A concurrent request won the race: for the same payment, answer what it created.
          const raced = await replay(tenant.id, keys, hash);
          if (raced) return raced;
          // Otherwise a customer or domain row appeared under us; once more sees it as existing.
          if (attempt >= 3) throw err;
        }
      }
    },

    async list(actor: Actor, q: ListOrdersQuery) {
      const where: Prisma.OrderWhereInput = {
        tenantId: actor.tenantId,
        ...(q.status && { status: q.status }),
        ...(q.customerId && { customerId: q.customerId }),
        ...(q.planId && { planId: q.planId }),
        ...((q.from || q.to) && { createdAt: { ...(q.from && { gte: q.from }), ...(q.to && { lte: q.to }) } }),
        ...(q.search && {
          OR: [
            { customer: { email: { contains: q.search, mode: 'insensitive' } } },
            { domain: { name: { contains: q.search.toLowerCase() } } },
            { stripePaymentIntentId: q.search },
            { externalOrderId: q.search },
            { id: q.search },
          ],
        }),
      };
      const [total, items] = await Promise.all([
        db.order.count({ where }),
        db.order.findMany({
          where,
          orderBy: [{ [q.sort]: q.order }, { id: q.order }],
          ...pageArgs(q),
          include: {
            customer: { select: { id: true, email: true, fullName: true } },
            plan: { select: { id: true, name: true, slug: true } },
            domain: { select: { id: true, name: true, status: true } },
            subscription: { select: { id: true, status: true } },
            jobs: { select: { id: true, type: true, status: true } },
          },
        }),
      ]);
      return toPage(items, total, q);
    },

    /** An order with its customer, plan, subscription, domain, and every job with its attempt log. */
    async get(actor: Actor, id: string) {
      const order = await db.order.findFirst({ where: { id, tenantId: actor.tenantId }, include: ORDER_DETAIL });
      if (!order) throw NotFound('Order');
      return order;
    },

    /** Cancels an order (and by default its subscription, at once). Jobs already done are not undone. */
    async cancel(actor: Actor, meta: RequestMeta, id: string, input: { reason?: string; cancelSubscription: boolean }) {
      return db.$transaction(async (tx) => {
        const order = await tx.order.findFirst({ where: { id, tenantId: actor.tenantId }, include: { subscription: true } });
        if (!order) throw NotFound('Order');
        if (order.status === 'CANCELLED') throw Conflict('The order is already cancelled', undefined, 'ALREADY_CANCELLED');
        if (order.status === 'REFUNDED') throw Conflict('A refunded order cannot be cancelled', undefined, 'INVALID_STATE');
        const updated = await tx.order.update({
          where: { id },
          data: { status: 'CANCELLED', notes: input.reason ? [order.notes, `Cancelled: ${input.reason}`].filter(Boolean).join('\n') : order.notes },
        });
        const sub = order.subscription;
        if (input.cancelSubscription && sub && sub.status !== 'CANCELLED') {
          await tx.subscription.update({ where: { id: sub.id }, data: { status: 'CANCELLED', cancelledAt: new Date(), cancelAtPeriodEnd: false } });
        }
        // Jobs that have not run yet are moot now.
        const dropped = await tx.job.updateMany({ where: { orderId: id, status: 'PENDING' }, data: { status: 'FAILED', lastError: 'order cancelled', finishedAt: new Date() } });
        await audit.record(
          {
            tenantId: actor.tenantId,
            userId: actor.userId,
            action: 'order.cancelled',
            targetType: 'Order',
            targetId: id,
            details: { before: { status: order.status, subscription: sub?.status }, after: { status: updated.status, subscription: input.cancelSubscription ? 'CANCELLED' : sub?.status }, reason: input.reason, pendingJobsCancelled: dropped.count },
            meta,
          },
          tx,
        );
        return tx.order.findUniqueOrThrow({ where: { id }, include: ORDER_DETAIL });
      });
    },
  };
}

export type OrdersService = ReturnType<typeof createOrdersService>;
