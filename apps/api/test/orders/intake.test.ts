import { makeApp, TEST_INTERNAL_KEY, type TestApp } from '../support/app';
import { makeShop, orderBody, testDomain } from '../support/shop';
import { makeStaff, uid } from '../support/factories';

let t: TestApp;
let shop: Awaited<ReturnType<typeof makeShop>>;
const key = { 'x-internal-key': TEST_INTERNAL_KEY };

beforeAll(async () => {
  t = await makeApp();
  shop = await makeShop(t.c.db);
});
afterAll(async () => t.close());

const post = (body: object, headers: Record<string, string> = key, path = '/api/orders') => t.http().post(path).set(headers).send(body);

async function countsFor(tenantId: string) {
  const db = t.c.db;
  const [orders, customers, subscriptions, jobs, domains] = await Promise.all([
    db.order.count({ where: { tenantId } }),
    db.customer.count({ where: { tenantId } }),
    db.subscription.count({ where: { tenantId } }),
    db.job.count({ where: { tenantId } }),
    db.domain.count({ where: { tenantId } }),
  ]);
  return { orders, customers, subscriptions, jobs, domains };
}

describe('POST /api/orders (internal order intake)', () => {
  it('records customer, paid order, subscription, pending domain and jobs in one go, and queues the jobs', async () => {
    const body = orderBody(shop.tenant.slug);
    const res = await post(body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      orderId: expect.any(String),
      subscriptionId: expect.any(String),
      customerId: expect.any(String),
      domainId: expect.any(String),
      jobs: [
        { id: expect.any(String), type: 'PROVISION_DNS' },
        { id: expect.any(String), type: 'PROVISION_HOSTING' },
      ],
    });
    const db = t.c.db;
    const order = await db.order.findUniqueOrThrow({ where: { id: res.body.orderId }, include: { customer: true, subscription: true, domain: true, jobs: true } });
    expect(order).toMatchObject({ status: 'PAID', totalAmountCents: 149, currency: 'usd', stripePaymentIntentId: body.stripePaymentIntentId, notes: 'Marketing site order' });
    expect(order.customer).toMatchObject({ email: body.customer.email, fullName: 'Client Name', tenantId: shop.tenant.id });
    expect(order.domain).toMatchObject({ name: body.metadata.domain, status: 'PENDING_SETUP', customerId: order.customerId });
    const sub = order.subscription!;
    expect(sub.status).toBe('ACTIVE');
    const months = (sub.currentPeriodEnd.getUTCFullYear() - sub.currentPeriodStart.getUTCFullYear()) * 12 + sub.currentPeriodEnd.getUTCMonth() - sub.currentPeriodStart.getUTCMonth();
    expect(months).toBe(1);
    expect(order.jobs.every((j) => j.status === 'PENDING' && j.attempts === 0)).toBe(true);

    const audit = await db.auditLog.findFirst({ where: { action: 'order.created', targetId: order.id } });
    expect(audit?.details).toMatchObject({ plan: 'starter-monthly', domain: body.metadata.domain, source: 'internal' });

    // Queued under the Job row's id.
    for (const job of res.body.jobs) {
      const queued = await t.c.jobQueue.queues.provisioning.getJob(job.id);
      expect(queued?.data).toEqual({ jobId: job.id, type: job.type });
    }
  });

  it('answers at the alias and accepts the key as a Bearer token', async () => {
    const res = await post(orderBody(shop.tenant.slug), { authorization: `Bearer ${TEST_INTERNAL_KEY}` }, '/api/internal/orders');
    expect(res.status).toBe(201);
    const res2 = await post(orderBody(shop.tenant.slug), { authorization: `Bearer ${TEST_INTERNAL_KEY}` });
    expect(res2.status).toBe(201);
  });

  it('refuses a missing or wrong key and writes nothing', async () => {
    const before = await countsFor(shop.tenant.id);
    expect((await post(orderBody(shop.tenant.slug), {}, '/api/internal/orders')).status).toBe(401);
    const wrong = await post(orderBody(shop.tenant.slug), { 'x-internal-key': 'nope-nope-nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_INTERNAL_KEY');
    // No credentials at all on /api/orders falls through to the admin zone, which wants a staff token.
    expect((await post(orderBody(shop.tenant.slug), {})).status).toBe(401);
    expect(await countsFor(shop.tenant.id)).toEqual(before);
  });

  it('adds mail for plans with mailboxes, VPS for VPS plans, and uses the yearly period', async () => {
    const pro = await post(orderBody(shop.tenant.slug, { planSlug: 'pro-monthly', totalAmountCents: 499 }));
    expect(pro.status).toBe(201);
    expect(pro.body.jobs.map((j: { type: string }) => j.type)).toEqual(['PROVISION_DNS', 'PROVISION_HOSTING', 'PROVISION_MAIL']);

    const vps = await post(orderBody(shop.tenant.slug, { planSlug: 'vps-1-monthly', totalAmountCents: 599, metadata: undefined }));
    expect(vps.status).toBe(201);
    expect(vps.body.jobs.map((j: { type: string }) => j.type)).toEqual(['PROVISION_VPS']);
    expect(vps.body.domainId).toBeNull();

    const yearly = await post(orderBody(shop.tenant.slug, { planSlug: 'starter-yearly', totalAmountCents: 1490 }));
    expect(yearly.status).toBe(201);
    const sub = await t.c.db.subscription.findUniqueOrThrow({ where: { id: yearly.body.subscriptionId } });
    expect(sub.currentPeriodEnd.getUTCFullYear() - sub.currentPeriodStart.getUTCFullYear()).toBe(1);
  });

  it('reuses the customer by tenant and email', async () => {
    const email = `repeat-${uid(4)}@example.com`;
    const a = await post(orderBody(shop.tenant.slug, { customer: { email } }));
    const b = await post(orderBody(shop.tenant.slug, { customer: { email: email.toUpperCase() } }));
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.customerId).toBe(a.body.customerId);
  });
});

describe('idempotency', () => {
  it('replays the first answer for the same payment and writes nothing', async () => {
    const body = orderBody(shop.tenant.slug);
    const first = await post(body);
    expect(first.status).toBe(201);
    const before = await countsFor(shop.tenant.id);
    const again = await post(body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await countsFor(shop.tenant.id)).toEqual(before);
  });

  it('refuses a different body under the same payment id with 409', async () => {
    const body = orderBody(shop.tenant.slug);
    expect((await post(body)).status).toBe(201);
    const changed = await post({ ...body, customer: { email: 'someone-else@example.com' } });
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('honours an Idempotency-Key header and an externalOrderId', async () => {
    const headers = { ...key, 'idempotency-key': `order-${uid(8)}` };
    const body = orderBody(shop.tenant.slug, { stripePaymentIntentId: undefined });
    const a = await post(body, headers);
    const b = await post(body, headers);
    expect([a.status, b.status]).toEqual([201, 200]);
    expect(b.body.orderId).toBe(a.body.orderId);

    const ext = orderBody(shop.tenant.slug, { stripePaymentIntentId: undefined, externalOrderId: `mk-${uid(6)}` });
    const c1 = await post(ext);
    const c2 = await post(ext);
    expect([c1.status, c2.status]).toEqual([201, 200]);
    expect(c2.body.orderId).toBe(c1.body.orderId);

    expect((await post(body, { ...key, 'idempotency-key': 'bad key!' })).status).toBe(400);
  });

  it('makes one order out of 50 concurrent duplicates of one payment', async () => {
    const body = orderBody(shop.tenant.slug);
    const before = await countsFor(shop.tenant.id);
    const responses = await Promise.all(Array.from({ length: 50 }, () => post(body)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    const ids = new Set(responses.map((r) => r.body.orderId));
    expect(ids.size).toBe(1);
    const after = await countsFor(shop.tenant.id);
    expect(after.orders - before.orders).toBe(1);
    expect(after.subscriptions - before.subscriptions).toBe(1);
    expect(after.jobs - before.jobs).toBe(2);
    expect(after.customers - before.customers).toBe(1);
    expect(after.domains - before.domains).toBe(1);
  });
});

describe('refusals', () => {
  it.each([
    ['a; rm -rf /', 'shell metacharacters'],
    ['$(id).example.com', 'command substitution'],
    ['`id`.example.com', 'backticks'],
    ['../../etc/passwd', 'path traversal'],
    ['example.com/../x', 'a path'],
    ['Example.com', 'upper case'],
    ['example.com.', 'a trailing dot'],
    ['bücher.de', 'unicode (IDN must be punycode)'],
    ['-bad.example.com', 'a leading hyphen'],
    ['localhost', 'a single label'],
    ['example.com\nfoo', 'a newline'],
    ['127.0.0.1', 'an IP address'],
  ])('refuses %j (%s) with 400 naming metadata.domain, writing nothing', async (domain) => {
    const before = await countsFor(shop.tenant.id);
    const res = await post(orderBody(shop.tenant.slug, { metadata: { domain } }));
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('body.metadata.domain');
    expect(await countsFor(shop.tenant.id)).toEqual(before);
  });

  it('accepts a punycode IDN', async () => {
    expect((await post(orderBody(shop.tenant.slug, { metadata: { domain: `xn--bcher-kva-${uid(3)}.example` } }))).status).toBe(201);
  });

  it.each([
    [{ customer: { email: 'not-an-email' } }, 'body.customer.email'],
    [{ totalAmountCents: -1 }, 'body.totalAmountCents'],
    [{ totalAmountCents: 1.5 }, 'body.totalAmountCents'],
    [{ currency: 'dollars' }, 'body.currency'],
    [{ planSlug: 'Starter Monthly' }, 'body.planSlug'],
    [{ stripePaymentIntentId: 'ch_123' }, 'body.stripePaymentIntentId'],
    [{ extra: true }, 'body'],
    [{ metadata: { domain: 'ok-domain.example.com', shell: 'x' } }, 'body.metadata'],
  ])('refuses %j with 400 naming %s', async (patch, field) => {
    const res = await post(orderBody(shop.tenant.slug, patch));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
  });

  it('requires a domain for hosting plans', async () => {
    const res = await post(orderBody(shop.tenant.slug, { metadata: { notes: 'no domain' } }));
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('body.metadata.domain');
  });

  it('answers 422 naming an unknown tenant or plan, or an amount that does not match', async () => {
    const tenant = await post(orderBody('no-such-tenant'));
    expect(tenant.status).toBe(422);
    expect(tenant.body.error).toMatchObject({ code: 'TENANT_NOT_FOUND', details: [{ path: 'body.tenantSlug' }] });

    const plan = await post(orderBody(shop.tenant.slug, { planSlug: 'no-such-plan' }));
    expect(plan.status).toBe(422);
    expect(plan.body.error).toMatchObject({ code: 'PLAN_NOT_FOUND', details: [{ path: 'body.planSlug' }] });

    const amount = await post(orderBody(shop.tenant.slug, { totalAmountCents: 100 }));
    expect(amount.status).toBe(422);
    expect(amount.body.error).toMatchObject({ code: 'AMOUNT_MISMATCH', details: [{ path: 'body.totalAmountCents' }] });

    const currency = await post(orderBody(shop.tenant.slug, { currency: 'EUR' }));
    expect(currency.status).toBe(422);
    expect(currency.body.error.code).toBe('CURRENCY_MISMATCH');
  });

  it('accepts a lower amount when the body marks the discount', async () => {
    const res = await post(orderBody(shop.tenant.slug, { totalAmountCents: 99, discount: { code: 'WELCOME50', amountCents: 50 } }));
    expect(res.status).toBe(201);
    const wrong = await post(orderBody(shop.tenant.slug, { totalAmountCents: 99, discount: { code: 'WELCOME50', amountCents: 40 } }));
    expect(wrong.status).toBe(422);
  });

  it('refuses a domain that another tenant or customer holds with 409', async () => {
    const other = await makeShop(t.c.db, { web: false });
    const domain = testDomain();
    expect((await post(orderBody(other.tenant.slug, { metadata: { domain } }))).status).toBe(201);
    const res = await post(orderBody(shop.tenant.slug, { metadata: { domain } }));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('DOMAIN_TAKEN');

    const mine = testDomain();
    expect((await post(orderBody(shop.tenant.slug, { metadata: { domain: mine } }))).status).toBe(201);
    const stranger = await post(orderBody(shop.tenant.slug, { metadata: { domain: mine } }));
    expect(stranger.status).toBe(409);
  });
});

describe('Redis unreachable', () => {
  it('still commits the order and answers 201; the outbox sweep queues the jobs later', async () => {
    const offline = await makeApp({ REDIS_URL: 'redis://127.0.0.1:1/0' }, { waitForRedis: false });
    try {
      const res = await offline.http().post('/api/orders').set(key).send(orderBody(shop.tenant.slug));
      expect(res.status).toBe(201);
      const rows = await t.c.db.job.findMany({ where: { orderId: res.body.orderId } });
      expect(rows).toHaveLength(2);
      expect(await t.c.jobQueue.queues.provisioning.getJob(rows[0].id)).toBeUndefined();

      // The sweep (run by the worker against the real Redis) queues them once they are old enough.
      await t.c.db.job.updateMany({ where: { orderId: res.body.orderId }, data: { updatedAt: new Date(Date.now() - 60_000) } });
      expect(await t.c.jobs.sweep()).toBeGreaterThanOrEqual(2);
      for (const row of rows) expect((await t.c.jobQueue.queues.provisioning.getJob(row.id))?.data.jobId).toBe(row.id);
    } finally {
      await offline.close();
    }
  });
});

describe('admin orders', () => {
  it('lists, shows with relations, takes a manual order through the same intake, and cancels', async () => {
    const { tokens } = await makeStaff(t.c.db, t.app);
    const auth = { authorization: `Bearer ${tokens.BILLING}` };
    // The staff tenant needs a plan to sell.
    const staffTenant = (await t.c.db.user.findFirstOrThrow({ where: { role: 'BILLING' }, orderBy: { createdAt: 'desc' } })).tenantId;
    const product = await t.c.db.product.create({ data: { tenantId: staffTenant, slug: 'dns', name: 'DNS', type: 'DNS' } });
    await t.c.db.plan.create({ data: { tenantId: staffTenant, productId: product.id, slug: 'dns-monthly', name: 'DNS', priceMonthlyCents: 0, priceYearlyCents: 0 } });

    const manual = await t.http().post('/api/orders').set(auth).send({
      customer: { email: 'walk-in@example.com' },
      planSlug: 'dns-monthly',
      totalAmountCents: 0,
      currency: 'usd',
      metadata: { domain: testDomain() },
    });
    expect(manual.status).toBe(201);
    expect(manual.body.jobs.map((j: { type: string }) => j.type)).toEqual(['PROVISION_DNS']);

    const list = await t.http().get('/api/orders?pageSize=5').set(auth);
    expect(list.status).toBe(200);
    expect(list.body.items.map((o: { id: string }) => o.id)).toContain(manual.body.orderId);

    const detail = await t.http().get(`/api/admin/orders/${manual.body.orderId}`).set(auth);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ status: 'PAID', subscription: { id: manual.body.subscriptionId }, domain: { status: 'PENDING_SETUP' }, jobs: [{ type: 'PROVISION_DNS', logs: [] }] });

    // Another tenant's order is not found.
    const foreign = await post(orderBody(shop.tenant.slug));
    expect((await t.http().get(`/api/orders/${foreign.body.orderId}`).set(auth)).status).toBe(404);

    const cancel = await t.http().post(`/api/orders/${manual.body.orderId}/cancel`).set(auth).send({ reason: 'customer changed mind' });
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ status: 'CANCELLED', subscription: { status: 'CANCELLED' } });
    expect((await t.http().post(`/api/orders/${manual.body.orderId}/cancel`).set(auth).send({})).status).toBe(409);
    const audit = await t.c.db.auditLog.findFirst({ where: { action: 'order.cancelled', targetId: manual.body.orderId } });
    expect(audit?.details).toMatchObject({ before: { status: 'PAID' }, after: { status: 'CANCELLED' } });

    expect((await t.http().post(`/api/orders/${manual.body.orderId}/cancel`).set({ authorization: `Bearer ${tokens.READ_ONLY}` }).send({})).status).toBe(403);
  });
});
