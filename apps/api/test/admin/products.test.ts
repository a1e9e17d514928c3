import { makeApp, type TestApp } from '../support/app';
import { as, auditOf, badFields, freshId } from '../support/admin';
import { makePlan, makeProduct, makeStaff, uid } from '../support/factories';

let t: TestApp;
let staff: Awaited<ReturnType<typeof makeStaff>>;
let admin: ReturnType<typeof as>;

beforeAll(async () => {
  t = await makeApp();
  staff = await makeStaff(t.c.db, t.app);
  admin = as(t.app, staff.tokens.ADMIN);
});
afterAll(() => t.close());

/** The public catalog's product slugs. Factories bypass the services, so `fresh` drops the cache after one. */
async function publicProducts(fresh = false): Promise<string[]> {
  if (fresh) await t.c.catalog.invalidate(staff.tenant.id);
  const res = await t.http().get(`/api/public/products?tenant=${staff.tenant.slug}`);
  return res.body.products.map((p: { slug: string }) => p.slug).sort();
}

describe('products', () => {
  it('creates a product, audits it, and the public catalog shows it at once', async () => {
    const before = await publicProducts(); // warms the cache
    const slug = `cloud-${uid(4)}`;
    const res = await admin.post('/api/products', { name: 'Cloud Storage', slug, type: 'STORAGE', description: 'Object storage' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Cloud Storage', slug, type: 'STORAGE', isActive: true, tenantId: staff.tenant.id, _count: { plans: 0 } });
    const audit = await auditOf(t.c.db, res.body.id, 'product.created');
    expect(audit).toMatchObject({ tenantId: staff.tenant.id, userId: staff.users.ADMIN.id, targetType: 'Product' });
    expect(audit.details).toMatchObject({ after: { name: 'Cloud Storage', slug, type: 'STORAGE', isActive: true } });
    expect(await publicProducts()).toEqual([...before, slug].sort());
  });

  it('refuses bad input with 400 naming the fields, and writes nothing', async () => {
    const before = await t.c.db.product.count({ where: { tenantId: staff.tenant.id } });
    const res = await admin.post('/api/products', { name: '', slug: 'Bad Slug', type: 'HOSTING' });
    expect(badFields(res)).toEqual(['body.name', 'body.slug', 'body.type']);
    expect(badFields(await admin.post('/api/products', { name: 'X', slug: `x-${uid(4)}`, type: 'VPS', tenantId: 'someone-else' }))).toEqual(['body']);
    expect(await t.c.db.product.count({ where: { tenantId: staff.tenant.id } })).toBe(before);
  });

  it('answers 409 for a slug the tenant already uses (another tenant may use it)', async () => {
    const existing = await makeProduct(t.c.db, staff.tenant.id);
    expect((await admin.post('/api/products', { name: 'Dup', slug: existing.slug, type: 'VPS' })).status).toBe(409);
    const other = await makeStaff(t.c.db, t.app);
    expect((await as(t.app, other.tokens.ADMIN).post('/api/products', { name: 'Same slug', slug: existing.slug, type: 'VPS' })).status).toBe(201);
  });

  it('updates with before/after in the audit row; deactivating hides it from the public catalog at once', async () => {
    const product = await makeProduct(t.c.db, staff.tenant.id, { name: 'Old' });
    await makePlan(t.c.db, staff.tenant.id, product.id);
    expect(await publicProducts(true)).toContain(product.slug);
    const res = await admin.patch(`/api/products/${product.id}`, { name: 'New', isActive: false, description: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'New', isActive: false });
    const audit = await auditOf(t.c.db, product.id, 'product.updated');
    // description was already null: not a change.
    expect(audit.details).toEqual({ before: { name: 'Old', isActive: true }, after: { name: 'New', isActive: false } });
    expect(await publicProducts()).not.toContain(product.slug);
    expect(badFields(await admin.patch(`/api/products/${product.id}`, { type: 'CAR' }))).toEqual(['body.type']);
  });

  it('deletes a product without plans; one with plans answers 409 and stays', async () => {
    const used = await makeProduct(t.c.db, staff.tenant.id);
    await makePlan(t.c.db, staff.tenant.id, used.id);
    const refused = await admin.delete(`/api/products/${used.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'PRODUCT_IN_USE', details: { plans: 1 } });
    expect(await t.c.db.product.findUnique({ where: { id: used.id } })).not.toBeNull();

    const unused = await makeProduct(t.c.db, staff.tenant.id);
    expect(await publicProducts(true)).toContain(unused.slug);
    const res = await admin.delete(`/api/products/${unused.id}`);
    expect(res.status).toBe(204);
    expect(await t.c.db.product.findUnique({ where: { id: unused.id } })).toBeNull();
    const audit = await auditOf(t.c.db, unused.id, 'product.deleted');
    expect(audit.details).toMatchObject({ before: { slug: unused.slug } });
    expect(await publicProducts()).not.toContain(unused.slug);
  });

  it("answers 404 for another tenant's product on every route, and changes nothing", async () => {
    const other = await makeStaff(t.c.db, t.app);
    const foreign = await makeProduct(t.c.db, other.tenant.id, { name: 'Theirs' });
    expect((await admin.get(`/api/products/${foreign.id}`)).status).toBe(404);
    expect((await admin.patch(`/api/products/${foreign.id}`, { name: 'Mine now' })).status).toBe(404);
    expect((await admin.delete(`/api/products/${foreign.id}`)).status).toBe(404);
    expect((await admin.get(`/api/products/${freshId()}`)).status).toBe(404);
    expect(await t.c.db.product.findUniqueOrThrow({ where: { id: foreign.id } })).toMatchObject({ name: 'Theirs' });
  });

  it('shows a product with its plans', async () => {
    const product = await makeProduct(t.c.db, staff.tenant.id);
    const plan = await makePlan(t.c.db, staff.tenant.id, product.id);
    const res = await as(t.app, staff.tokens.READ_ONLY).get(`/api/products/${product.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: product.id, plans: [{ id: plan.id, slug: plan.slug }], _count: { plans: 1 } });
  });

  it('lists with type/active filters, search, sort and pages', async () => {
    const scoped = await makeStaff(t.c.db, t.app);
    const tenantId = scoped.tenant.id;
    await makeProduct(t.c.db, tenantId, { slug: 'b-vps', name: 'Beta VPS', type: 'VPS' });
    await makeProduct(t.c.db, tenantId, { slug: 'a-vps', name: 'Alpha VPS', type: 'VPS' });
    await makeProduct(t.c.db, tenantId, { slug: 'c-vps', name: 'Gamma VPS', type: 'VPS', isActive: false });
    await makeProduct(t.c.db, tenantId, { slug: 'mail', name: 'Mail', type: 'EMAIL' });
    const viewer = as(t.app, scoped.tokens.BILLING);

    const vps = await viewer.get('/api/products?type=VPS&sort=name&order=asc');
    expect(vps.body.items.map((p: { slug: string }) => p.slug)).toEqual(['a-vps', 'b-vps', 'c-vps']);
    const active = await viewer.get('/api/products?type=VPS&isActive=true&sort=slug&order=desc');
    expect(active.body.items.map((p: { slug: string }) => p.slug)).toEqual(['b-vps', 'a-vps']);
    const search = await viewer.get('/api/products?search=gamma');
    expect(search.body.items.map((p: { slug: string }) => p.slug)).toEqual(['c-vps']);
    const page = await viewer.get('/api/products?sort=slug&order=asc&pageSize=3&page=2');
    expect(page.body).toMatchObject({ total: 4, totalPages: 2, page: 2 });
    expect(page.body.items.map((p: { slug: string }) => p.slug)).toEqual(['mail']);
    expect(badFields(await viewer.get('/api/products?type=CAR&page=0'))).toEqual(['query.page', 'query.type']);
  });
});
