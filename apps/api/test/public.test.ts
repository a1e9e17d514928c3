import request from 'supertest';
import { createApp } from '../src/app';
import { createContainer } from '../src/container';
import { makeApp, testEnv, type TestApp } from './support/app';
import { eventually } from './support/eventually';
import { makePlan, makeProduct, makeTenant, uid } from './support/factories';

let t: TestApp;
let tenant: Awaited<ReturnType<typeof makeTenant>>;
let hosting: Awaited<ReturnType<typeof makeProduct>>;
let vps: Awaited<ReturnType<typeof makeProduct>>;

beforeAll(async () => {
  t = await makeApp();
  tenant = await makeTenant(t.c.db);
  hosting = await makeProduct(t.c.db, tenant.id, { slug: 'hosting', type: 'SHARED_HOSTING' });
  vps = await makeProduct(t.c.db, tenant.id, { slug: 'cloud-vps', type: 'VPS' });
  await makePlan(t.c.db, tenant.id, hosting.id, { slug: 'starter-monthly', priceMonthlyCents: 149, priceYearlyCents: 1490, limits: { diskGb: 10, emails: 0 } });
  await makePlan(t.c.db, tenant.id, hosting.id, { slug: 'starter-yearly', billingCycle: 'YEARLY', priceMonthlyCents: 124, priceYearlyCents: 1490 });
  await makePlan(t.c.db, tenant.id, hosting.id, { slug: 'retired', isActive: false });
  await makePlan(t.c.db, tenant.id, vps.id, { slug: 'vps-1-monthly', priceMonthlyCents: 599 });
  const hidden = await makeProduct(t.c.db, tenant.id, { slug: 'hidden', isActive: false });
  await makePlan(t.c.db, tenant.id, hidden.id, { slug: 'hidden-plan' });
});
afterAll(() => t.close());

const INTERNAL_FIELDS = ['id', 'tenantId', 'productId', 'createdAt', 'updatedAt', 'isActive', 'limitsJson', 'passwordHash'];

function keysDeep(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => keysDeep(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysDeep(v, out);
    }
  }
  return out;
}

describe('GET /api/public/plans', () => {
  it('lists active plans of active products with prices in cents, currency and limits', async () => {
    const res = await t.http().get(`/api/public/plans?tenant=${tenant.slug}`);
    expect(res.status).toBe(200);
    expect(res.body.tenant).toBe(tenant.slug);
    expect(res.body.plans.map((p: { slug: string }) => p.slug).sort()).toEqual(['starter-monthly', 'starter-yearly', 'vps-1-monthly']);
    const starter = res.body.plans.find((p: { slug: string }) => p.slug === 'starter-monthly');
    expect(starter).toEqual({
      slug: 'starter-monthly',
      name: 'Plan starter-monthly',
      product: { slug: 'hosting', name: 'Product hosting', type: 'SHARED_HOSTING' },
      billingCycle: 'MONTHLY',
      priceCents: 149,
      priceMonthlyCents: 149,
      priceYearlyCents: 1490,
      currency: 'usd',
      isPopular: false,
      limits: { diskGb: 10, emails: 0 },
    });
    const yearly = res.body.plans.find((p: { slug: string }) => p.slug === 'starter-yearly');
    expect(yearly.priceCents).toBe(1490);
  });

  it('never exposes internal ids or fields', async () => {
    for (const path of ['/api/public/plans', '/api/public/products']) {
      const res = await t.http().get(`${path}?tenant=${tenant.slug}`);
      const keys = keysDeep(res.body);
      for (const f of INTERNAL_FIELDS) expect(keys.has(f)).toBe(false);
    }
  });

  it('filters by product type and product slug', async () => {
    const byType = await t.http().get(`/api/public/plans?tenant=${tenant.slug}&type=VPS`);
    expect(byType.body.plans.map((p: { slug: string }) => p.slug)).toEqual(['vps-1-monthly']);
    const bySlug = await t.http().get(`/api/public/plans?tenant=${tenant.slug}&product=hosting`);
    expect(bySlug.body.plans).toHaveLength(2);
  });

  it('answers a bad filter with 400 naming it, and an unknown tenant with 404', async () => {
    const bad = await t.http().get(`/api/public/plans?tenant=${tenant.slug}&type=SPACESHIP`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('query.type');
    const unknown = await t.http().get(`/api/public/plans?tenant=no-such-${uid()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('TENANT_NOT_FOUND');
  });

  it('uses the default tenant from env when none is given', async () => {
    const own = await makeApp({ DEFAULT_TENANT_SLUG: tenant.slug });
    try {
      const res = await own.http().get('/api/public/plans');
      expect(res.status).toBe(200);
      expect(res.body.tenant).toBe(tenant.slug);
    } finally {
      await own.close();
    }
  });

  it('is cacheable: ETag, Cache-Control, 304 on a matching If-None-Match, CORS for any origin', async () => {
    const first = await t.http().get(`/api/public/plans?tenant=${tenant.slug}`).set('Origin', 'https://migrahosting.com');
    expect(first.headers.etag).toMatch(/^W\/".+"$/);
    expect(first.headers['cache-control']).toMatch(/public, max-age=\d+/);
    expect(first.headers['access-control-allow-origin']).toBe('*');
    const second = await t.http().get(`/api/public/plans?tenant=${tenant.slug}`).set('If-None-Match', first.headers.etag);
    expect(second.status).toBe(304);
    expect(second.text).toBe('');
    const other = await t.http().get(`/api/public/plans?tenant=${tenant.slug}`).set('If-None-Match', 'W/"stale"');
    expect(other.status).toBe(200);
  });

  it('drops the cached answer when the catalog changes, on this and on other API instances', async () => {
    const other = await makeApp();
    const subscriberC = createContainer(testEnv(), { subscribeCatalog: true });
    const subscriberApp = createApp(subscriberC);
    try {
      const url = `/api/public/plans?tenant=${tenant.slug}`;
      const before = await t.http().get(url);
      await request(subscriberApp).get(url); // fill the second instance's cache
      await t.c.db.plan.updateMany({ where: { tenantId: tenant.id, slug: 'starter-monthly' }, data: { priceMonthlyCents: 199 } });
      // Without invalidation both instances keep serving the cached body.
      expect((await t.http().get(url)).headers.etag).toBe(before.headers.etag);
      await other.c.catalog.invalidate(tenant.id); // a third instance made the change
      const fresh = await eventually(async () => {
        const res = await request(subscriberApp).get(url);
        expect(res.headers.etag).not.toBe(before.headers.etag);
        return res;
      });
      expect(fresh.body.plans.find((p: { slug: string }) => p.slug === 'starter-monthly').priceCents).toBe(199);
      await t.c.catalog.invalidate(tenant.id);
      expect((await t.http().get(url)).headers.etag).toBe(fresh.headers.etag);
    } finally {
      await other.close();
      await subscriberC.close();
    }
  });

  it('shows an empty catalog for a deactivated tenant', async () => {
    const gone = await makeTenant(t.c.db, { isActive: false });
    const p = await makeProduct(t.c.db, gone.id);
    await makePlan(t.c.db, gone.id, p.id);
    const res = await t.http().get(`/api/public/plans?tenant=${gone.slug}`);
    expect(res.status).toBe(200);
    expect(res.body.plans).toEqual([]);
  });
});

describe('GET /api/public/products and the aliases', () => {
  it('lists active products with their active plans', async () => {
    const res = await t.http().get(`/api/public/products?tenant=${tenant.slug}`);
    expect(res.status).toBe(200);
    expect(res.body.products.map((p: { slug: string }) => p.slug)).toEqual(['hosting', 'cloud-vps']);
    expect(res.body.products[0].plans.map((p: { slug: string }) => p.slug)).toEqual(['starter-monthly', 'starter-yearly']);
  });

  it('answers /api/products/public and /api/plans/public the same as /api/public/*', async () => {
    for (const [alias, canonical] of [
      ['/api/products/public', '/api/public/products'],
      ['/api/plans/public', '/api/public/plans'],
    ]) {
      const a = await t.http().get(`${alias}?tenant=${tenant.slug}`);
      const b = await t.http().get(`${canonical}?tenant=${tenant.slug}`);
      expect(a.status).toBe(200);
      expect(a.body).toEqual(b.body);
      expect(a.headers.etag).toBe(b.headers.etag);
    }
  });
});

describe('GET /api/public/health', () => {
  it('reports database and redis up with the version', async () => {
    const res = await t.http().get('/api/public/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', version: expect.any(String), checks: { database: { status: 'up' }, redis: { status: 'up' } } });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 503 when a dependency is down, without revealing where it lives', async () => {
    const broken = await makeApp({ REDIS_URL: 'redis://127.0.0.1:1/0' }, { waitForRedis: false });
    try {
      const res = await broken.http().get('/api/public/health');
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('degraded');
      expect(res.body.checks.database.status).toBe('up');
      expect(res.body.checks.redis.status).toBe('down');
      expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|redis:\/\//);
    } finally {
      await broken.close();
    }
  });
});
