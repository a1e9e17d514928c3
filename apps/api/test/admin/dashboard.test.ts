import type { Db } from '../../src/config/database';
import type { OrderStatus } from '../../src/generated/prisma/enums';
import { makeApp, type TestApp } from '../support/app';
import { as, badFields, makeSale } from '../support/admin';
import { makeStaff, uid } from '../support/factories';

let t: TestApp;

beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

const DAY = 86400_000;
/** Noon UTC `daysAgo` days before today. */
const noon = (daysAgo: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - daysAgo, 12));
};
const ymd = (d: Date) => d.toISOString().slice(0, 10);

/** A tenant with a known history: orders over the month and before it, subscriptions, jobs, servers. */
async function history(db: Db) {
  const staff = await makeStaff(db, t.app);
  const tenantId = staff.tenant.id;
  const sale = await makeSale(db, tenantId);
  const order = (daysAgo: number, cents: number, currency = 'usd', status: OrderStatus = 'PAID') =>
    db.order.create({ data: { tenantId, customerId: sale.customer.id, planId: sale.planId, status, totalAmountCents: cents, currency, createdAt: noon(daysAgo) } });
  // makeSale's own order is today's: 499 usd PAID.
  await order(0, 1000);
  await order(0, 700, 'eur');
  await order(0, 5000, 'usd', 'REFUNDED');
  await order(3, 149);
  await order(29, 199);
  await order(30, 99999); // the day before the window
  await order(45, 99999);

  await db.subscription.create({ data: { tenantId, customerId: sale.customer.id, planId: sale.planId, status: 'CANCELLED', currentPeriodEnd: new Date(Date.now() + DAY) } });
  await db.subscription.create({ data: { tenantId, customerId: sale.customer.id, planId: sale.planId, status: 'ACTIVE', currentPeriodEnd: new Date(Date.now() + DAY) } });

  const failed = [];
  for (let i = 0; i < 12; i++) {
    failed.push(
      await db.job.create({
        data: { tenantId, type: 'PROVISION_DNS', payload: { domainId: sale.domain.id }, status: 'FAILED', lastError: `boom ${i}`, attempts: 5, updatedAt: new Date(Date.now() - (12 - i) * 60_000) },
      }),
    );
  }
  await db.job.create({ data: { tenantId, type: 'PROVISION_DNS', payload: { domainId: sale.domain.id }, status: 'SUCCESS' } });
  await db.job.create({ data: { tenantId, type: 'RUN_BACKUP', payload: { backupJobId: 'x' }, status: 'RUNNING' } });

  const web = await db.server.create({
    data: { tenantId, name: 'a-web', role: 'WEB', ipAddress: '127.0.0.1', healthStatus: 'healthy', healthCheckedAt: new Date(Date.now() - 60_000), healthDetails: { secret: 'not shown' } },
  });
  const pve = await db.server.create({ data: { tenantId, name: 'b-pve', role: 'HYPERVISOR', ipAddress: '127.0.0.1' } });
  const d2 = await db.domain.create({ data: { tenantId, name: `dash-${uid(4)}.example.com` } });
  await db.hostingAccount.create({ data: { tenantId, domainId: sale.domain.id, serverId: web.id, systemUser: `u${uid(3)}`, homeDir: '/home/x', status: 'ACTIVE' } });
  await db.hostingAccount.create({ data: { tenantId, domainId: d2.id, serverId: web.id, systemUser: `u${uid(3)}`, homeDir: '/home/y', status: 'TERMINATED' } });
  await db.vpsInstance.create({ data: { tenantId, serverId: pve.id, name: 'v1', status: 'RUNNING' } });
  await db.vpsInstance.create({ data: { tenantId, serverId: pve.id, name: 'v2', status: 'STOPPED' } });
  await db.vpsInstance.create({ data: { tenantId, serverId: pve.id, name: 'v3', status: 'TERMINATED' } });
  await db.backupJob.create({ data: { tenantId, type: 'SYSTEM', targetId: web.id, serverId: web.id } });
  return { staff, failed, web, pve };
}

describe('GET /api/dashboard', () => {
  it('sums the tenant’s month: subscriptions, orders and revenue per day by currency, jobs, failures, servers', async () => {
    const { staff, failed, web, pve } = await history(t.c.db);
    // Another tenant's business is not ours.
    const other = await history(t.c.db);

    const res = await as(t.app, staff.tokens.BILLING).get('/api/dashboard');
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body.subscriptions).toEqual({ active: 2 });

    expect(body.orders.days).toBe(30);
    expect(body.orders.perDay).toHaveLength(30);
    expect(body.orders.perDay[0].date).toBe(ymd(noon(29)));
    expect(body.orders.perDay[29].date).toBe(ymd(noon(0)));
    const day = (daysAgo: number) => body.orders.perDay.find((d: { date: string }) => d.date === ymd(noon(daysAgo)));
    // Today: makeSale's 499 + 1000 usd paid, 700 eur paid, and a refunded order that counts as an order but not as revenue.
    expect(day(0)).toEqual({ date: ymd(noon(0)), orders: 4, revenueCents: { usd: 1499, eur: 700 } });
    expect(day(3)).toEqual({ date: ymd(noon(3)), orders: 1, revenueCents: { usd: 149 } });
    expect(day(29)).toEqual({ date: ymd(noon(29)), orders: 1, revenueCents: { usd: 199 } });
    expect(day(1)).toEqual({ date: ymd(noon(1)), orders: 0, revenueCents: {} });
    expect(body.orders.totals).toEqual({ orders: 6, revenueCents: { usd: 1847, eur: 700 } });

    expect(body.jobs.byStatus).toEqual({ PENDING: 0, RUNNING: 1, SUCCESS: 1, FAILED: 12 });
    expect(body.jobs.latestFailed.map((j: { id: string }) => j.id)).toEqual(failed.slice(2).reverse().map((j) => j.id));
    expect(body.jobs.latestFailed[0]).toMatchObject({ type: 'PROVISION_DNS', lastError: 'boom 11', attempts: 5 });

    expect(body.servers).toEqual([
      expect.objectContaining({ id: web.id, name: 'a-web', role: 'WEB', healthStatus: 'healthy', healthCheckedAt: expect.any(String), accounts: { hosting: 1, vps: 0 }, backupJobs: 1 }),
      expect.objectContaining({ id: pve.id, name: 'b-pve', healthStatus: null, accounts: { hosting: 0, vps: 2 }, backupJobs: 0 }),
    ]);
    expect(JSON.stringify(body)).not.toContain('not shown');
    expect(JSON.stringify(body)).not.toContain(other.web.id);
  });

  it('answers every role, 401 without a token, and 400 for parameters it does not take', async () => {
    const staff = await makeStaff(t.c.db, t.app);
    for (const role of ['SUPER_ADMIN', 'ADMIN', 'SUPPORT', 'BILLING', 'READ_ONLY'] as const) {
      const res = await as(t.app, staff.tokens[role]).get('/api/admin/dashboard');
      expect([role, res.status]).toEqual([role, 200]);
      expect(res.body).toMatchObject({ subscriptions: { active: 0 }, orders: { totals: { orders: 0, revenueCents: {} } }, jobs: { latestFailed: [] }, servers: [] });
    }
    expect((await t.http().get('/api/dashboard')).status).toBe(401);
    expect(badFields(await as(t.app, staff.tokens.ADMIN).get('/api/dashboard?tenantId=someone-else'))).toEqual(['query']);
  });
});
