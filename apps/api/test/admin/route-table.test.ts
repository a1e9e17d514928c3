import jwt from 'jsonwebtoken';
import request from 'supertest';
import type { RouteEntry } from '../../src/core/admin-router';
import { PERMISSIONS, ROLES, type Role } from '../../src/core/permissions';
import type { Db } from '../../src/config/database';
import { makeApp, type TestApp } from '../support/app';
import { freshId, makeSale } from '../support/admin';
import { makeStaff, makeTenant, makeUser, uid } from '../support/factories';

/**
 * Walks every admin route the app registered — including ones added after this file was
 * written — and checks the gate in front of it: the role matrix over HTTP, the matrix against
 * spec §11 restated by hand, authentication, and tenant scoping of every `:param` route.
 */

let t: TestApp;
let staff: Awaited<ReturnType<typeof makeStaff>>;
let foreignIds: string[];
let routes: RouteEntry[];

beforeAll(async () => {
  t = await makeApp();
  staff = await makeStaff(t.c.db, t.app);
  foreignIds = await rowsOfEveryKind(t.c.db);
  routes = t.app.routeRegistry;
});
afterAll(() => t.close());

// ---- spec §11, restated independently of src/core/permissions.ts -------------------------

/** The only changes SUPPORT makes: day-to-day operational fixes, nothing destructive. */
const SUPPORT_WRITES = new Set(['servers.check', 'dns.write', 'hosting.suspend', 'vps.control', 'mail.write', 'backups.run', 'jobs.retry']);
/** What BILLING works on (reads and writes). */
const BILLING_AREAS = new Set(['customers', 'orders', 'subscriptions']);
/** What BILLING may look at besides its own areas: the catalog it sells, the dashboard, the trail. */
const BILLING_READS = new Set(['products', 'plans', 'dashboard', 'audit']);
const DESTRUCTIVE = /\.(delete|terminate|destroy)$/;

function specAllows(role: Role, route: Pick<RouteEntry, 'method' | 'action'>): boolean {
  const [area, verb] = route.action.split('.');
  const isRead = verb === 'read';
  switch (role) {
    case 'SUPER_ADMIN':
      return true;
    case 'ADMIN':
      return area !== 'tenants'; // the one system-level area
    case 'SUPPORT':
      if (area === 'tenants' || route.method === 'delete' || DESTRUCTIVE.test(route.action)) return false;
      return isRead || SUPPORT_WRITES.has(route.action);
    case 'BILLING':
      return BILLING_AREAS.has(area) || (isRead && BILLING_READS.has(area));
    case 'READ_ONLY':
      return area !== 'tenants' && isRead && route.method === 'get';
  }
}

const matrixAllows = (role: Role, action: string) => (PERMISSIONS as Record<string, readonly Role[]>)[action]?.includes(role) ?? false;

// ---- helpers -----------------------------------------------------------------------------

const PARAM = /:[A-Za-z_][A-Za-z0-9_]*/g;
const fill = (path: string, id: string) => path.replace(PARAM, id);
const hasParams = (path: string) => /:[A-Za-z_]/.test(path);
/** `:id`, `:zoneId`…: a route whose params are all row ids must answer 404 for a foreign one, never 400. */
const onlyIdParams = (path: string) => (path.match(PARAM) ?? []).every((p) => p === ':id' || /Id$/.test(p));
const label = (r: RouteEntry) => `${r.method.toUpperCase()} ${r.path}`;

function call(route: RouteEntry, opts: { prefix?: string; token?: string; id?: string } = {}) {
  const url = `${opts.prefix ?? '/api'}${fill(route.path, opts.id ?? freshId())}`;
  let req = request(t.app)[route.method](url);
  if (opts.token) req = req.set('Authorization', `Bearer ${opts.token}`);
  return route.method === 'get' ? req : req.send({});
}

/** Runs `check` over every route, a few at a time, and returns the failures it reported. */
async function eachRoute(check: (route: RouteEntry) => Promise<string[]>): Promise<string[]> {
  const failures: string[] = [];
  for (let i = 0; i < routes.length; i += 4) {
    const batch = await Promise.all(routes.slice(i, i + 4).map(check));
    failures.push(...batch.flat());
  }
  return failures;
}

/** One row of every tenant-owned model, in a tenant the callers do not belong to. */
async function rowsOfEveryKind(db: Db): Promise<string[]> {
  const other = await makeTenant(db);
  const tenantId = other.id;
  const user = await makeUser(db, tenantId, 'ADMIN');
  const sale = await makeSale(db, tenantId);
  const plan = await db.plan.findUniqueOrThrow({ where: { id: sale.planId } });
  const server = await db.server.create({ data: { tenantId, name: `web-${uid()}`, role: 'WEB', ipAddress: '127.0.0.1' } });
  const zone = await db.dnsZone.create({ data: { tenantId, domainId: sale.domain.id } });
  const hosting = await db.hostingAccount.create({
    data: { tenantId, domainId: sale.domain.id, serverId: server.id, systemUser: `u${uid(4)}`, homeDir: `/home/u${uid(4)}` },
  });
  const vps = await db.vpsInstance.create({ data: { tenantId, serverId: server.id, name: `vps-${uid()}` } });
  const mailbox = await db.mailAccount.create({ data: { tenantId, domainId: sale.domain.id, email: `box@${sale.domain.name}` } });
  const backup = await db.backupJob.create({ data: { tenantId, type: 'CLIENT_SITE', targetId: sale.domain.id, serverId: server.id } });
  const report = await db.backupReport.create({ data: { tenantId, backupJobId: backup.id, status: 'SUCCESS' } });
  const job = await db.job.create({ data: { tenantId, orderId: sale.order.id, type: 'PROVISION_DNS', payload: { domainId: sale.domain.id } } });
  const jobLog = await db.jobLog.create({ data: { tenantId, jobId: job.id, attempt: 1, status: 'SUCCESS', message: 'ok' } });
  const audit = await db.auditLog.create({ data: { tenantId, userId: user.id, action: 'test.row', targetType: 'User', targetId: user.id } });
  return [
    user.id,
    plan.productId,
    plan.id,
    sale.customer.id,
    sale.domain.id,
    sale.order.id,
    sale.subscription.id,
    server.id,
    zone.id,
    hosting.id,
    vps.id,
    mailbox.id,
    backup.id,
    report.id,
    job.id,
    jobLog.id,
    audit.id,
  ];
}

// ---- the checks --------------------------------------------------------------------------

describe('admin route table', () => {
  it('has routes, each once, each naming an action of the role matrix', () => {
    expect(routes.length).toBeGreaterThan(10);
    const unknown = routes.filter((r) => !Object.hasOwn(PERMISSIONS, r.action)).map((r) => `${label(r)} → ${r.action}`);
    expect(unknown).toEqual([]);
    const seen = routes.map(label);
    expect(seen.filter((l, i) => seen.indexOf(l) !== i)).toEqual([]);
  });

  it('the matrix agrees with spec §11 for every action', () => {
    const disagreements: string[] = [];
    for (const action of Object.keys(PERMISSIONS)) {
      const method = action.endsWith('.read') ? 'get' : action.endsWith('.delete') ? 'delete' : 'post';
      for (const role of ROLES) {
        const spec = specAllows(role, { method, action: action as RouteEntry['action'] });
        if (spec !== matrixAllows(role, action)) disagreements.push(`${role} ${action}: spec says ${spec ? 'allow' : 'deny'}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('each route, by its method and action, is gated as spec §11 says', () => {
    const disagreements: string[] = [];
    for (const route of routes) {
      for (const role of ROLES) {
        const spec = specAllows(role, route);
        if (spec !== matrixAllows(role, route.action)) disagreements.push(`${label(route)} (${route.action}) ${role}: spec says ${spec ? 'allow' : 'deny'}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('lets each role through exactly where the matrix allows it (403 elsewhere), under /api and /api/admin', async () => {
    const failures = await eachRoute(async (route) => {
      const out: string[] = [];
      await Promise.all(
        ROLES.map(async (role) => {
          const res = await call(route, { token: staff.tokens[role] });
          const allowed = matrixAllows(role, route.action);
          if (allowed && (res.status === 401 || res.status === 403)) out.push(`${label(route)} ${role}: allowed but got ${res.status} ${JSON.stringify(res.body)}`);
          if (!allowed && res.status !== 403) out.push(`${label(route)} ${role}: denied but got ${res.status}`);
          if (res.status >= 500) out.push(`${label(route)} ${role}: ${res.status} ${JSON.stringify(res.body)}`);
        }),
      );
      // The same router answers under /api/admin: one denied role proves the gate is there too.
      const denied = ROLES.find((role) => !matrixAllows(role, route.action));
      if (denied) {
        const res = await call(route, { prefix: '/api/admin', token: staff.tokens[denied] });
        if (res.status !== 403) out.push(`/api/admin${label(route).slice(route.method.length)} ${denied}: denied but got ${res.status}`);
      }
      return out;
    });
    expect(failures).toEqual([]);
  });

  it('answers 401 without a token, with an expired one and with a forged one, on every route', async () => {
    const now = Math.floor(Date.now() / 1000);
    const user = staff.users.SUPER_ADMIN;
    const claims = { sub: user.id, tid: user.tenantId, role: user.role, typ: 'access', iat: now - 3600, exp: now - 60 };
    const signOpts = { algorithm: 'HS256', issuer: 'mpanel', audience: 'mpanel-admin' } as const;
    const expired = jwt.sign(claims, t.c.env.JWT_SECRET, signOpts);
    const forged = jwt.sign({ ...claims, exp: now + 600 }, 'not-the-secret-but-long-enough-to-look-real', signOpts);

    const failures = await eachRoute(async (route) => {
      const cases = [
        { name: 'no token (/api)', prefix: '/api', token: undefined, code: 'UNAUTHORIZED' },
        { name: 'no token (/api/admin)', prefix: '/api/admin', token: undefined, code: 'UNAUTHORIZED' },
        { name: 'expired token', prefix: '/api', token: expired, code: 'TOKEN_EXPIRED' },
        { name: 'forged token', prefix: '/api', token: forged, code: 'INVALID_TOKEN' },
      ];
      const results = await Promise.all(cases.map((c) => call(route, c)));
      return results.flatMap((res, i) =>
        res.status === 401 && res.body.error?.code === cases[i].code ? [] : [`${label(route)} ${cases[i].name}: ${res.status} ${res.body.error?.code}`],
      );
    });
    expect(failures).toEqual([]);
  });

  it("answers 404 for another tenant's ids on every :param route (reads), and never acts on them (writes)", async () => {
    // Tenants are platform-level: a SUPER_ADMIN reaches every tenant by design (tenants.test.ts).
    const scoped = routes.filter((r) => hasParams(r.path) && !r.path.startsWith('/tenants'));
    expect(scoped.length).toBeGreaterThan(5);
    const token = staff.tokens.SUPER_ADMIN;
    const failures: string[] = [];
    for (const route of scoped) {
      const results = await Promise.all([...foreignIds, freshId()].map((id) => call(route, { token, id }).then((res) => ({ id, res }))));
      for (const { id, res } of results) {
        // A write may stop at its body ({} is sent), a read at a non-id param (a record name…).
        const strict = route.method === 'get' && onlyIdParams(route.path);
        const ok = res.status === 404 || (!strict && res.status === 400);
        if (!ok) failures.push(`${label(route)} with ${id}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
