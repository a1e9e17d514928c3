import { makeApp, type TestApp } from '../support/app';
import { as, badFields, freshId, makeSale } from '../support/admin';
import { makeStaff, uid } from '../support/factories';

let t: TestApp;
let staff: Awaited<ReturnType<typeof makeStaff>>;
let support: ReturnType<typeof as>;

beforeAll(async () => {
  t = await makeApp();
  staff = await makeStaff(t.c.db, t.app);
  support = as(t.app, staff.tokens.SUPPORT);
});
afterAll(() => t.close());

/** A sold domain with everything that can hang off one: zone, hosting on a server, mailboxes, a VPS. */
async function fullDomain(tenantId: string) {
  const db = t.c.db;
  const sale = await makeSale(db, tenantId);
  const web = await db.server.create({ data: { tenantId, name: `web-${uid()}`, role: 'WEB', ipAddress: '192.0.2.10' } });
  const hv = await db.server.create({ data: { tenantId, name: `hv-${uid()}`, role: 'HYPERVISOR', ipAddress: '192.0.2.20' } });
  const zone = await db.dnsZone.create({ data: { tenantId, domainId: sale.domain.id, isSynced: true, soaSerial: 2026010101 } });
  const hosting = await db.hostingAccount.create({ data: { tenantId, domainId: sale.domain.id, serverId: web.id, systemUser: `u${uid(4)}`, homeDir: '/home/x', status: 'ACTIVE' } });
  const mail = await Promise.all(['info', 'sales'].map((box) => db.mailAccount.create({ data: { tenantId, domainId: sale.domain.id, email: `${box}@${sale.domain.name}` } })));
  const vps = await db.vpsInstance.create({ data: { tenantId, domainId: sale.domain.id, serverId: hv.id, name: `vps-${uid()}`, status: 'RUNNING' } });
  return { ...sale, web, zone, hosting, mail, vps };
}

describe('domains', () => {
  it('shows a domain with its zones, hosting (and server), mailboxes, VPS, customer, orders and subscriptions', async () => {
    const d = await fullDomain(staff.tenant.id);
    const res = await support.get(`/api/domains/${d.domain.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: d.domain.id,
      name: d.domain.name,
      customer: { id: d.customer.id, email: d.customer.email },
      dnsZones: [{ id: d.zone.id, isSynced: true, soaSerial: 2026010101 }],
      hosting: { id: d.hosting.id, status: 'ACTIVE', server: { id: d.web.id, name: d.web.name, ipAddress: '192.0.2.10' } },
      vps: { id: d.vps.id, status: 'RUNNING', server: { role: 'HYPERVISOR' } },
      orders: [{ id: d.order.id, plan: { id: d.planId } }],
      subscriptions: [{ id: d.subscription.id, status: 'ACTIVE' }],
      _count: { mailAccounts: 2, orders: 1, subscriptions: 1 },
    });
    expect(res.body.mailAccounts.map((m: { email: string }) => m.email)).toEqual(d.mail.map((m) => m.email).sort());
    expect((await as(t.app, staff.tokens.READ_ONLY).get(`/api/domains/${d.domain.id}`)).status).toBe(200);
  });

  it('lists with status, customer and search filters, sorted and paged', async () => {
    const scoped = await makeStaff(t.c.db, t.app);
    const api = as(t.app, scoped.tokens.ADMIN);
    const a = await fullDomain(scoped.tenant.id);
    const b = await makeSale(t.c.db, scoped.tenant.id, { email: `findme-${uid(3)}@example.com` });
    const c = await makeSale(t.c.db, scoped.tenant.id, { customerId: b.customer.id });
    await t.c.db.domain.update({ where: { id: c.domain.id }, data: { status: 'SUSPENDED' } });

    const all = await api.get('/api/domains?sort=name&order=asc');
    expect(all.status).toBe(200);
    expect(all.body.items.map((x: { name: string }) => x.name)).toEqual([a.domain.name, b.domain.name, c.domain.name].sort());
    const listed = all.body.items.find((x: { id: string }) => x.id === a.domain.id);
    expect(listed).toMatchObject({ customer: { id: a.customer.id }, hosting: { status: 'ACTIVE', server: { name: a.web.name } }, _count: { dnsZones: 1, mailAccounts: 2 } });

    expect((await api.get('/api/domains?status=SUSPENDED')).body.items.map((x: { id: string }) => x.id)).toEqual([c.domain.id]);
    const byName = [b.domain, c.domain].sort((x, y) => x.name.localeCompare(y.name)).map((d) => d.id);
    expect((await api.get(`/api/domains?customerId=${b.customer.id}&sort=name&order=asc`)).body.items.map((x: { id: string }) => x.id)).toEqual(byName);
    expect((await api.get(`/api/domains?search=${a.domain.name.slice(0, 9).toUpperCase()}`)).body.items.map((x: { id: string }) => x.id)).toEqual([a.domain.id]);
    expect((await api.get('/api/domains?search=FINDME')).body.total).toBe(2);
    expect((await api.get('/api/domains?pageSize=2')).body).toMatchObject({ total: 3, totalPages: 2 });
    expect(badFields(await api.get('/api/domains?status=GONE&pageSize=1000'))).toEqual(['query.pageSize', 'query.status']);
  });

  it('is closed to BILLING, and open to READ_ONLY for reading', async () => {
    const { domain } = await makeSale(t.c.db, staff.tenant.id);
    expect((await as(t.app, staff.tokens.BILLING).get('/api/domains')).status).toBe(403);
    expect((await as(t.app, staff.tokens.BILLING).get(`/api/domains/${domain.id}`)).status).toBe(403);
    expect((await as(t.app, staff.tokens.READ_ONLY).get('/api/domains')).status).toBe(200);
  });

  it("answers 404 for another tenant's domain and never lists it", async () => {
    const other = await makeStaff(t.c.db, t.app);
    const theirs = await fullDomain(other.tenant.id);
    expect((await support.get(`/api/domains/${theirs.domain.id}`)).status).toBe(404);
    expect((await support.get(`/api/domains/${freshId()}`)).status).toBe(404);
    expect((await support.get(`/api/domains?search=${theirs.domain.name}`)).body.total).toBe(0);
    expect((await support.get(`/api/domains?customerId=${theirs.customer.id}`)).body.total).toBe(0);
  });
});
