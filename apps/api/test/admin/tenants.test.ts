import { makeApp, type TestApp } from '../support/app';
import { as, auditOf, badFields, freshId } from '../support/admin';
import { PASSWORD, makePlan, makeProduct, makeStaff, makeTenant, makeUser, uid } from '../support/factories';

let t: TestApp;
let staff: Awaited<ReturnType<typeof makeStaff>>;
let root: ReturnType<typeof as>;

beforeAll(async () => {
  t = await makeApp();
  staff = await makeStaff(t.c.db, t.app);
  root = as(t.app, staff.tokens.SUPER_ADMIN);
});
afterAll(() => t.close());

describe('tenants (SUPER_ADMIN)', () => {
  it('creates a tenant, audited in the actor’s tenant', async () => {
    const slug = `new-${uid(4)}`;
    const res = await root.post('/api/tenants', { name: 'White Label Co', slug }).set('User-Agent', 'tenants-test/1');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'White Label Co', slug, isActive: true, _count: { users: 0 } });
    const audit = await auditOf(t.c.db, res.body.id, 'tenant.created');
    expect(audit).toMatchObject({ tenantId: staff.tenant.id, userId: staff.users.SUPER_ADMIN.id, targetType: 'Tenant', userAgent: 'tenants-test/1' });
    expect(audit.details).toEqual({ after: { name: 'White Label Co', slug } });
    expect(audit.requestId).toEqual(expect.any(String));
    expect(audit.ipAddress).toMatch(/127\.0\.0\.1|::1/);
  });

  it('refuses bad input with 400 naming the fields, and writes nothing', async () => {
    const before = await t.c.db.tenant.count();
    const res = await root.post('/api/tenants', { name: '', slug: 'Not A Slug!' });
    expect(badFields(res)).toEqual(['body.name', 'body.slug']);
    const unknownField = await root.post('/api/tenants', { name: 'X', slug: `x-${uid(4)}`, isActive: false });
    expect(unknownField.status).toBe(400);
    expect(await t.c.db.tenant.count()).toBe(before);
  });

  it('answers 409 for a slug already taken', async () => {
    const other = await makeTenant(t.c.db);
    const res = await root.post('/api/tenants', { name: 'Dup', slug: other.slug });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ALREADY_EXISTS');
  });

  it('shows one tenant with its counts, 404 for an unknown id', async () => {
    const res = await root.get(`/api/tenants/${staff.tenant.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: staff.tenant.id, slug: staff.tenant.slug, _count: { users: 5 } });
    expect((await root.get(`/api/tenants/${freshId()}`)).status).toBe(404);
  });

  it('updates name and slug with before/after in the audit row; an unchanged value writes no row', async () => {
    const tenant = await makeTenant(t.c.db, { name: 'Old Name' });
    const slug = `renamed-${uid(4)}`;
    const res = await root.patch(`/api/tenants/${tenant.id}`, { name: 'New Name', slug });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'New Name', slug });
    const audit = await auditOf(t.c.db, tenant.id, 'tenant.updated');
    expect(audit.details).toEqual({ before: { name: 'Old Name', slug: tenant.slug }, after: { name: 'New Name', slug } });

    const same = await root.patch(`/api/tenants/${tenant.id}`, { name: 'New Name' });
    expect(same.status).toBe(200);
    expect(await t.c.db.auditLog.count({ where: { targetId: tenant.id, action: 'tenant.updated' } })).toBe(1);

    expect(badFields(await root.patch(`/api/tenants/${tenant.id}`, {}))).toEqual(['body']);
    expect((await root.patch(`/api/tenants/${freshId()}`, { name: 'Nobody' })).status).toBe(404);
  });

  it('deactivating a tenant stops its staff signing in and empties its public catalog at once', async () => {
    const tenant = await makeTenant(t.c.db);
    const user = await makeUser(t.c.db, tenant.id, 'ADMIN');
    const product = await makeProduct(t.c.db, tenant.id, { slug: 'hosting' });
    await makePlan(t.c.db, tenant.id, product.id, { slug: 'starter-monthly' });

    // Warm the catalog cache, so an empty answer below proves it was invalidated.
    const warm = await t.http().get(`/api/public/plans?tenant=${tenant.slug}`);
    expect(warm.body.plans).toHaveLength(1);
    expect((await t.http().get(`/api/public/products?tenant=${tenant.slug}`)).body.products).toHaveLength(1);
    const login = await t.http().post('/api/auth/login').send({ email: user.email, password: PASSWORD });
    expect(login.status).toBe(200);

    const res = await root.post(`/api/tenants/${tenant.id}/deactivate`);
    expect(res.status).toBe(200);
    expect(res.body.isActive).toBe(false);
    const audit = await auditOf(t.c.db, tenant.id, 'tenant.deactivated');
    expect(audit.details).toMatchObject({ before: { isActive: true }, after: { isActive: false } });

    expect((await t.http().post('/api/auth/login').send({ email: user.email, password: PASSWORD })).status).toBe(401);
    // A token issued before the deactivation stops working too.
    expect((await as(t.app, login.body.token).get('/api/products')).status).toBe(401);
    expect((await t.http().post('/api/auth/refresh').send({ refreshToken: login.body.refreshToken })).status).toBe(401);
    expect((await t.http().get(`/api/public/plans?tenant=${tenant.slug}`)).body.plans).toEqual([]);
    expect((await t.http().get(`/api/public/products?tenant=${tenant.slug}`)).body.products).toEqual([]);

    // Deactivating again changes nothing and records nothing.
    expect((await root.post(`/api/tenants/${tenant.id}/deactivate`)).status).toBe(200);
    expect(await t.c.db.auditLog.count({ where: { targetId: tenant.id, action: 'tenant.deactivated' } })).toBe(1);

    const back = await root.post(`/api/tenants/${tenant.id}/activate`);
    expect(back.body.isActive).toBe(true);
    expect((await t.http().get(`/api/public/plans?tenant=${tenant.slug}`)).body.plans).toHaveLength(1);
    expect((await t.http().post('/api/auth/login').send({ email: user.email, password: PASSWORD })).status).toBe(200);
    await auditOf(t.c.db, tenant.id, 'tenant.activated');
  });

  it('refuses to deactivate the caller’s own tenant', async () => {
    const res = await root.post(`/api/tenants/${staff.tenant.id}/deactivate`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('OWN_TENANT');
    expect((await t.c.db.tenant.findUniqueOrThrow({ where: { id: staff.tenant.id } })).isActive).toBe(true);
  });

  it('is for SUPER_ADMIN only', async () => {
    const admin = as(t.app, staff.tokens.ADMIN);
    expect((await admin.get('/api/tenants')).status).toBe(403);
    expect((await admin.post(`/api/tenants/${staff.tenant.id}/deactivate`)).status).toBe(403);
  });

  it('lists with search, active filter, sort and pages', async () => {
    const tag = uid(4);
    for (const [slug, isActive] of [[`list-${tag}-c`, true], [`list-${tag}-a`, true], [`list-${tag}-b`, false], [`list-${tag}-d`, true]] as const) {
      await makeTenant(t.c.db, { slug, isActive });
    }
    const page1 = await root.get(`/api/tenants?search=list-${tag}&sort=slug&order=asc&pageSize=2`);
    expect(page1.status).toBe(200);
    expect(page1.body).toMatchObject({ page: 1, pageSize: 2, total: 4, totalPages: 2 });
    expect(page1.body.items.map((x: { slug: string }) => x.slug)).toEqual([`list-${tag}-a`, `list-${tag}-b`]);
    const page2 = await root.get(`/api/tenants?search=list-${tag}&sort=slug&order=asc&pageSize=2&page=2`);
    expect(page2.body.items.map((x: { slug: string }) => x.slug)).toEqual([`list-${tag}-c`, `list-${tag}-d`]);
    const inactive = await root.get(`/api/tenants?search=list-${tag}&isActive=false`);
    expect(inactive.body.items.map((x: { slug: string }) => x.slug)).toEqual([`list-${tag}-b`]);
    expect(badFields(await root.get('/api/tenants?sort=password&pageSize=1000'))).toEqual(['query.pageSize', 'query.sort']);
  });
});
