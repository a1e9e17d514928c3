import { makeApp, type TestApp } from '../support/app';
import { as, auditOf, badFields, freshId, makeSale } from '../support/admin';
import { makeStaff, uid } from '../support/factories';

let t: TestApp;
let staff: Awaited<ReturnType<typeof makeStaff>>;
let billing: ReturnType<typeof as>;

beforeAll(async () => {
  t = await makeApp();
  staff = await makeStaff(t.c.db, t.app);
  billing = as(t.app, staff.tokens.BILLING);
});
afterAll(() => t.close());

describe('customers', () => {
  it('creates a customer (BILLING may), audited', async () => {
    const email = `Jane-${uid(4)}@Example.com`;
    const res = await billing.post('/api/customers', { email, fullName: 'Jane Doe', phone: '+1 555 0100' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: email.toLowerCase(), fullName: 'Jane Doe', phone: '+1 555 0100', isActive: true, tenantId: staff.tenant.id });
    const audit = await auditOf(t.c.db, res.body.id, 'customer.created');
    expect(audit).toMatchObject({ tenantId: staff.tenant.id, userId: staff.users.BILLING.id, targetType: 'Customer' });
    expect(audit.details).toMatchObject({ after: { email: email.toLowerCase(), fullName: 'Jane Doe' } });
  });

  it('refuses bad input with 400 naming the fields, and writes nothing', async () => {
    const before = await t.c.db.customer.count({ where: { tenantId: staff.tenant.id } });
    const res = await billing.post('/api/customers', { email: 'jane', phone: 'call me', stripeCustomerId: 'x' });
    expect(badFields(res)).toEqual(['body.email', 'body.phone', 'body.stripeCustomerId']);
    expect(await t.c.db.customer.count({ where: { tenantId: staff.tenant.id } })).toBe(before);
  });

  it('answers 409 for an email the tenant already has (another tenant may have it)', async () => {
    const email = `dup-${uid()}@example.com`;
    expect((await billing.post('/api/customers', { email })).status).toBe(201);
    const again = await billing.post('/api/customers', { email });
    expect(again.status).toBe(409);
    const other = await makeStaff(t.c.db, t.app);
    expect((await as(t.app, other.tokens.ADMIN).post('/api/customers', { email })).status).toBe(201);
  });

  it('updates with before/after in the audit row', async () => {
    const { customer } = await makeSale(t.c.db, staff.tenant.id, { fullName: 'Old Name' });
    const res = await billing.patch(`/api/customers/${customer.id}`, { fullName: 'New Name', stripeCustomerId: 'cus_ABC123', isActive: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fullName: 'New Name', stripeCustomerId: 'cus_ABC123', isActive: false });
    const audit = await auditOf(t.c.db, customer.id, 'customer.updated');
    expect(audit.details).toEqual({
      before: { fullName: 'Old Name', stripeCustomerId: null, isActive: true },
      after: { fullName: 'New Name', stripeCustomerId: 'cus_ABC123', isActive: false },
    });
    expect(badFields(await billing.patch(`/api/customers/${customer.id}`, { email: 'nope' }))).toEqual(['body.email']);
    expect((await as(t.app, staff.tokens.SUPPORT).patch(`/api/customers/${customer.id}`, { fullName: 'Support Edit' })).status).toBe(403);
  });

  it('shows a customer with their orders, subscriptions and domains', async () => {
    const first = await makeSale(t.c.db, staff.tenant.id);
    const second = await makeSale(t.c.db, staff.tenant.id, { customerId: first.customer.id });
    const res = await as(t.app, staff.tokens.SUPPORT).get(`/api/customers/${first.customer.id}`);
    expect(res.status).toBe(200);
    expect(res.body._count).toEqual({ orders: 2, subscriptions: 2, domains: 2 });
    expect(res.body.orders.map((o: { id: string }) => o.id).sort()).toEqual([first.order.id, second.order.id].sort());
    const firstOrder = res.body.orders.find((o: { id: string }) => o.id === first.order.id);
    expect(firstOrder).toMatchObject({ plan: { id: first.planId }, domain: { name: first.domain.name } });
    expect(res.body.subscriptions.map((s: { id: string }) => s.id).sort()).toEqual([first.subscription.id, second.subscription.id].sort());
    expect(res.body.domains.map((d: { name: string }) => d.name).sort()).toEqual([first.domain.name, second.domain.name].sort());
  });

  it("answers 404 for another tenant's customer on every route, and changes nothing", async () => {
    const other = await makeStaff(t.c.db, t.app);
    const { customer } = await makeSale(t.c.db, other.tenant.id, { fullName: 'Theirs' });
    expect((await billing.get(`/api/customers/${customer.id}`)).status).toBe(404);
    expect((await billing.patch(`/api/customers/${customer.id}`, { fullName: 'Mine' })).status).toBe(404);
    expect((await billing.get(`/api/customers/${freshId()}`)).status).toBe(404);
    expect((await t.c.db.customer.findUniqueOrThrow({ where: { id: customer.id } })).fullName).toBe('Theirs');
  });

  it('lists with search by email or name, active filter, sort and pages', async () => {
    const scoped = await makeStaff(t.c.db, t.app);
    const tenantId = scoped.tenant.id;
    const rows = [
      { email: 'alice@shop.example', fullName: 'Alice Archer', isActive: true },
      { email: 'bob@shop.example', fullName: 'Bob Baker', isActive: true },
      { email: 'carol@other.example', fullName: 'Carol Cooper', isActive: false },
      { email: 'dan@shop.example', fullName: null, isActive: true },
    ];
    for (const row of rows) await t.c.db.customer.create({ data: { tenantId, ...row } });
    const viewer = as(t.app, scoped.tokens.READ_ONLY);

    const byEmail = await viewer.get('/api/customers?search=SHOP.example&sort=email&order=asc');
    expect(byEmail.body.items.map((c: { email: string }) => c.email)).toEqual(['alice@shop.example', 'bob@shop.example', 'dan@shop.example']);
    const byName = await viewer.get('/api/customers?search=cooper');
    expect(byName.body.items.map((c: { email: string }) => c.email)).toEqual(['carol@other.example']);
    const inactive = await viewer.get('/api/customers?isActive=false');
    expect(inactive.body.items.map((c: { email: string }) => c.email)).toEqual(['carol@other.example']);
    // Customers without a name sort last either way.
    const byFullName = await viewer.get('/api/customers?sort=fullName&order=desc');
    expect(byFullName.body.items.map((c: { email: string }) => c.email)).toEqual(['carol@other.example', 'bob@shop.example', 'alice@shop.example', 'dan@shop.example']);
    const page = await viewer.get('/api/customers?sort=email&order=asc&pageSize=3&page=2');
    expect(page.body).toMatchObject({ total: 4, totalPages: 2, page: 2 });
    expect(page.body.items.map((c: { email: string }) => c.email)).toEqual(['dan@shop.example']);
    expect(badFields(await viewer.get('/api/customers?pageSize=0&isActive=maybe'))).toEqual(['query.isActive', 'query.pageSize']);
  });
});
