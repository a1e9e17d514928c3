import express from 'express';
import request from 'supertest';
import { errorHandler } from '../src/core/error-handler';
import { ROLES, can } from '../src/core/permissions';
import { internalKey } from '../src/core/zones';
import { createLogger } from '../src/config/logger';
import { makeApp, type TestApp } from './support/app';
import { makeStaff } from './support/factories';

let t: TestApp;
let staff: Awaited<ReturnType<typeof makeStaff>>;
beforeAll(async () => {
  t = await makeApp();
  staff = await makeStaff(t.c.db, t.app);
});
afterAll(() => t.close());

describe('admin zone: role matrix', () => {
  it.each(ROLES)('%s against the SUPER_ADMIN-only tenants list, under /api and /api/admin', async (role) => {
    for (const path of ['/api/tenants', '/api/admin/tenants']) {
      const res = await t.http().get(path).set('Authorization', `Bearer ${staff.tokens[role]}`);
      expect(res.status).toBe(role === 'SUPER_ADMIN' ? 200 : 403);
      if (role !== 'SUPER_ADMIN') expect(res.body.error.code).toBe('FORBIDDEN');
    }
  });

  it.each(ROLES)('%s may read the audit log of its own tenant only', async (role) => {
    const res = await t.http().get('/api/audit?pageSize=100').set('Authorization', `Bearer ${staff.tokens[role]}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items.every((row: { tenantId: string }) => row.tenantId === staff.tenant.id)).toBe(true);
  });

  it('refuses admin routes without a token', async () => {
    const res = await t.http().get('/api/tenants');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: expect.objectContaining({ code: 'UNAUTHORIZED' }) });
  });

  it('every registered admin route names an action that exists in the matrix', () => {
    expect(t.app.routeRegistry.length).toBeGreaterThan(0);
    for (const route of t.app.routeRegistry) expect(ROLES.some((r) => can(r, route.action))).toBe(true);
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const res = await t.http().get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('internal zone', () => {
  const keys = ['first-internal-key-0123456789', 'second-internal-key-0123456789'];
  const app = express();
  app.post('/internal', internalKey(keys), (_req, res) => {
    res.json({ ok: true });
  });
  app.use(errorHandler(createLogger({ LOG_LEVEL: 'silent', LOG_FILE: '', NODE_ENV: 'test' })));

  it('refuses a missing key with 401 JSON', async () => {
    const res = await request(app).post('/internal');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_INTERNAL_KEY');
  });

  it('refuses a wrong key, including a prefix of a right one', async () => {
    for (const key of ['wrong', keys[0].slice(0, -1), `${keys[0]}x`]) {
      expect((await request(app).post('/internal').set('x-internal-key', key)).status).toBe(401);
    }
  });

  it('accepts any configured key in x-internal-key or as a Bearer token', async () => {
    expect((await request(app).post('/internal').set('x-internal-key', keys[1])).status).toBe(200);
    expect((await request(app).post('/internal').set('Authorization', `Bearer ${keys[0]}`)).status).toBe(200);
  });
});
