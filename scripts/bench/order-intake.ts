/**
 * Order intake: POST /api/orders through the internal zone (validation, replay check, one Prisma
 * transaction, the BullMQ enqueue after commit) against raw `pg` writing the same rows in one
 * transaction, at 50 concurrent callers. autocannon runs in this process here (each request needs
 * a fresh payment id and domain, built by a function), and so does the raw-pg loop.
 */
import { Pool } from 'pg';
import { compareRow, baselineRow, type Goal } from './report';
import { loadCalls, type Measurement } from './runner';
import { insertOrderRaw } from './raw-order';
import type { Scenario } from './scenario';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<{
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { mean: number; p50: number; p99: number };
  requests: { average: number };
}>;

const GOAL: Goal = { minRatio: 0.5, maxP99Ms: 50 };
const CONNECTIONS = 50;

export const orderIntake: Scenario = {
  name: 'order-intake',
  description: `POST /api/orders (${CONNECTIONS} connections) vs raw pg inserting the same rows`,
  async run(ctx) {
    const { db } = ctx.container;
    const plan = await db.plan.findUniqueOrThrow({ where: { tenantId_slug: { tenantId: ctx.tenant.id, slug: 'starter-monthly' } } });
    const key = ctx.env.INTERNAL_API_KEYS[0];
    const run = Date.now().toString(36);
    const config = { ...ctx.config, connections: CONNECTIONS };

    const pool = new Pool({ connectionString: ctx.databaseUrl, max: ctx.env.DATABASE_POOL_SIZE });
    ctx.onClose(() => pool.end());
    ctx.log(`${this.name}: raw pg…`);
    const raw = (i: number) =>
      insertOrderRaw(pool, {
        tenantId: ctx.tenant.id,
        planId: plan.id,
        billingCycle: plan.billingCycle,
        customer: { email: `raw-${run}-${i}@example.com` },
        domain: `raw-${run}-${i}.example.com`,
        totalAmountCents: plan.priceMonthlyCents,
        currency: plan.currency,
        stripePaymentIntentId: `pi_raw${run}${i}`,
      });
    await loadCalls('raw pg', (i) => raw(1_000_000 + i), config, { durationSec: ctx.config.warmupSec });
    const baseline = await loadCalls('raw pg', raw, config);

    let n = 0;
    const intake = async (durationSec: number, label: string): Promise<Measurement> => {
      const r = await autocannon({
        url: `${ctx.apiUrl}/api/orders`,
        connections: CONNECTIONS,
        duration: durationSec,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-internal-key': key },
            setupRequest: (req: Record<string, unknown>) => {
              const i = n++;
              return {
                ...req,
                body: JSON.stringify({
                  tenantSlug: ctx.tenant.slug,
                  customer: { email: `bench-${run}-${i}@example.com` },
                  planSlug: plan.slug,
                  totalAmountCents: plan.priceMonthlyCents,
                  currency: plan.currency,
                  stripePaymentIntentId: `pi_bench${run}${i}`,
                  metadata: { domain: `bench-${run}-${i}.example.com` },
                }),
              };
            },
          },
        ],
      });
      const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count]));
      const completed = Object.values(statusCodes).reduce((a, b) => a + b, 0);
      return {
        target: label,
        reqPerSec: r.requests.average,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        meanMs: r.latency.mean,
        completed,
        durationSec,
        connections: CONNECTIONS,
        statusCodes,
        failures: completed - (statusCodes['201'] ?? 0) + r.errors + r.timeouts,
      };
    };
    ctx.log(`${this.name}: POST /api/orders…`);
    await intake(ctx.config.warmupSec, 'warm-up');
    const subject = await intake(ctx.config.durationSec, 'mpanel POST /api/orders');
    return [baselineRow(this.name, baseline), compareRow(this.name, subject, baseline, GOAL)];
  },
};
