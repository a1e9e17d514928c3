import crypto from 'node:crypto';
import { freePort } from '../../../../scripts/lib/peers/powerdns';
import { startProxmoxServer, type ProxmoxServer } from '../../../../scripts/lib/peers/proxmox-server';
import { createVpsDriver } from '../../src/integrations/vps/vps-driver';
import { as, auditOf, badFields, freshId, makeSale } from '../support/admin';
import { makeStaff, uid } from '../support/factories';
import { finished, startPeers, startStack, succeeded, type Peers, type Stack } from '../support/far-sides';

/**
 * Servers over HTTP against real PostgreSQL/Redis, with health checks run by an in-process worker
 * against a real sshd (host scripts in a sandbox), a real PowerDNS, the mail-core contract server
 * and the Proxmox contract server.
 */
let peers: Peers;
let pve: ProxmoxServer;
let s: Stack;
let staff: Awaited<ReturnType<typeof makeStaff>>;
let admin: ReturnType<typeof as>;
const PVE_SECRET = crypto.randomUUID();

beforeAll(async () => {
  peers = await startPeers('servers');
  pve = await startProxmoxServer({ tokenId: 'mpanel@pve!probe', tokenSecret: PVE_SECRET, node: 'pve1', templates: { 'debian-12': 9000 } });
  s = await startStack(peers.env, { far: (d) => ({ ...d, vpsDriver: (cfg) => createVpsDriver(cfg, { PVE_PROBE_SECRET: PVE_SECRET }) }) });
  staff = await makeStaff(s.t.c.db, s.t.app);
  s.tenantIds.push(staff.tenant.id);
  admin = as(s.t.app, staff.tokens.ADMIN);
}, 60000);

afterAll(async () => {
  await s?.close();
  await pve?.stop();
  await peers?.stop();
});

const hypervisorConfig = () => ({
  driver: 'proxmox',
  apiUrl: pve.url,
  node: 'pve1',
  tokenId: 'mpanel@pve!probe',
  tokenSecretEnv: 'PVE_PROBE_SECRET',
  templates: { 'debian-12': 9000 },
});

async function createServer(body: Record<string, unknown>) {
  const res = await admin.post('/api/servers', { name: `srv-${uid(4)}`, ipAddress: '127.0.0.1', ...body });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string } & Record<string, unknown>;
}

/** Runs a health check over HTTP and waits for the job; returns the stored row. */
async function check(id: string, token = staff.tokens.SUPPORT) {
  const res = await as(s.t.app, token).post(`/api/servers/${id}/check`);
  expect(res.status).toBe(202);
  expect(res.body.job).toMatchObject({ id: expect.any(String), type: 'SERVER_HEALTH_CHECK', status: 'PENDING' });
  const job = await succeeded(s.t, res.body.job.id);
  return { job, server: await s.t.c.db.server.findUniqueOrThrow({ where: { id } }) };
}

describe('servers: create, validate, update', () => {
  it('refuses bad input with 400 naming each field, and writes nothing', async () => {
    const before = await s.t.c.db.server.count({ where: { tenantId: staff.tenant.id } });
    const res = await admin.post('/api/servers', {
      name: 'bad name!',
      role: 'TOASTER',
      ipAddress: '999.1.1.1',
      sshPort: 70000,
      sshUser: 'Root; rm -rf /',
      hostKeyFingerprint: 'MD5:aa:bb',
    });
    expect(badFields(res)).toEqual(['body.hostKeyFingerprint', 'body.ipAddress', 'body.name', 'body.role', 'body.sshPort', 'body.sshUser']);

    // A hypervisor needs driver settings, and they are checked field by field.
    expect(badFields(await admin.post('/api/servers', { name: 'pve-x', role: 'HYPERVISOR', ipAddress: '2001:db8::5' }))).toEqual(['body.config']);
    const badCfg = await admin.post('/api/servers', { name: 'pve-x', role: 'HYPERVISOR', ipAddress: '2001:db8::5', config: { ...hypervisorConfig(), apiUrl: 'http://10.0.0.1:8006', tokenId: 'nope' } });
    expect(badFields(badCfg)).toEqual(['body.config.apiUrl', 'body.config.tokenId']);
    // Config names the variable holding a secret; it never holds one.
    expect(badFields(await admin.post('/api/servers', { name: 'db-x', role: 'DB', ipAddress: '192.0.2.7', config: { rootPassword: 'hunter2' } }))).toEqual(['body.config.rootPassword']);
    expect(badFields(await admin.post('/api/servers', { name: 'web-x', role: 'WEB', ipAddress: '192.0.2.7', config: { maxAccounts: -1 } }))).toEqual(['body.config.maxAccounts']);

    expect(await s.t.c.db.server.count({ where: { tenantId: staff.tenant.id } })).toBe(before);
    expect(await s.t.c.db.job.count({ where: { tenantId: staff.tenant.id, type: 'SERVER_HEALTH_CHECK' } })).toBe(0);
  });

  it('creates a server (ADMIN), audited; a duplicate name is 409; SUPPORT and READ_ONLY may not', async () => {
    const name = `dns-${uid(4)}`;
    const res = await admin.post('/api/servers', { name, role: 'DNS', ipAddress: '2001:db8::53', sshUser: 'mpanel', location: 'home-lab' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name, role: 'DNS', ipAddress: '2001:db8::53', sshPort: 22, sshUser: 'mpanel', isActive: true, hostingAccountCount: 0, vpsCount: 0, tenantId: staff.tenant.id });
    const audit = await auditOf(s.t.c.db, res.body.id, 'server.created');
    expect(audit).toMatchObject({ userId: staff.users.ADMIN.id, targetType: 'Server' });
    expect(audit.details).toMatchObject({ after: { name, role: 'DNS', ipAddress: '2001:db8::53' } });

    expect((await admin.post('/api/servers', { name, role: 'WEB', ipAddress: '192.0.2.1' })).status).toBe(409);
    expect((await as(s.t.app, staff.tokens.SUPPORT).post('/api/servers', { name: `x-${uid(4)}`, role: 'WEB', ipAddress: '192.0.2.1' })).status).toBe(403);
    expect((await as(s.t.app, staff.tokens.READ_ONLY).post('/api/servers', { name: `x-${uid(4)}`, role: 'WEB', ipAddress: '192.0.2.1' })).status).toBe(403);
    expect((await as(s.t.app, staff.tokens.READ_ONLY).get(`/api/servers/${res.body.id}`)).status).toBe(200);
  });

  it('updates with before/after in the audit row, checking config against the role', async () => {
    const server = await createServer({ role: 'WEB', config: { maxAccounts: 100 } });
    const res = await admin.patch(`/api/servers/${server.id}`, { sshPort: 2222, hostKeyFingerprint: `SHA256:${'A'.repeat(43)}`, config: { maxAccounts: 200 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sshPort: 2222, hostKeyFingerprint: `SHA256:${'A'.repeat(43)}`, config: { maxAccounts: 200 } });
    const audit = await auditOf(s.t.c.db, server.id, 'server.updated');
    expect(audit.details).toEqual({
      before: { sshPort: 22, hostKeyFingerprint: null, config: { maxAccounts: 100 } },
      after: { sshPort: 2222, hostKeyFingerprint: `SHA256:${'A'.repeat(43)}`, config: { maxAccounts: 200 } },
    });
    // Becoming a hypervisor needs driver settings; un-pinning the host key is allowed.
    expect(badFields(await admin.patch(`/api/servers/${server.id}`, { role: 'HYPERVISOR' }))).toEqual(['body.config.driver']);
    expect(badFields(await admin.patch(`/api/servers/${server.id}`, { ipAddress: 'localhost' }))).toEqual(['body.ipAddress']);
    expect(badFields(await admin.patch(`/api/servers/${server.id}`, {}))).toEqual(['body']);
    expect((await admin.patch(`/api/servers/${server.id}`, { hostKeyFingerprint: null })).body.hostKeyFingerprint).toBeNull();
    expect((await as(s.t.app, staff.tokens.SUPPORT).patch(`/api/servers/${server.id}`, { sshPort: 22 })).status).toBe(403);
  });

  it('lists with live hosting and VPS counts, filters by role, activity and search, sorts by name', async () => {
    const scoped = await makeStaff(s.t.c.db, s.t.app);
    const api = as(s.t.app, scoped.tokens.READ_ONLY);
    const db = s.t.c.db;
    const tenantId = scoped.tenant.id;
    const web = await db.server.create({ data: { tenantId, name: 'b-web', role: 'WEB', ipAddress: '192.0.2.10', location: 'rack-7' } });
    const hv = await db.server.create({ data: { tenantId, name: 'a-hv', role: 'HYPERVISOR', ipAddress: '192.0.2.20', config: hypervisorConfig() } });
    await db.server.create({ data: { tenantId, name: 'c-old', role: 'WEB', ipAddress: '192.0.2.30', isActive: false } });
    for (const status of ['ACTIVE', 'SUSPENDED', 'TERMINATED'] as const) {
      const { domain } = await makeSale(db, tenantId);
      await db.hostingAccount.create({ data: { tenantId, domainId: domain.id, serverId: web.id, systemUser: `u${uid(4)}`, homeDir: '/home/x', status } });
    }
    await db.vpsInstance.create({ data: { tenantId, serverId: hv.id, name: `vps-${uid()}`, status: 'RUNNING' } });
    await db.vpsInstance.create({ data: { tenantId, serverId: hv.id, name: `vps-${uid()}`, status: 'TERMINATED' } });

    const all = await api.get('/api/servers?sort=name&order=asc');
    expect(all.status).toBe(200);
    expect(all.body.items.map((x: { name: string }) => x.name)).toEqual(['a-hv', 'b-web', 'c-old']);
    expect(all.body.items.map((x: { hostingAccountCount: number; vpsCount: number }) => [x.hostingAccountCount, x.vpsCount])).toEqual([[0, 1], [2, 0], [0, 0]]);
    expect((await api.get('/api/servers?role=WEB&isActive=true')).body.items.map((x: { name: string }) => x.name)).toEqual(['b-web']);
    expect((await api.get('/api/servers?search=RACK')).body.items.map((x: { name: string }) => x.name)).toEqual(['b-web']);
    expect((await api.get('/api/servers?search=192.0.2.20')).body.items.map((x: { name: string }) => x.name)).toEqual(['a-hv']);
    expect((await api.get('/api/servers?pageSize=2&sort=name&order=desc')).body).toMatchObject({ total: 3, totalPages: 2, items: [{ name: 'c-old' }, { name: 'b-web' }] });
    expect(badFields(await api.get('/api/servers?role=TOASTER&sort=ipAddress'))).toEqual(['query.role', 'query.sort']);
    expect((await as(s.t.app, scoped.tokens.BILLING).get('/api/servers')).status).toBe(403);
  });
});

describe('servers: soft delete', () => {
  it('refuses (409) while live hosting accounts are on it, then marks it inactive, audited', async () => {
    const server = await createServer({ role: 'WEB' });
    const { domain } = await makeSale(s.t.c.db, staff.tenant.id);
    const account = await s.t.c.db.hostingAccount.create({
      data: { tenantId: staff.tenant.id, domainId: domain.id, serverId: server.id, systemUser: `u${uid(4)}`, homeDir: '/home/x', status: 'SUSPENDED' },
    });
    const refused = await admin.delete(`/api/servers/${server.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'SERVER_IN_USE', details: { hostingAccounts: 1, vpsInstances: 0 } });
    expect((await admin.patch(`/api/servers/${server.id}`, { isActive: false })).status).toBe(409);
    expect((await s.t.c.db.server.findUniqueOrThrow({ where: { id: server.id } })).isActive).toBe(true);

    expect((await as(s.t.app, staff.tokens.SUPPORT).delete(`/api/servers/${server.id}`)).status).toBe(403);
    await s.t.c.db.hostingAccount.update({ where: { id: account.id }, data: { status: 'TERMINATED' } });
    const res = await admin.delete(`/api/servers/${server.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: server.id, isActive: false });
    expect((await auditOf(s.t.c.db, server.id, 'server.deactivated')).details).toMatchObject({ before: { isActive: true }, after: { isActive: false } });
    // The row stays; deleting again changes nothing.
    expect((await admin.delete(`/api/servers/${server.id}`)).status).toBe(200);
    expect(await s.t.c.db.auditLog.count({ where: { targetId: server.id, action: 'server.deactivated' } })).toBe(1);
  });
});

describe('servers: health checks (SERVER_HEALTH_CHECK jobs)', () => {
  it('probes a web server over SSH with the host kit, pins its host key on first contact and stores the result', async () => {
    const server = await createServer({ role: 'WEB', sshPort: peers.sshd.port, sshUser: peers.sshd.username });
    const { job, server: row } = await check(server.id);
    expect(job.logs.map((l) => [l.attempt, l.status])).toEqual([[1, 'SUCCESS']]);
    expect(row.healthStatus).toBe('ok');
    expect(row.healthCheckedAt).toBeInstanceOf(Date);
    expect(row.healthDetails).toMatchObject({ probe: 'ssh', nginx: true, kitVersion: expect.any(Number), hostKeyFingerprint: peers.sshd.hostKeyFingerprint, disk: { path: expect.stringContaining('/home') } });
    expect(row.hostKeyFingerprint).toBe(peers.sshd.hostKeyFingerprint);

    expect((await auditOf(s.t.c.db, server.id, 'server.check_requested')).details).toMatchObject({ jobId: job.id, role: 'WEB' });
    expect((await auditOf(s.t.c.db, server.id, 'server.health_changed')).details).toMatchObject({ before: { healthStatus: null }, after: { healthStatus: 'ok' } });
    expect(await s.t.c.db.auditLog.count({ where: { targetId: server.id, action: 'server.host_key_pinned' } })).toBe(1);

    // The detail shows what was stored.
    const detail = await as(s.t.app, staff.tokens.READ_ONLY).get(`/api/servers/${server.id}`);
    expect(detail.body).toMatchObject({ healthStatus: 'ok', healthDetails: { probe: 'ssh' } });
  }, 30000);

  it('stores "down" (the job itself succeeds) when the web server shows another host key', async () => {
    const wrong = `SHA256:${crypto.randomBytes(32).toString('base64').replace(/=+$/, '')}`;
    const server = await createServer({ role: 'WEB', sshPort: peers.sshd.port, sshUser: peers.sshd.username, hostKeyFingerprint: wrong });
    const { job, server: row } = await check(server.id);
    expect(job).toMatchObject({ status: 'SUCCESS', attempts: 1 });
    expect(row).toMatchObject({ healthStatus: 'down', hostKeyFingerprint: wrong });
    expect(row.healthDetails).toMatchObject({ probe: 'ssh', system: 'ssh', error: expect.stringMatching(/host key mismatch/) });
  }, 30000);

  it('probes DNS through PowerDNS, mail through mail-core, a hypervisor through its driver', async () => {
    const dns = await createServer({ role: 'DNS' });
    const mail = await createServer({ role: 'MAIL' });
    const hv = await createServer({ role: 'HYPERVISOR', config: hypervisorConfig() });
    expect((await s.t.c.db.server.findUniqueOrThrow({ where: { id: hv.id } })).config).toMatchObject({ disk: 'scsi0', insecureTls: false });

    const results = await Promise.all([dns, mail, hv].map((x) => check(x.id)));
    expect(results.map((r) => r.server.healthStatus)).toEqual(['ok', 'ok', 'ok']);
    expect(results[0].server.healthDetails).toMatchObject({ probe: 'powerdns', daemonType: 'authoritative', version: expect.any(String) });
    expect(results[1].server.healthDetails).toMatchObject({ probe: 'mailcore', status: 'ok', version: expect.any(String) });
    expect(results[2].server.healthDetails).toMatchObject({ probe: 'vps-driver', driver: 'proxmox', version: expect.any(String) });
    expect(peers.mailcore.state.requests.some((r) => r.path.endsWith('/health') && r.status === 200)).toBe(true);
  }, 30000);

  it('stores "down" when mail-core is unavailable, and "ok" again once it is back', async () => {
    const mail = await createServer({ role: 'MAIL' });
    peers.mailcore.state.unavailable = true;
    try {
      const { server: row } = await check(mail.id);
      expect(row).toMatchObject({ healthStatus: 'down', healthDetails: { probe: 'mailcore', httpStatus: 503 } });
    } finally {
      peers.mailcore.state.unavailable = false;
    }
    const { server: again } = await check(mail.id);
    expect(again.healthStatus).toBe('ok');
    expect((await auditOf(s.t.c.db, mail.id, 'server.health_changed')).details).toMatchObject({ before: { healthStatus: 'down' }, after: { healthStatus: 'ok' } });
  }, 30000);

  it('probes other roles by a TCP connection to their SSH port', async () => {
    const panel = await createServer({ role: 'PANEL', sshPort: peers.sshd.port });
    const closed = await createServer({ role: 'DB', sshPort: await freePort() });
    const [up, off] = await Promise.all([check(panel.id), check(closed.id)]);
    expect(up.server).toMatchObject({ healthStatus: 'ok', healthDetails: { probe: 'tcp', port: peers.sshd.port } });
    expect(off.server).toMatchObject({ healthStatus: 'down', healthDetails: { probe: 'tcp', error: 'ECONNREFUSED' } });
  }, 30000);

  it('lets SUPPORT run a check, not READ_ONLY or BILLING', async () => {
    const server = await createServer({ role: 'PANEL', sshPort: peers.sshd.port });
    const before = await s.t.c.db.job.count({ where: { tenantId: staff.tenant.id } });
    expect((await as(s.t.app, staff.tokens.READ_ONLY).post(`/api/servers/${server.id}/check`)).status).toBe(403);
    expect((await as(s.t.app, staff.tokens.BILLING).post(`/api/servers/${server.id}/check`)).status).toBe(403);
    expect(await s.t.c.db.job.count({ where: { tenantId: staff.tenant.id } })).toBe(before);
    const { job } = await check(server.id, staff.tokens.SUPPORT);
    expect(job.status).toBe('SUCCESS');
  }, 30000);

  it('fails the job for good when the server row is gone', async () => {
    const [job] = await s.t.c.db.$transaction((tx) => s.t.c.jobs.create(tx, staff.tenant.id, [{ type: 'SERVER_HEALTH_CHECK', payload: { serverId: freshId() } }]));
    await s.t.c.jobs.dispatch([job]);
    const done = await finished(s.t, job.id);
    expect(done).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(done.lastError).toMatch(/does not exist/);
  });
});

describe('servers: tenant scoping', () => {
  it("answers 404 for another tenant's server on every route, and changes nothing", async () => {
    const other = await makeStaff(s.t.c.db, s.t.app);
    const theirs = await s.t.c.db.server.create({ data: { tenantId: other.tenant.id, name: 'theirs', role: 'WEB', ipAddress: '192.0.2.99' } });
    const before = await s.t.c.db.job.count({ where: { tenantId: { in: [staff.tenant.id, other.tenant.id] } } });
    expect((await admin.get(`/api/servers/${theirs.id}`)).status).toBe(404);
    expect((await admin.patch(`/api/servers/${theirs.id}`, { name: 'mine' })).status).toBe(404);
    expect((await admin.delete(`/api/servers/${theirs.id}`)).status).toBe(404);
    expect((await admin.post(`/api/servers/${theirs.id}/check`)).status).toBe(404);
    expect((await admin.get(`/api/servers/${freshId()}`)).status).toBe(404);
    expect(await s.t.c.db.server.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({ name: 'theirs', isActive: true });
    expect(await s.t.c.db.job.count({ where: { tenantId: { in: [staff.tenant.id, other.tenant.id] } } })).toBe(before);
    expect((await admin.get('/api/servers?pageSize=100')).body.items.map((x: { id: string }) => x.id)).not.toContain(theirs.id);
  });
});
