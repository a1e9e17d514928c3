import fs from 'node:fs';
import path from 'node:path';
import { nginxConfigTest } from '../../../../scripts/lib/peers/sshd';
import { createPowerDnsClient, type PowerDnsClient } from '../../src/integrations/powerdns/powerdns.client';
import { as, auditOf, badFields, freshId, makeSale } from '../support/admin';
import { queryDns } from '../support/dns';
import { makeStaff, uid } from '../support/factories';
import { startPeers, startStack, succeeded, type Peers, type Stack } from '../support/far-sides';

/**
 * Hosting accounts over HTTP, with every action run by an in-process worker through a real sshd
 * executing the host scripts in a sandboxed file system, and zones in a real PowerDNS.
 */
let peers: Peers;
let s: Stack;
let pdns: PowerDnsClient;
let staff: Awaited<ReturnType<typeof makeStaff>>;
let admin: ReturnType<typeof as>;
let support: ReturnType<typeof as>;
let webId: string;

beforeAll(async () => {
  peers = await startPeers('hosting');
  s = await startStack(peers.env);
  pdns = createPowerDnsClient({ baseUrl: peers.pdns.apiUrl, apiKey: peers.pdns.apiKey });
  staff = await makeStaff(s.t.c.db, s.t.app);
  s.tenantIds.push(staff.tenant.id);
  admin = as(s.t.app, staff.tokens.ADMIN);
  support = as(s.t.app, staff.tokens.SUPPORT);
  const web = await s.t.c.db.server.create({
    data: { tenantId: staff.tenant.id, name: 'srv1-web', role: 'WEB', ipAddress: '127.0.0.1', sshPort: peers.sshd.port, sshUser: peers.sshd.username },
  });
  webId = web.id;
}, 60000);

afterAll(async () => {
  await s?.close();
  await peers?.stop();
});

const sandbox = (...parts: string[]) => path.join(peers.hostRoot, ...parts);
/** Where the site's sites-enabled link points: the live vhost or the 503 one. */
const enabledTarget = (domain: string) => fs.readlinkSync(sandbox('etc/nginx/sites-enabled', `${domain}.conf`));

/** A domain with a hosting account created over HTTP and provisioned on the sandboxed web server. */
async function hostedDomain() {
  const { domain } = await makeSale(s.t.c.db, staff.tenant.id);
  const res = await admin.post('/api/hosting', { domainId: domain.id, phpVersion: '8.2' });
  expect(res.status).toBe(202);
  await succeeded(s.t, res.body.job.id);
  const account = await s.t.c.db.hostingAccount.findUniqueOrThrow({ where: { id: res.body.account.id } });
  return { domain, account, jobId: res.body.job.id as string };
}

describe('hosting: create', () => {
  it('refuses bad input with 400 naming the field, and writes nothing', async () => {
    const count = () => Promise.all([s.t.c.db.hostingAccount.count({ where: { tenantId: staff.tenant.id } }), s.t.c.db.job.count({ where: { tenantId: staff.tenant.id } })]);
    const before = await count();
    expect(badFields(await admin.post('/api/hosting', {}))).toEqual(['body.domainId']);
    expect(badFields(await admin.post('/api/hosting', { domainId: freshId(), phpVersion: '8.2; reboot', serverId: 'x' }))).toEqual(['body', 'body.phpVersion']);
    expect(await count()).toEqual(before);
  });

  it('places the account on a web server and creates the site through the host scripts, audited', async () => {
    const { domain } = await makeSale(s.t.c.db, staff.tenant.id);
    expect((await support.post('/api/hosting', { domainId: domain.id })).status).toBe(403);
    const res = await admin.post('/api/hosting', { domainId: domain.id, phpVersion: '8.2' });
    expect(res.status).toBe(202);
    expect(res.body.job).toEqual({ id: expect.any(String), type: 'PROVISION_HOSTING', status: 'PENDING' });
    expect(res.body.account).toMatchObject({ status: 'PENDING', serverId: webId, phpVersion: '8.2', domain: { name: domain.name }, server: { name: 'srv1-web' } });
    await succeeded(s.t, res.body.job.id);

    const account = await s.t.c.db.hostingAccount.findUniqueOrThrow({ where: { id: res.body.account.id } });
    expect(account).toMatchObject({ status: 'ACTIVE', homeDir: `/home/${account.systemUser}` });
    expect(fs.existsSync(sandbox(account.homeDir))).toBe(true);
    expect(enabledTarget(domain.name)).toBe(`../sites-available/${domain.name}.conf`);
    expect(nginxConfigTest(peers.hostRoot).ok).toBe(true);

    const audit = await auditOf(s.t.c.db, account.id, 'hosting.created');
    expect(audit).toMatchObject({ userId: staff.users.ADMIN.id, targetType: 'HostingAccount' });
    expect(audit.details).toMatchObject({ domain: domain.name, server: 'srv1-web', jobIds: [res.body.job.id], after: { systemUser: account.systemUser, status: 'PENDING' } });

    const again = await admin.post('/api/hosting', { domainId: domain.id });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'HOSTING_EXISTS', details: { hostingAccountId: account.id } });

    // The detail shows the domain, the server and the job that created it.
    const detail = await as(s.t.app, staff.tokens.READ_ONLY).get(`/api/hosting/${account.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: account.id, domain: { name: domain.name, customer: { email: expect.any(String) } }, server: { id: webId, ipAddress: '127.0.0.1' } });
    expect(detail.body.jobs).toEqual([expect.objectContaining({ id: res.body.job.id, type: 'PROVISION_HOSTING', status: 'SUCCESS' })]);
  }, 30000);

  it('points an existing zone at the new site by syncing it in the same request', async () => {
    const { domain } = await makeSale(s.t.c.db, staff.tenant.id);
    const zone = await admin.post('/api/dns/zones', { domainId: domain.id });
    await succeeded(s.t, zone.body.job.id);
    expect(await queryDns(peers.pdns.dnsPort, domain.name, 'A')).toEqual([]);

    const res = await admin.post('/api/hosting', { domainId: domain.id });
    expect(res.status).toBe(202);
    const jobs = await s.t.c.db.job.findMany({ where: { tenantId: staff.tenant.id, createdAt: { gte: new Date(Date.now() - 60_000) }, payload: { path: ['zoneId'], equals: zone.body.zone.id } }, orderBy: { createdAt: 'asc' } });
    expect(jobs.map((j) => j.type)).toEqual(['SYNC_DNS_ZONE', 'SYNC_DNS_ZONE']);
    await Promise.all([succeeded(s.t, res.body.job.id), succeeded(s.t, jobs[1].id)]);
    expect(await queryDns(peers.pdns.dnsPort, domain.name, 'A')).toEqual(['127.0.0.1']);
  }, 30000);

  it('answers 409 when no active web server has room', async () => {
    const scoped = await makeStaff(s.t.c.db, s.t.app);
    const { domain } = await makeSale(s.t.c.db, scoped.tenant.id);
    await s.t.c.db.server.create({ data: { tenantId: scoped.tenant.id, name: 'full', role: 'WEB', ipAddress: '192.0.2.5', config: { maxAccounts: 0 } } });
    const res = await as(s.t.app, scoped.tokens.ADMIN).post('/api/hosting', { domainId: domain.id });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('NO_CAPACITY');
    expect(await s.t.c.db.hostingAccount.count({ where: { domainId: domain.id } })).toBe(0);
    expect(await s.t.c.db.job.count({ where: { tenantId: scoped.tenant.id } })).toBe(0);
  });
});

describe('hosting: suspend, unsuspend, terminate', () => {
  it('suspends (SUPPORT may) and unsuspends the site on the web server, audited with before/after', async () => {
    const { domain, account } = await hostedDomain();
    expect((await as(s.t.app, staff.tokens.READ_ONLY).post(`/api/hosting/${account.id}/suspend`)).status).toBe(403);
    const res = await support.post(`/api/hosting/${account.id}/suspend`);
    expect(res.status).toBe(202);
    expect(res.body.job).toMatchObject({ type: 'SUSPEND_ACCOUNT', status: 'PENDING' });
    await succeeded(s.t, res.body.job.id);
    expect(enabledTarget(domain.name)).toBe(`../mpanel-suspended/${domain.name}.conf`);
    expect(fs.readFileSync(sandbox('etc/shadow'), 'utf8')).toMatch(new RegExp(`^${account.systemUser}:!`, 'm'));
    expect(nginxConfigTest(peers.hostRoot).ok).toBe(true);
    expect(await s.t.c.db.hostingAccount.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({ status: 'SUSPENDED' });
    expect((await s.t.c.db.domain.findUniqueOrThrow({ where: { id: domain.id } })).status).toBe('SUSPENDED');
    const audit = await auditOf(s.t.c.db, account.id, 'hosting.suspend_requested');
    expect(audit).toMatchObject({ userId: staff.users.SUPPORT.id });
    expect(audit.details).toMatchObject({ domain: domain.name, jobId: res.body.job.id, before: { status: 'ACTIVE' }, after: { status: 'SUSPENDED' } });

    // Suspending what is suspended makes no sense; nothing is queued.
    const jobs = await s.t.c.db.job.count({ where: { tenantId: staff.tenant.id } });
    const twice = await support.post(`/api/hosting/${account.id}/suspend`);
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({ code: 'ALREADY_SUSPENDED', details: { status: 'SUSPENDED' } });
    expect(await s.t.c.db.job.count({ where: { tenantId: staff.tenant.id } })).toBe(jobs);

    const back = await support.post(`/api/hosting/${account.id}/unsuspend`);
    expect(back.status).toBe(202);
    await succeeded(s.t, back.body.job.id);
    expect(enabledTarget(domain.name)).toBe(`../sites-available/${domain.name}.conf`);
    expect(await s.t.c.db.hostingAccount.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({ status: 'ACTIVE' });
    expect((await auditOf(s.t.c.db, account.id, 'hosting.unsuspend_requested')).details).toMatchObject({ before: { status: 'SUSPENDED' }, after: { status: 'ACTIVE' } });
    expect((await support.post(`/api/hosting/${account.id}/unsuspend`)).body.error.code).toBe('NOT_SUSPENDED');
  }, 30000);

  it('terminates (ADMIN only) with removeZone: site and user gone, zone gone from PowerDNS and the database', async () => {
    const { domain, account } = await hostedDomain();
    const zone = await admin.post('/api/dns/zones', { domainId: domain.id });
    await succeeded(s.t, zone.body.job.id);
    expect(await queryDns(peers.pdns.dnsPort, domain.name, 'A')).toEqual(['127.0.0.1']);

    expect((await support.post(`/api/hosting/${account.id}/terminate`, { removeZone: true })).status).toBe(403);
    expect(badFields(await admin.post(`/api/hosting/${account.id}/terminate`, { removeZone: 'yes' }))).toEqual(['body.removeZone']);
    const res = await admin.post(`/api/hosting/${account.id}/terminate`, { removeZone: true });
    expect(res.status).toBe(202);
    expect(res.body.job).toMatchObject({ type: 'TERMINATE_ACCOUNT' });
    const job = await succeeded(s.t, res.body.job.id);
    expect(job.payload).toEqual({ hostingAccountId: account.id, removeZone: true });
    expect(job.result).toMatchObject({ zoneRemoved: { existedInPowerDns: true, rowsDeleted: 1 } });

    expect(fs.existsSync(sandbox(account.homeDir))).toBe(false);
    expect(fs.existsSync(sandbox('etc/nginx/sites-enabled', `${domain.name}.conf`))).toBe(false);
    expect(fs.readFileSync(sandbox('etc/passwd'), 'utf8')).not.toContain(`${account.systemUser}:`);
    expect(await pdns.getZone(domain.name)).toBeNull();
    expect(await s.t.c.db.dnsZone.count({ where: { domainId: domain.id } })).toBe(0);
    expect(await s.t.c.db.hostingAccount.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({ status: 'TERMINATED' });
    expect((await auditOf(s.t.c.db, account.id, 'hosting.terminate_requested')).details).toMatchObject({ removeZone: true, before: { status: 'ACTIVE' }, after: { status: 'TERMINATED' } });

    // Nothing more can be done with a terminated account.
    for (const action of ['suspend', 'unsuspend', 'terminate']) {
      const again = await admin.post(`/api/hosting/${account.id}/${action}`);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('ACCOUNT_TERMINATED');
    }
    expect((await admin.post('/api/hosting', { domainId: domain.id })).body.error.code).toBe('HOSTING_TERMINATED');
  }, 30000);

  it('terminates without removeZone and keeps the zone', async () => {
    const { domain, account } = await hostedDomain();
    const zone = await admin.post('/api/dns/zones', { domainId: domain.id });
    await succeeded(s.t, zone.body.job.id);
    const res = await as(s.t.app, staff.tokens.SUPER_ADMIN).post(`/api/hosting/${account.id}/terminate`);
    expect(res.status).toBe(202);
    const job = await succeeded(s.t, res.body.job.id);
    expect(job.payload).toEqual({ hostingAccountId: account.id, removeZone: false });
    expect(fs.existsSync(sandbox(account.homeDir))).toBe(false);
    expect(await pdns.getZone(domain.name)).not.toBeNull();
    expect(await s.t.c.db.dnsZone.count({ where: { domainId: domain.id } })).toBe(1);
  }, 30000);
});

describe('hosting: lists and scoping', () => {
  it('lists with status, server and search filters; also under /hosting/accounts (seed §8.3)', async () => {
    const scoped = await makeStaff(s.t.c.db, s.t.app);
    const db = s.t.c.db;
    const tenantId = scoped.tenant.id;
    const [w1, w2] = await Promise.all(['w1', 'w2'].map((name) => db.server.create({ data: { tenantId, name, role: 'WEB', ipAddress: '192.0.2.1' } })));
    const make = async (serverId: string, status: 'ACTIVE' | 'SUSPENDED') => {
      const { domain } = await makeSale(db, tenantId);
      return db.hostingAccount.create({ data: { tenantId, domainId: domain.id, serverId, systemUser: `u${uid(4)}`, homeDir: '/home/x', status }, include: { domain: true } });
    };
    const a = await make(w1.id, 'ACTIVE');
    const b = await make(w2.id, 'SUSPENDED');
    const api = as(s.t.app, scoped.tokens.READ_ONLY);
    expect((await api.get('/api/hosting')).body.total).toBe(2);
    expect((await api.get('/api/hosting?status=SUSPENDED')).body.items.map((x: { id: string }) => x.id)).toEqual([b.id]);
    expect((await api.get(`/api/hosting?serverId=${w1.id}`)).body.items.map((x: { id: string }) => x.id)).toEqual([a.id]);
    expect((await api.get(`/api/hosting?search=${a.domain.name.slice(0, 9)}`)).body.items).toEqual([expect.objectContaining({ id: a.id, domain: expect.objectContaining({ name: a.domain.name }), server: { id: w1.id, name: 'w1' } })]);
    expect((await api.get(`/api/hosting?search=${b.systemUser}`)).body.items.map((x: { id: string }) => x.id)).toEqual([b.id]);
    expect((await api.get('/api/hosting/accounts?status=ACTIVE')).body.items.map((x: { id: string }) => x.id)).toEqual([a.id]);
    expect((await api.get(`/api/hosting/accounts/${b.id}`)).body).toMatchObject({ id: b.id, status: 'SUSPENDED' });
    expect(badFields(await api.get('/api/hosting?status=GONE'))).toEqual(['query.status']);
    expect((await as(s.t.app, scoped.tokens.BILLING).get('/api/hosting')).status).toBe(403);
  });

  it("answers 404 for another tenant's account or domain on every route, and queues nothing", async () => {
    const other = await makeStaff(s.t.c.db, s.t.app);
    const { domain } = await makeSale(s.t.c.db, other.tenant.id);
    const server = await s.t.c.db.server.create({ data: { tenantId: other.tenant.id, name: 'theirs', role: 'WEB', ipAddress: '192.0.2.9' } });
    const theirs = await s.t.c.db.hostingAccount.create({ data: { tenantId: other.tenant.id, domainId: domain.id, serverId: server.id, systemUser: `u${uid(4)}`, homeDir: '/home/x' } });
    const jobs = await s.t.c.db.job.count({ where: { tenantId: { in: [staff.tenant.id, other.tenant.id] } } });
    expect((await admin.get(`/api/hosting/${theirs.id}`)).status).toBe(404);
    for (const action of ['suspend', 'unsuspend', 'terminate']) expect((await admin.post(`/api/hosting/${theirs.id}/${action}`)).status).toBe(404);
    expect((await admin.post('/api/hosting', { domainId: domain.id })).status).toBe(404);
    expect((await admin.get(`/api/hosting/${freshId()}`)).status).toBe(404);
    expect(await s.t.c.db.job.count({ where: { tenantId: { in: [staff.tenant.id, other.tenant.id] } } })).toBe(jobs);
    expect((await s.t.c.db.hostingAccount.findUniqueOrThrow({ where: { id: theirs.id } })).status).toBe('ACTIVE');
  });
});
