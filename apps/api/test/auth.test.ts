import jwt from 'jsonwebtoken';
import request from 'supertest';
import { makeApp, type TestApp } from './support/app';
import { PASSWORD, makeTenant, makeUser, uid } from './support/factories';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

async function freshUser(role: 'SUPER_ADMIN' | 'READ_ONLY' = 'SUPER_ADMIN', opts: { tenantActive?: boolean; userActive?: boolean } = {}) {
  const tenant = await makeTenant(t.c.db, { isActive: opts.tenantActive ?? true });
  const user = await makeUser(t.c.db, tenant.id, role, { isActive: opts.userActive ?? true });
  return { tenant, user };
}

describe('POST /api/auth/login', () => {
  it('signs in with the spec §6.1 response, records lastLoginAt and an audit row with ip and user agent', async () => {
    const { user, tenant } = await freshUser();
    const res = await t.http().post('/api/auth/login').set('User-Agent', 'jest-agent/1.0').send({ email: user.email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      token: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
      user: { id: user.id, email: user.email, displayName: user.displayName, role: 'SUPER_ADMIN', tenantId: tenant.id },
    });
    expect(JSON.stringify(res.body)).not.toContain('passwordHash');
    const after = await t.c.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.lastLoginAt).not.toBeNull();
    const audit = await t.c.db.auditLog.findFirstOrThrow({ where: { userId: user.id, action: 'auth.login' } });
    expect(audit.ipAddress).toMatch(/127\.0\.0\.1|::1/);
    expect(audit.userAgent).toBe('jest-agent/1.0');
    expect(audit.tenantId).toBe(tenant.id);
    expect(audit.requestId).toEqual(expect.any(String));
  });

  it('refuses a wrong password with 401 and audits the failure without the password', async () => {
    const { user } = await freshUser();
    const res = await t.http().post('/api/auth/login').send({ email: user.email, password: 'Wrong-password-123' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
    const audit = await t.c.db.auditLog.findFirstOrThrow({ where: { userId: user.id, action: 'auth.login_failed' } });
    expect(audit.details).toMatchObject({ email: user.email, reason: 'bad_password' });
    expect(JSON.stringify(audit.details)).not.toContain('Wrong-password');
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const res = await t.http().post('/api/auth/login').send({ email: `nobody-${uid()}@example.test`, password: 'whatever-123' });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'INVALID_CREDENTIALS', message: 'Invalid email or password' });
  });

  it('refuses an inactive user and a user of an inactive tenant', async () => {
    const inactiveUser = await freshUser('SUPER_ADMIN', { userActive: false });
    const inactiveTenant = await freshUser('SUPER_ADMIN', { tenantActive: false });
    for (const { user } of [inactiveUser, inactiveTenant]) {
      const res = await t.http().post('/api/auth/login').send({ email: user.email, password: PASSWORD });
      expect(res.status).toBe(401);
    }
    const reasons = await t.c.db.auditLog.findMany({
      where: { action: 'auth.login_failed', userId: { in: [inactiveUser.user.id, inactiveTenant.user.id] } },
      select: { details: true },
    });
    expect(reasons.map((r) => (r.details as { reason: string }).reason).sort()).toEqual(['tenant_inactive', 'user_inactive']);
  });

  it('names the bad fields with 400 and writes nothing', async () => {
    const before = await t.c.db.auditLog.count();
    const res = await t.http().post('/api/auth/login').send({ email: 'not-an-email', password: '' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.email', 'body.password']);
    expect(await t.c.db.auditLog.count()).toBe(before);
  });

  it('answers malformed JSON with 400', async () => {
    const res = await t.http().post('/api/auth/login').set('Content-Type', 'application/json').send('{"email":');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_JSON');
  });

  it('rate-limits sign-in attempts, successful or not, per client', async () => {
    const limited = await makeApp({ RATE_LIMIT_LOGIN_PER_15_MINUTES: '3', QUEUE_PREFIX: `rl_${uid()}` });
    try {
      const { user } = await freshUser();
      const statuses = [];
      for (const password of [PASSWORD, 'wrong-password-1', PASSWORD, PASSWORD]) {
        statuses.push((await limited.http().post('/api/auth/login').send({ email: user.email, password })).status);
      }
      expect(statuses).toEqual([200, 401, 200, 429]);
      const res = await limited.http().post('/api/auth/login').send({ email: user.email, password: PASSWORD });
      expect(res.body.error.code).toBe('RATE_LIMITED');
      expect(res.headers['ratelimit-policy']).toBeDefined();
    } finally {
      await limited.close();
    }
  });
});

describe('refresh, logout, me', () => {
  async function signIn() {
    const { user } = await freshUser();
    const res = await t.http().post('/api/auth/login').send({ email: user.email, password: PASSWORD });
    return { user, token: res.body.token as string, refreshToken: res.body.refreshToken as string };
  }

  it('rotates: the new pair works, the old refresh token is dead', async () => {
    const s = await signIn();
    const r1 = await t.http().post('/api/auth/refresh').send({ refreshToken: s.refreshToken });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(s.refreshToken);
    const me = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${r1.body.token}`);
    expect(me.status).toBe(200);
    const r2 = await t.http().post('/api/auth/refresh').send({ refreshToken: r1.body.refreshToken });
    expect(r2.status).toBe(200);
  });

  it('detects reuse of a rotated token and revokes the whole family', async () => {
    const s = await signIn();
    const r1 = await t.http().post('/api/auth/refresh').send({ refreshToken: s.refreshToken });
    expect(r1.status).toBe(200);
    const replay = await t.http().post('/api/auth/refresh').send({ refreshToken: s.refreshToken });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('TOKEN_REUSED');
    // The legitimate newest token died with the family.
    const next = await t.http().post('/api/auth/refresh').send({ refreshToken: r1.body.refreshToken });
    expect(next.status).toBe(401);
    const live = await t.c.db.refreshToken.count({ where: { userId: s.user.id, revokedAt: null } });
    expect(live).toBe(0);
    expect(await t.c.db.auditLog.count({ where: { userId: s.user.id, action: 'auth.refresh_reuse' } })).toBe(1);
  });

  it('lets only one of two concurrent refreshes with the same token win', async () => {
    const s = await signIn();
    const results = await Promise.all([1, 2].map(() => t.http().post('/api/auth/refresh').send({ refreshToken: s.refreshToken })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('stores refresh tokens hashed only', async () => {
    const s = await signIn();
    const rows = await t.c.db.refreshToken.findMany({ where: { userId: s.user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0].tokenHash).not.toBe(s.refreshToken);
    expect(rows[0].tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('logout revokes the session; logging out twice is fine', async () => {
    const s = await signIn();
    expect((await t.http().post('/api/auth/logout').send({ refreshToken: s.refreshToken })).status).toBe(204);
    expect((await t.http().post('/api/auth/logout').send({ refreshToken: s.refreshToken })).status).toBe(204);
    const res = await t.http().post('/api/auth/refresh').send({ refreshToken: s.refreshToken });
    expect(res.status).toBe(401);
    expect(await t.c.db.auditLog.count({ where: { userId: s.user.id, action: 'auth.logout' } })).toBe(1);
  });

  it('me returns the user, tenant and the role permissions', async () => {
    const { user, tenant } = await freshUser('READ_ONLY');
    const login = await t.http().post('/api/auth/login').send({ email: user.email, password: PASSWORD });
    const res = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${login.body.token}`);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: user.id, role: 'READ_ONLY', lastLoginAt: expect.any(String) });
    expect(res.body.tenant).toEqual({ id: tenant.id, name: tenant.name, slug: tenant.slug });
    expect(res.body.permissions).toContain('audit.read');
    expect(res.body.permissions).not.toContain('servers.write');
    expect(res.body.permissions.every((p: string) => p.endsWith('.read'))).toBe(true);
  });

  it('a user deactivated after signing in is refused at once', async () => {
    const s = await signIn();
    await t.c.db.user.update({ where: { id: s.user.id }, data: { isActive: false } });
    const res = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${s.token}`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('ACCOUNT_DISABLED');
    expect((await t.http().post('/api/auth/refresh').send({ refreshToken: s.refreshToken })).status).toBe(401);
  });
});

describe('access tokens that must be refused', () => {
  const secret = process.env.JWT_SECRET!;
  let claims: Record<string, unknown>;
  beforeAll(async () => {
    const { user, tenant } = await freshUser();
    claims = { sub: user.id, tid: tenant.id, role: 'SUPER_ADMIN', typ: 'access' };
  });
  const me = (token: string) => request(t.app).get('/api/auth/me').set('Authorization', `Bearer ${token}`);

  it('accepts a well-formed token (control)', async () => {
    const token = jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: 60, issuer: 'mpanel', audience: 'mpanel-admin' });
    expect((await me(token)).status).toBe(200);
  });

  it('refuses an expired token with TOKEN_EXPIRED', async () => {
    const token = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, secret, { algorithm: 'HS256', issuer: 'mpanel', audience: 'mpanel-admin' });
    const res = await me(token);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('TOKEN_EXPIRED');
  });

  it('refuses a tampered token', async () => {
    const token = jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: 60, issuer: 'mpanel', audience: 'mpanel-admin' });
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'SUPER_ADMIN', sub: 'someone-else', exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
    expect((await me(`${h}.${forged}.${s}`)).status).toBe(401);
  });

  it('refuses alg:none', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ ...claims, iss: 'mpanel', aud: 'mpanel-admin', exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
    expect((await me(`${header}.${body}.`)).status).toBe(401);
  });

  it('refuses a token signed with another secret, and a refresh token used as access token', async () => {
    const other = jwt.sign(claims, 'another-secret-that-is-long-enough-000', { algorithm: 'HS256', expiresIn: 60, issuer: 'mpanel', audience: 'mpanel-admin' });
    expect((await me(other)).status).toBe(401);
    const refresh = jwt.sign({ ...claims, typ: 'refresh', fam: 'x', jti: 'y' }, secret, { algorithm: 'HS256', expiresIn: 60, issuer: 'mpanel', audience: 'mpanel-admin' });
    expect((await me(refresh)).status).toBe(401);
  });

  it('refuses a missing or malformed Authorization header', async () => {
    expect((await request(t.app).get('/api/auth/me')).status).toBe(401);
    expect((await request(t.app).get('/api/auth/me').set('Authorization', 'Basic abc')).status).toBe(401);
  });
});
