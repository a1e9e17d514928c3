import crypto from 'node:crypto';
import request from 'supertest';
import type { Db } from '../../src/config/database';
import type { SubscriptionStatus } from '../../src/generated/prisma/enums';
import { makePlan, makeProduct, uid } from './factories';

type App = Parameters<typeof request>[0];

/** An id shaped like Prisma's cuid() that no row has. */
export const freshId = () => `c${crypto.randomBytes(16).toString('hex').slice(0, 24)}`;

/** Supertest calls carrying a staff token. */
export function as(app: App, token: string) {
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);
  return {
    get: (path: string) => auth(request(app).get(path)),
    post: (path: string, body: object = {}) => auth(request(app).post(path)).send(body),
    patch: (path: string, body: object = {}) => auth(request(app).patch(path)).send(body),
    delete: (path: string) => auth(request(app).delete(path)),
  };
}

/** The field paths a 400 names, sorted. */
export function badFields(res: { status: number; body: { error?: { code?: string; details?: Array<{ path: string }> } } }): string[] {
  expect(res.status).toBe(400);
  expect(res.body.error?.code).toBe('VALIDATION_FAILED');
  return (res.body.error?.details ?? []).map((d) => d.path).sort();
}

/** The newest audit row about `targetId` with `action`. */
export async function auditOf(db: Db, targetId: string, action: string) {
  return db.auditLog.findFirstOrThrow({ where: { targetId, action }, orderBy: { createdAt: 'desc' } });
}

/** A customer who bought a plan: customer, domain, paid order and subscription rows in `tenantId`. */
export async function makeSale(
  db: Db,
  tenantId: string,
  data: Partial<{ planId: string; customerId: string; email: string; fullName: string; status: SubscriptionStatus; periodEnd: Date }> = {},
) {
  const planId = data.planId ?? (await makePlan(db, tenantId, (await makeProduct(db, tenantId)).id)).id;
  const customer = data.customerId
    ? await db.customer.findUniqueOrThrow({ where: { id: data.customerId } })
    : await db.customer.create({ data: { tenantId, email: data.email ?? `client-${uid()}@example.com`, fullName: data.fullName ?? 'Client Name' } });
  const domain = await db.domain.create({ data: { tenantId, customerId: customer.id, name: `sale-${uid(4)}.example.com` } });
  const order = await db.order.create({
    data: { tenantId, customerId: customer.id, planId, domainId: domain.id, status: 'PAID', totalAmountCents: 499, currency: 'usd' },
  });
  const subscription = await db.subscription.create({
    data: {
      tenantId,
      customerId: customer.id,
      planId,
      orderId: order.id,
      domainId: domain.id,
      status: data.status ?? 'ACTIVE',
      currentPeriodEnd: data.periodEnd ?? new Date(Date.now() + 30 * 86400_000),
    },
  });
  return { customer, domain, order, subscription, planId };
}
