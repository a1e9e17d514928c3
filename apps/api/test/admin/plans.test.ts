import { makeApp, type TestApp } from '../support/app';
import { as, auditOf, badFields, freshId, makeSale } from '../support/admin';
import { makePlan, makeProduct, makeStaff, uid } from '../support/factories';

let t: TestApp;
let staff: Awaited<ReturnType<typeof makeStaff>>;
let admin: ReturnType<typeof as>;
let product: Awaited<ReturnType<typeof makeProduct>>;

beforeAll(async () => {
  t = await makeApp();
  staff = await makeStaff(t.c.db, t.app);
  admin = as(t.app, staff.tokens.ADMIN);
  product = await makeProduct(t.c.db, staff.tenant.id, { slug: 'hosting' });
});
afterAll(() => t.close());

/** One plan of the public catalog. Factories bypass the services, so `fresh` drops the cache after one. */
async function publicPlan(slug: string, fresh = false) {
  if (fresh) await t.c.catalog.invalidate(staff.tenant.id);
  const res = await t.http().get(`/api/public/plans?tenant=${staff.tenant.slug}`);
  return res.body.plans.find((p: { slug: string }) => p.slug === slug);
}

const planBody = (overrides: Record<string, unknown> = {}) => ({
  productId: product.id,
  name: 'Starter',
  slug: `starter-${uid(4)}`,
  billingCycle: 'MONTHLY',
  priceMonthlyCents: 149,
  priceYearlyCents: 1490,
  currency: 'usd',
  limitsJson: { diskGb: 10, emails: 0 },
  ...overrides,
});

describe('plans', () => {
  it('creates a plan (currency stored lower-case, as Stripe writes it), audits it, and the public catalog shows it at once', async () => {
    const body = planBody();
    expect(await publicPlan(body.slug)).toBeUndefined(); // warms the cache
    const res = await admin.post('/api/plans', body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      slug: body.slug,
      productId: product.id,
      currency: 'usd',
      priceCents: 149,
      isActive: true,
      isPopular: false,
      sortOrder: 0,
      limitsJson: { diskGb: 10, emails: 0 },
      product: { id: product.id, slug: 'hosting' },
      _count: { orders: 0, subscriptions: 0 },
    });
    const audit = await auditOf(t.c.db, res.body.id, 'plan.created');
    expect(audit).toMatchObject({ tenantId: staff.tenant.id, userId: staff.users.ADMIN.id, targetType: 'Plan' });
    expect(audit.details).toMatchObject({ after: { slug: body.slug, priceMonthlyCents: 149, currency: 'usd' } });
    expect(await publicPlan(body.slug)).toMatchObject({ priceCents: 149, currency: 'usd', limits: { diskGb: 10, emails: 0 } });
  });

  it('refuses bad input with 400 naming the fields, and writes nothing', async () => {
    const before = await t.c.db.plan.count({ where: { tenantId: staff.tenant.id } });
    const res = await admin.post(
      '/api/plans',
      planBody({ priceMonthlyCents: -1, priceYearlyCents: 1.5, currency: 'dollars', billingCycle: 'WEEKLY', slug: 'No Slug', limitsJson: { diskGb: -5, disk: 10 } }),
    );
    expect(badFields(res)).toEqual([
      'body.billingCycle',
      'body.currency',
      'body.limitsJson',
      'body.limitsJson.diskGb',
      'body.priceMonthlyCents',
      'body.priceYearlyCents',
      'body.slug',
    ]);
    const missing = await admin.post('/api/plans', {});
    expect(badFields(missing)).toEqual(['body.billingCycle', 'body.name', 'body.priceMonthlyCents', 'body.priceYearlyCents', 'body.productId', 'body.slug']);
    expect(await t.c.db.plan.count({ where: { tenantId: staff.tenant.id } })).toBe(before);
  });

  it("refuses another tenant's product with 422 naming body.productId", async () => {
    const other = await makeStaff(t.c.db, t.app);
    const theirs = await makeProduct(t.c.db, other.tenant.id);
    const res = await admin.post('/api/plans', planBody({ productId: theirs.id }));
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'PRODUCT_NOT_FOUND', details: [{ path: 'body.productId' }] });
    const plan = await makePlan(t.c.db, staff.tenant.id, product.id);
    expect((await admin.patch(`/api/plans/${plan.id}`, { productId: theirs.id })).status).toBe(422);
    expect((await t.c.db.plan.findUniqueOrThrow({ where: { id: plan.id } })).productId).toBe(product.id);
  });

  it('answers 409 for a slug the tenant already uses', async () => {
    const existing = await makePlan(t.c.db, staff.tenant.id, product.id);
    const res = await admin.post('/api/plans', planBody({ slug: existing.slug }));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ALREADY_EXISTS');
    const other = await makePlan(t.c.db, staff.tenant.id, product.id);
    expect((await admin.patch(`/api/plans/${other.id}`, { slug: existing.slug })).status).toBe(409);
  });

  it('updates with before/after in the audit row, and the public price changes at once', async () => {
    const plan = await makePlan(t.c.db, staff.tenant.id, product.id, { priceMonthlyCents: 499 });
    expect((await publicPlan(plan.slug, true)).priceCents).toBe(499);
    const res = await admin.patch(`/api/plans/${plan.id}`, { priceMonthlyCents: 599, isPopular: true, sortOrder: 5, limitsJson: { diskGb: 20 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ priceMonthlyCents: 599, priceCents: 599, isPopular: true, sortOrder: 5 });
    const audit = await auditOf(t.c.db, plan.id, 'plan.updated');
    expect(audit.details).toEqual({
      before: { priceMonthlyCents: 499, isPopular: false, sortOrder: 0, limitsJson: { diskGb: 10, emails: 0 } },
      after: { priceMonthlyCents: 599, isPopular: true, sortOrder: 5, limitsJson: { diskGb: 20 } },
    });
    expect(await publicPlan(plan.slug)).toMatchObject({ priceCents: 599, isPopular: true, limits: { diskGb: 20 } });

    // Same values again: no change, no audit row. Key order in limits does not count as a change.
    await admin.patch(`/api/plans/${plan.id}`, { priceMonthlyCents: 599, limitsJson: { diskGb: 20 } });
    expect(await t.c.db.auditLog.count({ where: { targetId: plan.id, action: 'plan.updated' } })).toBe(1);

    const off = await admin.patch(`/api/plans/${plan.id}`, { isActive: false });
    expect(off.body.isActive).toBe(false);
    expect(await publicPlan(plan.slug)).toBeUndefined();
  });

  it('deletes an unused plan; a plan orders or subscriptions use answers 409 PLAN_IN_USE and stays as it was', async () => {
    const used = await makePlan(t.c.db, staff.tenant.id, product.id);
    await makeSale(t.c.db, staff.tenant.id, { planId: used.id });
    const refused = await admin.delete(`/api/plans/${used.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'PLAN_IN_USE', details: { orders: 1, subscriptions: 1 } });
    expect(await t.c.db.plan.findUniqueOrThrow({ where: { id: used.id } })).toMatchObject({ isActive: true });
    expect(await t.c.db.auditLog.count({ where: { targetId: used.id } })).toBe(0);

    const unused = await makePlan(t.c.db, staff.tenant.id, product.id);
    expect(await publicPlan(unused.slug, true)).toBeDefined();
    expect((await admin.delete(`/api/plans/${unused.id}`)).status).toBe(204);
    expect(await t.c.db.plan.findUnique({ where: { id: unused.id } })).toBeNull();
    expect((await auditOf(t.c.db, unused.id, 'plan.deleted')).details).toMatchObject({ before: { slug: unused.slug } });
    expect(await publicPlan(unused.slug)).toBeUndefined();
  });

  it("answers 404 for another tenant's plan on every route, and changes nothing", async () => {
    const other = await makeStaff(t.c.db, t.app);
    const theirs = await makePlan(t.c.db, other.tenant.id, (await makeProduct(t.c.db, other.tenant.id)).id, { priceMonthlyCents: 100 });
    expect((await admin.get(`/api/plans/${theirs.id}`)).status).toBe(404);
    expect((await admin.patch(`/api/plans/${theirs.id}`, { priceMonthlyCents: 1 })).status).toBe(404);
    expect((await admin.delete(`/api/plans/${theirs.id}`)).status).toBe(404);
    expect((await admin.get(`/api/plans/${freshId()}`)).status).toBe(404);
    expect(await t.c.db.plan.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({ priceMonthlyCents: 100 });
  });

  it('lists with product/cycle/active filters, search, sort and pages', async () => {
    const scoped = await makeStaff(t.c.db, t.app);
    const tenantId = scoped.tenant.id;
    const hosting = await makeProduct(t.c.db, tenantId);
    const vps = await makeProduct(t.c.db, tenantId, { type: 'VPS' });
    await makePlan(t.c.db, tenantId, hosting.id, { slug: 'h-cheap', priceMonthlyCents: 100 });
    await makePlan(t.c.db, tenantId, hosting.id, { slug: 'h-dear', priceMonthlyCents: 900 });
    await makePlan(t.c.db, tenantId, hosting.id, { slug: 'h-yearly', billingCycle: 'YEARLY', priceMonthlyCents: 500 });
    await makePlan(t.c.db, tenantId, vps.id, { slug: 'v-off', priceMonthlyCents: 300, isActive: false });
    const viewer = as(t.app, scoped.tokens.READ_ONLY);

    const byPrice = await viewer.get(`/api/plans?productId=${hosting.id}&sort=priceMonthlyCents&order=asc`);
    expect(byPrice.body.items.map((p: { slug: string }) => p.slug)).toEqual(['h-cheap', 'h-yearly', 'h-dear']);
    const yearly = await viewer.get('/api/plans?billingCycle=YEARLY');
    expect(yearly.body.items.map((p: { slug: string }) => p.slug)).toEqual(['h-yearly']);
    const inactive = await viewer.get('/api/plans?isActive=false');
    expect(inactive.body.items.map((p: { slug: string }) => p.slug)).toEqual(['v-off']);
    const search = await viewer.get('/api/plans?search=dear');
    expect(search.body.items.map((p: { slug: string }) => p.slug)).toEqual(['h-dear']);
    const page = await viewer.get('/api/plans?sort=slug&order=desc&pageSize=3&page=1');
    expect(page.body).toMatchObject({ total: 4, totalPages: 2 });
    expect(page.body.items.map((p: { slug: string }) => p.slug)).toEqual(['v-off', 'h-yearly', 'h-dear']);
    expect(badFields(await viewer.get('/api/plans?sort=cost&billingCycle=DAILY'))).toEqual(['query.billingCycle', 'query.sort']);
  });
});
