import { makeApp, type TestApp } from '../support/app';
import { as, auditOf, badFields, freshId, makeSale } from '../support/admin';
import { makePlan, makeProduct, makeStaff } from '../support/factories';

let t: TestApp;
let staff: Awaited<ReturnType<typeof makeStaff>>;
let billing: ReturnType<typeof as>;

beforeAll(async () => {
  t = await makeApp();
  staff = await makeStaff(t.c.db, t.app);
  billing = as(t.app, staff.tokens.BILLING);
});
afterAll(() => t.close());

describe('subscriptions', () => {
  it('shows a subscription with customer, plan, domain and orders', async () => {
    const sale = await makeSale(t.c.db, staff.tenant.id);
    const res = await as(t.app, staff.tokens.READ_ONLY).get(`/api/subscriptions/${sale.subscription.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: sale.subscription.id,
      status: 'ACTIVE',
      customer: { id: sale.customer.id, email: sale.customer.email },
      plan: { id: sale.planId, product: { type: 'SHARED_HOSTING' } },
      domain: { id: sale.domain.id, name: sale.domain.name },
      order: { id: sale.order.id, status: 'PAID' },
      orders: [{ id: sale.order.id, status: 'PAID', totalAmountCents: 499 }],
    });
  });

  it('cancels at period end: still active, flagged, audited with before/after', async () => {
    const sale = await makeSale(t.c.db, staff.tenant.id);
    const res = await billing.post(`/api/subscriptions/${sale.subscription.id}/cancel`, { atPeriodEnd: true, reason: 'customer asked' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ACTIVE', cancelAtPeriodEnd: true, cancelledAt: null });
    const audit = await auditOf(t.c.db, sale.subscription.id, 'subscription.cancel_scheduled');
    expect(audit).toMatchObject({ tenantId: staff.tenant.id, userId: staff.users.BILLING.id, targetType: 'Subscription' });
    expect(audit.details).toMatchObject({
      before: { status: 'ACTIVE', cancelAtPeriodEnd: false, cancelledAt: null },
      after: { status: 'ACTIVE', cancelAtPeriodEnd: true, cancelledAt: null },
      reason: 'customer asked',
    });
    const again = await billing.post(`/api/subscriptions/${sale.subscription.id}/cancel`, { atPeriodEnd: true });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_SCHEDULED');

    // Ending it now is still possible after scheduling.
    const now = await billing.post(`/api/subscriptions/${sale.subscription.id}/cancel`, { atPeriodEnd: false });
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({ status: 'CANCELLED', cancelAtPeriodEnd: false, cancelledAt: expect.any(String) });
  });

  it('cancels now: CANCELLED with cancelledAt; a second cancel answers 409', async () => {
    const sale = await makeSale(t.c.db, staff.tenant.id);
    const res = await billing.post(`/api/subscriptions/${sale.subscription.id}/cancel`, { atPeriodEnd: false });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('CANCELLED');
    const row = await t.c.db.subscription.findUniqueOrThrow({ where: { id: sale.subscription.id } });
    expect(row.cancelledAt).not.toBeNull();
    const audit = await auditOf(t.c.db, sale.subscription.id, 'subscription.cancelled');
    expect(audit.details).toMatchObject({ before: { status: 'ACTIVE' }, after: { status: 'CANCELLED', cancelledAt: row.cancelledAt!.toISOString() } });
    const again = await billing.post(`/api/subscriptions/${sale.subscription.id}/cancel`, { atPeriodEnd: true });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_CANCELLED');
  });

  it('refuses a cancel without a boolean atPeriodEnd with 400, and changes nothing', async () => {
    const sale = await makeSale(t.c.db, staff.tenant.id);
    expect(badFields(await billing.post(`/api/subscriptions/${sale.subscription.id}/cancel`, {}))).toEqual(['body.atPeriodEnd']);
    expect(badFields(await billing.post(`/api/subscriptions/${sale.subscription.id}/cancel`, { atPeriodEnd: 'yes' }))).toEqual(['body.atPeriodEnd']);
    expect(await t.c.db.subscription.findUniqueOrThrow({ where: { id: sale.subscription.id } })).toMatchObject({ status: 'ACTIVE', cancelAtPeriodEnd: false });
    expect(await t.c.db.auditLog.count({ where: { targetId: sale.subscription.id } })).toBe(0);
    expect((await as(t.app, staff.tokens.SUPPORT).post(`/api/subscriptions/${sale.subscription.id}/cancel`, { atPeriodEnd: false })).status).toBe(403);
  });

  it("answers 404 for another tenant's subscription, and changes nothing", async () => {
    const other = await makeStaff(t.c.db, t.app);
    const sale = await makeSale(t.c.db, other.tenant.id);
    expect((await billing.get(`/api/subscriptions/${sale.subscription.id}`)).status).toBe(404);
    expect((await billing.post(`/api/subscriptions/${sale.subscription.id}/cancel`, { atPeriodEnd: false })).status).toBe(404);
    expect((await billing.get(`/api/subscriptions/${freshId()}`)).status).toBe(404);
    expect((await t.c.db.subscription.findUniqueOrThrow({ where: { id: sale.subscription.id } })).status).toBe('ACTIVE');
  });

  it('lists with status/customer/plan filters, sort and pages', async () => {
    const scoped = await makeStaff(t.c.db, t.app);
    const tenantId = scoped.tenant.id;
    const product = await makeProduct(t.c.db, tenantId);
    const [basic, pro] = [await makePlan(t.c.db, tenantId, product.id), await makePlan(t.c.db, tenantId, product.id)];
    const day = 86400_000;
    const a = await makeSale(t.c.db, tenantId, { planId: basic.id, periodEnd: new Date(Date.now() + 3 * day) });
    const b = await makeSale(t.c.db, tenantId, { planId: pro.id, customerId: a.customer.id, periodEnd: new Date(Date.now() + 1 * day) });
    const c = await makeSale(t.c.db, tenantId, { planId: pro.id, status: 'PAST_DUE', periodEnd: new Date(Date.now() + 2 * day) });
    const viewer = as(t.app, scoped.tokens.BILLING);
    const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((s) => s.id);

    expect(ids(await viewer.get('/api/subscriptions?status=PAST_DUE'))).toEqual([c.subscription.id]);
    expect(ids(await viewer.get(`/api/subscriptions?customerId=${a.customer.id}&sort=currentPeriodEnd&order=asc`))).toEqual([b.subscription.id, a.subscription.id]);
    expect(ids(await viewer.get(`/api/subscriptions?planId=${pro.id}&sort=currentPeriodEnd&order=desc`))).toEqual([c.subscription.id, b.subscription.id]);
    const page = await viewer.get('/api/subscriptions?sort=currentPeriodEnd&order=asc&pageSize=2&page=2');
    expect(page.body).toMatchObject({ total: 3, totalPages: 2, page: 2 });
    expect(ids(page)).toEqual([a.subscription.id]);
    expect(page.body.items[0]).toMatchObject({ customer: { email: a.customer.email }, plan: { id: basic.id }, domain: { name: a.domain.name } });
    expect(ids(await viewer.get(`/api/subscriptions?search=${a.domain.name}`))).toEqual([a.subscription.id]);
    expect(badFields(await viewer.get('/api/subscriptions?status=GONE&sort=price'))).toEqual(['query.sort', 'query.status']);
  });
});
