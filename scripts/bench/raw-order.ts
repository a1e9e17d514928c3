/**
 * The order-intake baseline: the rows `POST /api/orders` writes for a shared-hosting order —
 * Customer (upsert by tenant + email), Domain (PENDING_SETUP), Order (PAID), Subscription (one
 * billing period), one PENDING Job per provisioning step and the `order.created` audit row — in one
 * transaction with plain `pg`. No HTTP, no validation, no ORM, no replay check: the floor the
 * intake route is compared against.
 */
import crypto from 'node:crypto';
import type { Pool } from 'pg';
import type { BillingCycle, JobType } from '../../apps/api/src/generated/prisma/enums';
import { periodEnd } from '../../apps/api/src/modules/orders/orders.service';

export interface RawOrderInput {
  tenantId: string;
  planId: string;
  billingCycle: BillingCycle;
  customer: { email: string; fullName?: string; phone?: string };
  domain: string;
  totalAmountCents: number;
  currency: string;
  stripePaymentIntentId?: string;
  externalOrderId?: string;
  /** The jobs the plan needs; a shared-hosting plan without mail needs these two. */
  jobTypes?: JobType[];
  maxAttempts?: number;
}

export interface RawOrderResult {
  orderId: string;
  subscriptionId: string;
  customerId: string;
  domainId: string;
  jobs: Array<{ id: string; type: JobType }>;
}

const id = () => crypto.randomUUID();

export async function insertOrderRaw(pool: Pool, input: RawOrderInput): Promise<RawOrderResult> {
  const client = await pool.connect();
  const now = new Date();
  try {
    await client.query('BEGIN');
    const customer = await client.query<{ id: string }>(
      `INSERT INTO "Customer" ("id", "tenantId", "email", "fullName", "phone", "updatedAt")
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ("tenantId", "email") DO UPDATE SET "email" = EXCLUDED."email"
       RETURNING "id"`,
      [id(), input.tenantId, input.customer.email, input.customer.fullName ?? null, input.customer.phone ?? null, now],
    );
    const customerId = customer.rows[0].id;

    const domainId = id();
    await client.query(
      `INSERT INTO "Domain" ("id", "tenantId", "customerId", "name", "status", "updatedAt") VALUES ($1, $2, $3, $4, 'PENDING_SETUP', $5)`,
      [domainId, input.tenantId, customerId, input.domain, now],
    );

    const orderId = id();
    await client.query(
      `INSERT INTO "Order" ("id", "tenantId", "customerId", "planId", "status", "totalAmountCents", "currency",
                            "stripePaymentIntentId", "externalOrderId", "requestHash", "domainId", "metadata", "updatedAt")
       VALUES ($1, $2, $3, $4, 'PAID', $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        orderId, input.tenantId, customerId, input.planId, input.totalAmountCents, input.currency,
        input.stripePaymentIntentId ?? null, input.externalOrderId ?? null,
        crypto.createHash('sha256').update(JSON.stringify(input)).digest('hex'), domainId,
        JSON.stringify({ domain: input.domain, source: 'internal' }), now,
      ],
    );

    const subscriptionId = id();
    await client.query(
      `INSERT INTO "Subscription" ("id", "tenantId", "customerId", "planId", "orderId", "domainId", "status",
                                   "startedAt", "currentPeriodStart", "currentPeriodEnd", "updatedAt")
       VALUES ($1, $2, $3, $4, $5, $6, 'ACTIVE', $7, $7, $8, $7)`,
      [subscriptionId, input.tenantId, customerId, input.planId, orderId, domainId, now, periodEnd(now, input.billingCycle)],
    );

    const jobs: RawOrderResult['jobs'] = [];
    for (const type of input.jobTypes ?? (['PROVISION_DNS', 'PROVISION_HOSTING'] as JobType[])) {
      const jobId = id();
      await client.query(
        `INSERT INTO "Job" ("id", "tenantId", "orderId", "type", "payload", "status", "maxAttempts", "updatedAt")
         VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $7)`,
        [jobId, input.tenantId, orderId, type, JSON.stringify({ domainId, orderId }), input.maxAttempts ?? 5, now],
      );
      jobs.push({ id: jobId, type });
    }

    await client.query(
      `INSERT INTO "AuditLog" ("id", "tenantId", "action", "targetType", "targetId", "details") VALUES ($1, $2, 'order.created', 'Order', $3, $4)`,
      [id(), input.tenantId, orderId, JSON.stringify({ orderId, customerId, amountCents: input.totalAmountCents, currency: input.currency, domain: input.domain, source: 'internal', jobs: jobs.map((j) => j.type) })],
    );
    await client.query('COMMIT');
    return { orderId, subscriptionId, customerId, domainId, jobs };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
