import { freePort } from '../../../../scripts/lib/peers/powerdns';
import { createPowerDnsClient, type PowerDnsClient } from '../../src/integrations/powerdns/powerdns.client';
import { as, auditOf, badFields, freshId, makeSale } from '../support/admin';
import { makeApp } from '../support/app';
import { queryDns } from '../support/dns';
import { makeStaff, uid } from '../support/factories';
import { finished, startPeers, startStack, succeeded, type Peers, type Stack } from '../support/far-sides';
import { testDomain } from '../support/shop';

/**
 * DNS zones over HTTP against a real PowerDNS: zones are created and changed by jobs run by an
 * in-process worker, and checked by asking the DNS server itself.
 */
let peers: Peers;
let s: Stack;
let pdns: PowerDnsClient;
let staff: Awaited<ReturnType<typeof makeStaff>>;
let support: ReturnType<typeof as>;

beforeAll(async () => {
  peers = await startPeers('dns');
  s = await startStack(peers.env);
  pdns = createPowerDnsClient({ baseUrl: peers.pdns.apiUrl, apiKey: peers.pdns.apiKey });
  staff = await makeStaff(s.t.c.db, s.t.app);
  s.tenantIds.push(staff.tenant.id);
  support = as(s.t.app, staff.tokens.SUPPORT);
  // Zones point their mail records at the tenant's mail server.
  await s.t.c.db.server.create({ data: { tenantId: staff.tenant.id, name: 'mail-core', role: 'MAIL', ipAddress: '192.0.2.25' } });
}, 60000);

afterAll(async () => {
  await s?.close();
  await peers?.stop();
});

const ask = (name: string, type: Parameters<typeof queryDns>[2]) => queryDns(peers.pdns.dnsPort, name, type);

/** A zone created over HTTP for a new domain name, its job run to success. */
async function newZone(name = testDomain(), api = support) {
  const res = await api.post('/api/dns/zones', { domain: name });
  expect(res.status).toBe(202);
  await succeeded(s.t, res.body.job.id);
  return { name, zoneId: res.body.zone.id as string, jobId: res.body.job.id as string };
}

async function liveSerial(zoneId: string, api = support): Promise<number> {
  const res = await api.get(`/api/dns/zones/${zoneId}`);
  expect(res.status).toBe(200);
  return res.body.serial;
}

describe('dns zones: create and read', () => {
  it('refuses bad input with 400 naming the field, and writes nothing', async () => {
    const count = () => Promise.all([s.t.c.db.dnsZone.count({ where: { tenantId: staff.tenant.id } }), s.t.c.db.job.count({ where: { tenantId: staff.tenant.id } })]);
    const before = await count();
    expect(badFields(await support.post('/api/dns/zones', {}))).toEqual(['body.domainId']);
    expect(badFields(await support.post('/api/dns/zones', { domain: 'Not A Domain', extra: 1 }))).toEqual(['body', 'body.domain']);
    expect(badFields(await support.post('/api/dns/zones', { domain: 'example.com.' }))).toEqual(['body.domain']);
    expect(badFields(await support.post('/api/dns/zones', { domain: testDomain(), domainId: freshId() }))).toEqual(['body.domainId']);
    expect(await count()).toEqual(before);
  });

  it('creates a zone for a new domain name: the job builds it in PowerDNS from the template, audited', async () => {
    const name = testDomain();
    const res = await support.post('/api/dns/zones', { domain: name });
    expect(res.status).toBe(202);
    expect(res.body.job).toEqual({ id: expect.any(String), type: 'SYNC_DNS_ZONE', status: 'PENDING' });
    expect(res.body.zone).toMatchObject({ isSynced: false, domain: { name, status: 'ACTIVE' } });
    const job = await succeeded(s.t, res.body.job.id);
    expect(job.result).toMatchObject({ created: true, mailIp: '192.0.2.25', webIp: null });

    expect(await ask(name, 'NS')).toEqual(['ns1.example.net', 'ns2.example.net']);
    expect(await ask(name, 'MX')).toEqual([`10 mail.${name}`]);
    expect(await ask(`mail.${name}`, 'A')).toEqual(['192.0.2.25']);
    const row = await s.t.c.db.dnsZone.findUniqueOrThrow({ where: { id: res.body.zone.id }, include: { domain: true } });
    expect(row).toMatchObject({ isSynced: true, soaSerial: expect.any(Number), domain: { name, tenantId: staff.tenant.id } });
    expect(row.lastSyncAt).toBeInstanceOf(Date);

    const audit = await auditOf(s.t.c.db, row.id, 'dns.zone_created');
    expect(audit).toMatchObject({ userId: staff.users.SUPPORT.id, targetType: 'DnsZone' });
    expect(audit.details).toMatchObject({ domain: name, domainCreated: true, jobId: job.id, after: { id: row.id, isSynced: false } });

    // One zone per domain.
    const again = await support.post('/api/dns/zones', { domainId: row.domainId });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'ZONE_EXISTS', details: { zoneId: row.id } });
  });

  it("creates a zone for an existing domain pointing at its web server, and reads it live from PowerDNS", async () => {
    const { domain } = await makeSale(s.t.c.db, staff.tenant.id);
    const web = await s.t.c.db.server.create({ data: { tenantId: staff.tenant.id, name: `web-${uid()}`, role: 'WEB', ipAddress: '192.0.2.80' } });
    await s.t.c.db.hostingAccount.create({ data: { tenantId: staff.tenant.id, domainId: domain.id, serverId: web.id, systemUser: `u${uid(4)}`, homeDir: '/home/x' } });
    const res = await support.post('/api/dns/zones', { domainId: domain.id });
    expect(res.status).toBe(202);
    await succeeded(s.t, res.body.job.id);
    expect(await ask(domain.name, 'A')).toEqual(['192.0.2.80']);
    expect(await ask(`www.${domain.name}`, 'CNAME')).toEqual([domain.name]);

    const detail = await as(s.t.app, staff.tokens.READ_ONLY).get(`/api/dns/zones/${res.body.zone.id}`);
    expect(detail.status).toBe(200);
    const live = await pdns.getZone(domain.name);
    expect(detail.body).toMatchObject({ id: res.body.zone.id, domain: { id: domain.id, name: domain.name }, serial: live!.serial, pdns: { status: 'ok', name: `${domain.name}.` } });
    expect(detail.body.rrsets).toEqual(expect.arrayContaining([{ name: `${domain.name}.`, type: 'A', ttl: 3600, records: [{ content: '192.0.2.80', disabled: false }] }]));
  });

  it('lists zones with domain, sync state and search', async () => {
    const scoped = await makeStaff(s.t.c.db, s.t.app);
    const api = as(s.t.app, scoped.tokens.READ_ONLY);
    const a = await makeSale(s.t.c.db, scoped.tenant.id);
    const b = await makeSale(s.t.c.db, scoped.tenant.id);
    await s.t.c.db.dnsZone.create({ data: { tenantId: scoped.tenant.id, domainId: a.domain.id, isSynced: true, lastSyncAt: new Date() } });
    await s.t.c.db.dnsZone.create({ data: { tenantId: scoped.tenant.id, domainId: b.domain.id } });
    const all = await api.get('/api/dns/zones');
    expect(all.body.total).toBe(2);
    expect((await api.get('/api/dns/zones?isSynced=false')).body.items.map((z: { domain: { name: string } }) => z.domain.name)).toEqual([b.domain.name]);
    expect((await api.get(`/api/dns/zones?search=${a.domain.name.slice(0, 9)}`)).body.items.map((z: { domainId: string }) => z.domainId)).toEqual([a.domain.id]);
    expect((await api.get('/api/dns/zones?sort=lastSyncAt&order=desc')).body.items[0].domainId).toBe(a.domain.id);
    expect(badFields(await api.get('/api/dns/zones?isSynced=maybe'))).toEqual(['query.isSynced']);
  });

  it('still shows the row when PowerDNS does not answer, saying so; record edits then answer 503', async () => {
    const { zoneId } = await newZone();
    const down = await makeApp({ ...peers.env, POWERDNS_API_URL: `http://127.0.0.1:${await freePort()}/api/v1` });
    try {
      const res = await as(down.app, staff.tokens.SUPPORT).get(`/api/dns/zones/${zoneId}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: zoneId, serial: null, rrsets: null, pdns: { status: 'unavailable', error: expect.stringMatching(/ECONNREFUSED/) } });
      expect(JSON.stringify(res.body)).not.toContain(peers.pdns.apiKey);
      const edit = await as(down.app, staff.tokens.SUPPORT).patch(`/api/dns/zones/${zoneId}/records`, { serial: 1, changes: [{ name: 'x', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.1' }] }] });
      expect(edit.status).toBe(503);
    } finally {
      await down.close();
    }
  });
});

describe('dns zones: record edits', () => {
  it('names each bad change (body.changes.N…) with 400, before reading PowerDNS, and queues nothing', async () => {
    const { zoneId, name } = await newZone();
    const jobs = await s.t.c.db.job.count({ where: { tenantId: staff.tenant.id } });
    const res = await support.patch(`/api/dns/zones/${zoneId}/records`, {
      serial: 1,
      changes: [
        { name: 'www', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.1' }, { content: '300.1.1.1' }] },
        { name: 'evil.other.org.', type: 'TXT', ttl: 300, changetype: 'REPLACE', records: [{ content: 'x' }] },
        { name: '@', type: 'MX', ttl: 300, changetype: 'REPLACE', records: [{ content: 'mail.example.com' }] },
        { name: 'ftp', type: 'A', ttl: 10, changetype: 'REPLACE', records: [{ content: '192.0.2.1' }] },
      ],
    });
    expect(badFields(res)).toEqual(['body.changes.0.records.1.content', 'body.changes.1.name', 'body.changes.2.records.0.content', 'body.changes.3.ttl']);
    expect(badFields(await support.patch(`/api/dns/zones/${zoneId}/records`, { changes: [] }))).toEqual(['body.changes', 'body.serial']);
    expect(await s.t.c.db.job.count({ where: { tenantId: staff.tenant.id } })).toBe(jobs);
    expect(await ask(`www.${name}`, 'A')).toEqual([]);
  });

  it('refuses (409) an edit made against an older serial, and queues nothing', async () => {
    const { zoneId, name } = await newZone();
    const serial = await liveSerial(zoneId);
    // Someone else changes the zone after the editor read it.
    await pdns.patchRrsets(name, [{ name: `other.${name}`, type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.9', disabled: false }] }]);
    const jobs = await s.t.c.db.job.count({ where: { tenantId: staff.tenant.id } });
    const res = await support.patch(`/api/dns/zones/${zoneId}/records`, { serial, changes: [{ name: 'api', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.7' }] }] });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'SERIAL_MISMATCH', details: { serial: (await pdns.getZone(name))!.serial } });
    expect(await s.t.c.db.job.count({ where: { tenantId: staff.tenant.id } })).toBe(jobs);
    expect(await ask(`api.${name}`, 'A')).toEqual([]);
  });

  it('applies an edit (SUPPORT may): the records answer in DNS, the audit row has before and after', async () => {
    const { zoneId, name } = await newZone();
    const serial = await liveSerial(zoneId);
    const res = await support.patch(`/api/dns/zones/${zoneId}/records`, {
      serial,
      changes: [
        { name: 'api', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.7' }, { content: '192.0.2.8' }] },
        { name: '@', type: 'TXT', ttl: 300, changetype: 'REPLACE', records: [{ content: 'v=spf1 -all' }, { content: 'google-site-verification=abc' }] },
        { name: `mail.${name}.`, type: 'A', changetype: 'DELETE' },
      ],
    });
    expect(res.status).toBe(202);
    expect(res.body.job).toMatchObject({ type: 'UPDATE_DNS_RECORDS', status: 'PENDING' });
    const job = await succeeded(s.t, res.body.job.id);
    expect(job.payload).toMatchObject({ zoneId, serial, changes: [{ name: `api.${name}.`, type: 'A', changetype: 'REPLACE', records: [{ content: '192.0.2.7', disabled: false }, { content: '192.0.2.8', disabled: false }] }, { records: [{ content: '"v=spf1 -all"' }, expect.anything()] }, { changetype: 'DELETE' }] });

    expect(await ask(`api.${name}`, 'A')).toEqual(['192.0.2.7', '192.0.2.8']);
    expect(await ask(name, 'TXT')).toEqual(['google-site-verification=abc', 'v=spf1 -all']);
    expect(await ask(`mail.${name}`, 'A')).toEqual([]);
    const row = await s.t.c.db.dnsZone.findUniqueOrThrow({ where: { id: zoneId } });
    expect(row.soaSerial).toBe((await pdns.getZone(name))!.serial);
    expect(row.soaSerial).not.toBe(serial);

    const audit = await auditOf(s.t.c.db, zoneId, 'dns.records_change_requested');
    expect(audit).toMatchObject({ userId: staff.users.SUPPORT.id });
    expect(audit.details).toMatchObject({
      serial,
      jobId: job.id,
      before: [{ name: `api.${name}.`, type: 'A', records: [] }, { type: 'TXT', records: [{ content: '"v=spf1 mx a ~all"' }] }, { name: `mail.${name}.`, type: 'A', records: [{ content: '192.0.2.25' }] }],
      after: [{ name: `api.${name}.`, records: [{ content: '192.0.2.7' }, { content: '192.0.2.8' }] }, { type: 'TXT' }, { name: `mail.${name}.`, records: [] }],
    });
  });

  it('refuses (422) a CNAME next to other data, naming the change', async () => {
    const { zoneId, name } = await newZone();
    const serial = await liveSerial(zoneId);
    const res = await support.patch(`/api/dns/zones/${zoneId}/records`, { serial, changes: [{ name: 'mail', type: 'CNAME', ttl: 300, changetype: 'REPLACE', records: [{ content: `${name}` }] }] });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'CNAME_CONFLICT', details: [{ path: 'body.changes.0.name' }] });
    // Deleting the A record in the same batch makes it fine.
    const ok = await support.patch(`/api/dns/zones/${zoneId}/records`, {
      serial,
      changes: [
        { name: 'mail', type: 'A', changetype: 'DELETE' },
        { name: 'mail', type: 'CNAME', ttl: 300, changetype: 'REPLACE', records: [{ content: name }] },
      ],
    });
    expect(ok.status).toBe(202);
    await succeeded(s.t, ok.body.job.id);
    expect(await ask(`mail.${name}`, 'CNAME')).toEqual([name]);
  });

  it('lets READ_ONLY and BILLING read or not, but never edit', async () => {
    const { zoneId } = await newZone();
    const body = { serial: 1, changes: [{ name: 'x', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.1' }] }] };
    expect((await as(s.t.app, staff.tokens.READ_ONLY).patch(`/api/dns/zones/${zoneId}/records`, body)).status).toBe(403);
    expect((await as(s.t.app, staff.tokens.READ_ONLY).post(`/api/dns/zones/${zoneId}/sync`)).status).toBe(403);
    expect((await as(s.t.app, staff.tokens.BILLING).get(`/api/dns/zones/${zoneId}`)).status).toBe(403);
  });

  describe('when the zone changes between the request and the job', () => {
    // A tenant of its own, which the main worker's sweep leaves alone: only the paused worker runs its edits.
    let own: Awaited<ReturnType<typeof makeStaff>>;
    let ownApi: ReturnType<typeof as>;
    let paused: Stack;
    beforeAll(async () => {
      own = await makeStaff(s.t.c.db, s.t.app);
      ownApi = as(s.t.app, own.tokens.SUPPORT);
    });
    beforeEach(async () => {
      // Its worker starts only once the zone has been changed behind the job's back.
      paused = await startStack(peers.env, { start: false, queueSuffix: `_paused_${uid(2)}` });
      paused.tenantIds.push(own.tenant.id);
    });
    afterEach(() => paused.close());

    it('fails the job for good: "zone changed since it was read"', async () => {
      const { zoneId, name } = await newZone(testDomain(), ownApi);
      const serial = await liveSerial(zoneId, ownApi);
      const res = await as(paused.t.app, own.tokens.SUPPORT).patch(`/api/dns/zones/${zoneId}/records`, { serial, changes: [{ name: 'api', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.7' }] }] });
      expect(res.status).toBe(202);
      await pdns.patchRrsets(name, [{ name: `other.${name}`, type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.9', disabled: false }] }]);
      await paused.runtime.start();
      const job = await finished(paused.t, res.body.job.id);
      expect(job).toMatchObject({ status: 'FAILED', attempts: 1 });
      expect(job.lastError).toMatch(/zone changed since it was read/);
      expect(job.logs[0].details).toMatchObject({ retryable: false, expected: serial });
      expect(await ask(`api.${name}`, 'A')).toEqual([]);
    });

    it('succeeds without writing when the zone already holds exactly the change (an earlier attempt applied it)', async () => {
      const { zoneId, name } = await newZone(testDomain(), ownApi);
      const serial = await liveSerial(zoneId, ownApi);
      const res = await as(paused.t.app, own.tokens.SUPPORT).patch(`/api/dns/zones/${zoneId}/records`, { serial, changes: [{ name: 'api', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.7' }] }] });
      expect(res.status).toBe(202);
      await pdns.patchRrsets(name, [{ name: `api.${name}`, type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.7', disabled: false }] }]);
      const moved = (await pdns.getZone(name))!.serial;
      await paused.runtime.start();
      const job = await succeeded(paused.t, res.body.job.id);
      expect(job.result).toMatchObject({ alreadyApplied: true, serial: moved });
      expect((await pdns.getZone(name))!.serial).toBe(moved);
    });
  });
});

describe('dns zones: sync and delete', () => {
  it('sync brings the template back and keeps records staff added', async () => {
    const { zoneId, name } = await newZone();
    const serial = await liveSerial(zoneId);
    const edit = await support.patch(`/api/dns/zones/${zoneId}/records`, {
      serial,
      changes: [
        { name: 'api', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.7' }] },
        { name: '@', type: 'MX', changetype: 'DELETE' },
      ],
    });
    await succeeded(s.t, edit.body.job.id);
    expect(await ask(name, 'MX')).toEqual([]);
    const before = await s.t.c.db.dnsZone.findUniqueOrThrow({ where: { id: zoneId } });

    const res = await support.post(`/api/dns/zones/${zoneId}/sync`);
    expect(res.status).toBe(202);
    expect(res.body.job).toMatchObject({ type: 'SYNC_DNS_ZONE' });
    const job = await succeeded(s.t, res.body.job.id);
    expect(job.result).toMatchObject({ created: false, changed: true });
    expect(await ask(name, 'MX')).toEqual([`10 mail.${name}`]);
    expect(await ask(`api.${name}`, 'A')).toEqual(['192.0.2.7']);
    const after = await s.t.c.db.dnsZone.findUniqueOrThrow({ where: { id: zoneId } });
    expect(after.isSynced).toBe(true);
    expect(after.lastSyncAt!.getTime()).toBeGreaterThan(before.lastSyncAt!.getTime());
    expect(after.soaSerial).toBe((await pdns.getZone(name))!.serial);
    expect((await auditOf(s.t.c.db, zoneId, 'dns.zone_sync_requested')).details).toMatchObject({ domain: name, jobId: job.id });

    // A second sync finds nothing to push.
    const again = await support.post(`/api/dns/zones/${zoneId}/sync`);
    expect((await succeeded(s.t, again.body.job.id)).result).toMatchObject({ changed: false });
  });

  it('deletes a zone (ADMIN only): gone from PowerDNS, row deleted, domain kept, audited', async () => {
    const { zoneId, name } = await newZone();
    const domainId = (await s.t.c.db.dnsZone.findUniqueOrThrow({ where: { id: zoneId } })).domainId;
    expect((await support.delete(`/api/dns/zones/${zoneId}`)).status).toBe(403);
    const res = await as(s.t.app, staff.tokens.ADMIN).delete(`/api/dns/zones/${zoneId}`);
    expect(res.status).toBe(202);
    expect(res.body.job).toMatchObject({ type: 'DELETE_DNS_ZONE' });
    const job = await succeeded(s.t, res.body.job.id);
    expect(job.result).toMatchObject({ existedInPowerDns: true, rowsDeleted: 1 });
    expect(await pdns.getZone(name)).toBeNull();
    await expect(ask(name, 'NS')).rejects.toThrow(); // REFUSED: the server no longer hosts it
    expect(await s.t.c.db.dnsZone.findUnique({ where: { id: zoneId } })).toBeNull();
    expect(await s.t.c.db.domain.findUnique({ where: { id: domainId } })).not.toBeNull();
    expect((await auditOf(s.t.c.db, zoneId, 'dns.zone_delete_requested')).details).toMatchObject({ domain: name, before: { id: zoneId, domainId } });
    expect((await support.get(`/api/dns/zones/${zoneId}`)).status).toBe(404);
  });
});

describe('dns zones: tenant scoping', () => {
  it("answers 404 for another tenant's zone or domain, 409 for its domain name, and writes nothing", async () => {
    const other = await makeStaff(s.t.c.db, s.t.app);
    const { domain } = await makeSale(s.t.c.db, other.tenant.id);
    const theirs = await s.t.c.db.dnsZone.create({ data: { tenantId: other.tenant.id, domainId: domain.id } });
    const jobs = await s.t.c.db.job.count({ where: { tenantId: { in: [staff.tenant.id, other.tenant.id] } } });
    const admin = as(s.t.app, staff.tokens.ADMIN);
    expect((await admin.get(`/api/dns/zones/${theirs.id}`)).status).toBe(404);
    expect((await admin.post(`/api/dns/zones/${theirs.id}/sync`)).status).toBe(404);
    expect((await admin.patch(`/api/dns/zones/${theirs.id}/records`, { serial: 1, changes: [{ name: 'x', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.1' }] }] })).status).toBe(404);
    expect((await admin.delete(`/api/dns/zones/${theirs.id}`)).status).toBe(404);
    expect((await admin.post('/api/dns/zones', { domainId: domain.id })).status).toBe(404);
    const taken = await admin.post('/api/dns/zones', { domain: domain.name });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('DOMAIN_TAKEN');
    expect(await s.t.c.db.job.count({ where: { tenantId: { in: [staff.tenant.id, other.tenant.id] } } })).toBe(jobs);
    expect(await s.t.c.db.dnsZone.count({ where: { domainId: domain.id } })).toBe(1);
    expect((await admin.get('/api/dns/zones?pageSize=100')).body.items.map((z: { id: string }) => z.id)).not.toContain(theirs.id);
  });
});
