import { makeApp, type TestApp } from '../support/app';
import { as, auditOf, badFields, freshId } from '../support/admin';
import { PASSWORD, login, makeStaff, makeUser, uid } from '../support/factories';

let t: TestApp;

beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

/** A fresh tenant per test, so rules about "the last SUPER_ADMIN" see only that test's users. */
async function team() {
  const staff = await makeStaff(t.c.db, t.app);
  return { ...staff, root: as(t.app, staff.tokens.SUPER_ADMIN), admin: as(t.app, staff.tokens.ADMIN) };
}

async function signIn(email: string, password = PASSWORD) {
  return t.http().post('/api/auth/login').send({ email, password });
}

describe('users', () => {
  it('creates a user with a generated password returned once, never stored or audited in clear', async () => {
    const { admin, tenant, users } = await team();
    const email = `New.Person-${uid(4)}@Example.test`;
    const res = await admin.post('/api/users', { email, displayName: 'New Person', role: 'SUPPORT' });
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const { user, password } = res.body;
    expect(user).toMatchObject({ email: email.toLowerCase(), displayName: 'New Person', role: 'SUPPORT', tenantId: tenant.id, isActive: true });
    expect(password).toEqual(expect.any(String));
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(JSON.stringify(res.body)).not.toContain('passwordHash');

    expect((await signIn(email.toLowerCase(), password)).status).toBe(200);
    const row = await t.c.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).not.toContain(password);
    const audit = await auditOf(t.c.db, user.id, 'user.created');
    expect(audit).toMatchObject({ tenantId: tenant.id, userId: users.ADMIN.id, targetType: 'User' });
    expect(audit.details).toEqual({ after: { email: email.toLowerCase(), displayName: 'New Person', role: 'SUPPORT' }, passwordGenerated: true });
    expect(JSON.stringify(audit)).not.toContain(password);

    // Reading the user later never shows a password again.
    const detail = await admin.get(`/api/users/${user.id}`);
    expect(detail.status).toBe(200);
    expect(Object.keys(detail.body).sort()).toEqual(['createdAt', 'displayName', 'email', 'id', 'isActive', 'lastLoginAt', 'role', 'tenantId', 'updatedAt']);
  });

  it('creates with a given password and does not echo it', async () => {
    const { admin } = await team();
    const email = `given-${uid()}@example.test`;
    const res = await admin.post('/api/users', { email, displayName: 'Given', role: 'BILLING', password: 'A-chosen-password-42' });
    expect(res.status).toBe(201);
    expect(res.body.password).toBeUndefined();
    expect((await signIn(email, 'A-chosen-password-42')).status).toBe(200);
  });

  it('refuses bad input with 400 naming the fields, and writes nothing', async () => {
    const { admin, tenant } = await team();
    const before = await t.c.db.user.count({ where: { tenantId: tenant.id } });
    const res = await admin.post('/api/users', { email: 'nope', displayName: '', role: 'OWNER', password: 'short' });
    expect(badFields(res)).toEqual(['body.displayName', 'body.email', 'body.password', 'body.role']);
    expect(await t.c.db.user.count({ where: { tenantId: tenant.id } })).toBe(before);
    expect(await t.c.db.auditLog.count({ where: { tenantId: tenant.id, action: { startsWith: 'user.' } } })).toBe(0);
  });

  it('answers 409 for an email already in use', async () => {
    const { admin, users } = await team();
    const res = await admin.post('/api/users', { email: users.SUPPORT.email, displayName: 'Dup', role: 'SUPPORT' });
    expect(res.status).toBe(409);
  });

  it('nobody creates, raises or manages a user above their own role', async () => {
    const { admin, users, tenant } = await team();
    const create = await admin.post('/api/users', { email: `boss-${uid()}@example.test`, displayName: 'Boss', role: 'SUPER_ADMIN' });
    expect(create.status).toBe(403);
    expect(create.body.error.code).toBe('ROLE_TOO_HIGH');

    const raise = await admin.patch(`/api/users/${users.SUPPORT.id}/role`, { role: 'SUPER_ADMIN' });
    expect(raise.status).toBe(403);
    // An ADMIN cannot demote, rename, deactivate or reset the password of a SUPER_ADMIN either.
    for (const res of [
      await admin.patch(`/api/users/${users.SUPER_ADMIN.id}/role`, { role: 'READ_ONLY' }),
      await admin.patch(`/api/users/${users.SUPER_ADMIN.id}`, { displayName: 'Hijacked' }),
      await admin.post(`/api/users/${users.SUPER_ADMIN.id}/deactivate`),
      await admin.post(`/api/users/${users.SUPER_ADMIN.id}/reset-password`, { password: 'Takeover-password-1' }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('ROLE_TOO_HIGH');
    }
    const sa = await t.c.db.user.findUniqueOrThrow({ where: { id: users.SUPER_ADMIN.id } });
    expect(sa).toMatchObject({ role: 'SUPER_ADMIN', isActive: true, displayName: users.SUPER_ADMIN.displayName, passwordHash: users.SUPER_ADMIN.passwordHash });
    expect(await t.c.db.auditLog.count({ where: { tenantId: tenant.id, action: { startsWith: 'user.' } } })).toBe(0);

    // Up to their own level is fine.
    const ok = await admin.patch(`/api/users/${users.SUPPORT.id}/role`, { role: 'ADMIN' });
    expect(ok.status).toBe(200);
    expect(ok.body.role).toBe('ADMIN');
    const audit = await auditOf(t.c.db, users.SUPPORT.id, 'user.role_changed');
    expect(audit.details).toEqual({ before: { role: 'SUPPORT' }, after: { role: 'ADMIN' } });
  });

  it('keeps the last active SUPER_ADMIN: no demoting them, even by two admins racing each other', async () => {
    const { root, users } = await team();
    const alone = await root.patch(`/api/users/${users.SUPER_ADMIN.id}/role`, { role: 'ADMIN' });
    expect(alone.status).toBe(409);
    expect(alone.body.error.code).toBe('LAST_SUPER_ADMIN');

    const second = await makeUser(t.c.db, users.SUPER_ADMIN.tenantId, 'SUPER_ADMIN');
    const secondToken = await login(t.app, second.email);
    const [a, b] = await Promise.all([
      root.patch(`/api/users/${second.id}/role`, { role: 'ADMIN' }),
      as(t.app, secondToken).patch(`/api/users/${users.SUPER_ADMIN.id}/role`, { role: 'ADMIN' }),
    ]);
    // The loser is refused either by the count (409) or, if the winner's demotion landed before
    // the loser's request was authenticated, because it is no longer a SUPER_ADMIN (403).
    const statuses = [a.status, b.status].sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const left = await t.c.db.user.count({ where: { tenantId: users.SUPER_ADMIN.tenantId, role: 'SUPER_ADMIN', isActive: true } });
    expect(left).toBe(1);
  });

  it('deactivating a user ends their sessions at once; nobody deactivates themself', async () => {
    const { admin, users } = await team();
    const self = await admin.post(`/api/users/${users.ADMIN.id}/deactivate`);
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe('SELF_DEACTIVATION');

    const target = users.SUPPORT;
    const session = await signIn(target.email);
    const res = await admin.post(`/api/users/${target.id}/deactivate`);
    expect(res.status).toBe(200);
    expect(res.body.isActive).toBe(false);
    expect(await t.c.db.refreshToken.count({ where: { userId: target.id, revokedAt: null } })).toBe(0);
    expect((await t.http().post('/api/auth/refresh').send({ refreshToken: session.body.refreshToken })).status).toBe(401);
    expect((await as(t.app, session.body.token).get('/api/customers')).status).toBe(401);
    expect((await signIn(target.email)).status).toBe(401);
    const audit = await auditOf(t.c.db, target.id, 'user.deactivated');
    expect(audit.details).toMatchObject({ before: { isActive: true }, after: { isActive: false } });
    expect((audit.details as { refreshTokensRevoked: number }).refreshTokensRevoked).toBeGreaterThanOrEqual(2);

    const back = await admin.post(`/api/users/${target.id}/activate`);
    expect(back.body.isActive).toBe(true);
    expect((await signIn(target.email)).status).toBe(200);
    await auditOf(t.c.db, target.id, 'user.activated');
  });

  it('resets a password: the new one works, the old one and every session do not', async () => {
    const { admin, users } = await team();
    const target = users.BILLING;
    const session = await signIn(target.email);
    const res = await admin.post(`/api/users/${target.id}/reset-password`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const generated: string = res.body.password;
    expect(generated).toEqual(expect.any(String));
    expect((await signIn(target.email)).status).toBe(401);
    expect((await signIn(target.email, generated)).status).toBe(200);
    expect((await t.http().post('/api/auth/refresh').send({ refreshToken: session.body.refreshToken })).status).toBe(401);
    const audit = await auditOf(t.c.db, target.id, 'user.password_reset');
    expect(audit.details).toMatchObject({ passwordGenerated: true });
    expect(JSON.stringify(audit)).not.toContain(generated);

    const given = await admin.post(`/api/users/${target.id}/reset-password`, { password: 'Given-new-password-7' });
    expect(given.status).toBe(200);
    expect(given.body.password).toBeUndefined();
    expect((await signIn(target.email, 'Given-new-password-7')).status).toBe(200);
    expect(badFields(await admin.post(`/api/users/${target.id}/reset-password`, { password: 'short' }))).toEqual(['body.password']);
  });

  it('updates name and email with before/after in the audit row', async () => {
    const { admin, users } = await team();
    const email = `renamed-${uid()}@example.test`;
    const res = await admin.patch(`/api/users/${users.READ_ONLY.id}`, { displayName: 'Viewer Two', email });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ displayName: 'Viewer Two', email });
    const audit = await auditOf(t.c.db, users.READ_ONLY.id, 'user.updated');
    expect(audit.details).toEqual({ before: { displayName: 'READ_ONLY user', email: users.READ_ONLY.email }, after: { displayName: 'Viewer Two', email } });
    // The role has its own route and rules: PATCH refuses it by name.
    const sneaky = await admin.patch(`/api/users/${users.READ_ONLY.id}`, { displayName: 'x', role: 'ADMIN' });
    expect(badFields(sneaky)).toEqual(['body']);
    expect(sneaky.body.error.details[0].message).toContain('role');
    expect((await t.c.db.user.findUniqueOrThrow({ where: { id: users.READ_ONLY.id } })).role).toBe('READ_ONLY');
  });

  it("answers 404 for another tenant's user on every route", async () => {
    const { admin } = await team();
    const other = await team();
    const id = other.users.SUPPORT.id;
    const results = [
      await admin.get(`/api/users/${id}`),
      await admin.patch(`/api/users/${id}`, { displayName: 'x' }),
      await admin.patch(`/api/users/${id}/role`, { role: 'READ_ONLY' }),
      await admin.post(`/api/users/${id}/deactivate`),
      await admin.post(`/api/users/${id}/activate`),
      await admin.post(`/api/users/${id}/reset-password`),
      await admin.get(`/api/users/${freshId()}`),
    ];
    expect(results.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404, 404]);
    expect(await t.c.db.user.findUniqueOrThrow({ where: { id } })).toMatchObject({ role: 'SUPPORT', isActive: true, passwordHash: other.users.SUPPORT.passwordHash });
  });

  it('lists only the caller’s tenant, with search, role filter, sort and pages', async () => {
    const { admin, tenant } = await team();
    await team(); // another tenant's staff must not show up
    const all = await admin.get('/api/users?pageSize=100');
    expect(all.body.total).toBe(5);
    expect(all.body.items.every((u: { tenantId: string }) => u.tenantId === tenant.id)).toBe(true);
    expect(JSON.stringify(all.body)).not.toContain('passwordHash');

    const byRole = await admin.get('/api/users?role=BILLING');
    expect(byRole.body.items.map((u: { role: string }) => u.role)).toEqual(['BILLING']);
    const search = await admin.get('/api/users?search=support-');
    expect(search.body.items.map((u: { role: string }) => u.role)).toEqual(['SUPPORT']);

    const page = await admin.get('/api/users?sort=email&order=asc&pageSize=2&page=2');
    const sorted = all.body.items.map((u: { email: string }) => u.email).sort();
    expect(page.body).toMatchObject({ total: 5, totalPages: 3, page: 2 });
    expect(page.body.items.map((u: { email: string }) => u.email)).toEqual(sorted.slice(2, 4));
    // Never-signed-in users go last either way; everyone in makeStaff has signed in once.
    const byLogin = await admin.get('/api/users?sort=lastLoginAt&order=desc');
    expect(byLogin.status).toBe(200);
    expect(badFields(await admin.get('/api/users?role=GOD'))).toEqual(['query.role']);
  });
});
