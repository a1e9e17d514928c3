import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensurePowerDnsRunning, startPowerDns, type PowerDnsInstance } from '../../../../scripts/lib/peers/powerdns';
import { FarSideError } from '../../src/integrations/errors';
import { convergeChanges, createPowerDnsClient, type PowerDnsClient, type Rrset } from '../../src/integrations/powerdns/powerdns.client';
import { validateRrsetChanges } from '../../src/modules/dns/dns.records';
import { defaultRrsets } from '../../src/modules/dns/dns.template';
import { queryDns } from '../support/dns';

const NAMESERVERS = ['ns1.mpanel-test.net', 'ns2.mpanel-test.net'];
const WEB_IP = '127.0.0.10';
const MAIL_IP = '127.0.0.20';

let dir: string;
let pdns: PowerDnsInstance;
let client: PowerDnsClient;

const zoneName = (label: string) => `${label}-${crypto.randomBytes(3).toString('hex')}.test`;
const template = (domain: string) => defaultRrsets({ domain, ttl: 300, nameservers: NAMESERVERS, webIp: WEB_IP, mailIp: MAIL_IP });
const rrsetOf = (rrsets: Rrset[], name: string, type: string) => rrsets.find((r) => r.name === name && r.type === type);

async function farSideError(promise: Promise<unknown>): Promise<FarSideError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FarSideError);
  return err as FarSideError;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpanel-pdns-'));
  pdns = await startPowerDns({ dir, apiKey: crypto.randomBytes(16).toString('hex') });
  client = createPowerDnsClient({ baseUrl: pdns.apiUrl, apiKey: pdns.apiKey });
});

afterAll(async () => {
  await pdns?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('PowerDNS client against pdns_server', () => {
  it('reads the server it talks to', async () => {
    const info = await client.serverInfo();
    expect(info).toMatchObject({ id: 'localhost', daemonType: 'authoritative' });
    expect(info.version).toMatch(/^4\./);
  });

  it('creates a zone from the template that resolvers see at once', async () => {
    const domain = zoneName('create');
    const zone = await client.createZone({ name: domain, nameservers: NAMESERVERS, soaEditApi: 'DEFAULT', rrsets: template(domain) });
    expect(zone.name).toBe(`${domain}.`);
    expect(zone.kind).toBe('Native');
    expect(zone.serial).toBeGreaterThan(0);

    const port = pdns.dnsPort;
    expect(await queryDns(port, domain, 'A')).toEqual([WEB_IP]);
    expect(await queryDns(port, `www.${domain}`, 'CNAME')).toEqual([domain]);
    expect(await queryDns(port, `www.${domain}`, 'A')).toEqual([WEB_IP]);
    expect(await queryDns(port, `mail.${domain}`, 'A')).toEqual([MAIL_IP]);
    expect(await queryDns(port, domain, 'MX')).toEqual([`10 mail.${domain}`]);
    expect(await queryDns(port, domain, 'TXT')).toEqual(['v=spf1 mx a ~all']);
    expect(await queryDns(port, domain, 'NS')).toEqual(NAMESERVERS);
    const [soa] = await queryDns(port, domain, 'SOA');
    expect(soa.split(' ')[2]).toBe(String(zone.serial));

    const listed = await client.listZones();
    expect(listed.find((z) => z.name === `${domain}.`)).toMatchObject({ kind: 'Native', serial: zone.serial });
  });

  it('accepts zone names with or without the trailing dot', async () => {
    const domain = zoneName('dots');
    await client.createZone({ name: `${domain}.`, nameservers: NAMESERVERS });
    expect((await client.getZone(domain))?.name).toBe(`${domain}.`);
    expect((await client.getZone(`${domain}.`))?.name).toBe(`${domain}.`);
    expect(await client.deleteZone(domain)).toBe(true);
  });

  it('ensureZone creates once, then converges the zone back to the template', async () => {
    const domain = zoneName('ensure');
    const input = { name: domain, nameservers: NAMESERVERS, rrsets: template(domain) };

    const first = await client.ensureZone(input);
    expect(first.created).toBe(true);

    const second = await client.ensureZone(input);
    expect(second.created).toBe(false);
    // Nothing differed, so nothing was written and the serial did not move.
    expect(second.zone.serial).toBe(first.zone.serial);
    for (const want of template(domain)) {
      const have = rrsetOf(second.zone.rrsets, want.name, want.type);
      expect(have).toEqual(want);
    }

    // A customer's own record, and edits by hand that break the template.
    await client.patchRrsets(domain, [
      { name: `blog.${domain}`, type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '127.0.0.99', disabled: false }] },
      { name: domain, type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '127.0.0.66', disabled: false }] },
      { name: domain, type: 'MX', changetype: 'DELETE' },
      { name: `www.${domain}`, type: 'CNAME', changetype: 'DELETE' },
      { name: `www.${domain}`, type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '127.0.0.67', disabled: false }] },
      { name: domain, type: 'NS', ttl: 300, changetype: 'REPLACE', records: [{ content: 'ns9.elsewhere.net.', disabled: false }] },
    ]);
    expect(await queryDns(pdns.dnsPort, domain, 'A')).toEqual(['127.0.0.66']);
    expect(await queryDns(pdns.dnsPort, domain, 'MX')).toEqual([]);

    const third = await client.ensureZone(input);
    expect(third.created).toBe(false);
    expect(third.zone.serial).toBeGreaterThan(second.zone.serial);
    expect(await queryDns(pdns.dnsPort, domain, 'A')).toEqual([WEB_IP]);
    expect(await queryDns(pdns.dnsPort, domain, 'MX')).toEqual([`10 mail.${domain}`]);
    expect(await queryDns(pdns.dnsPort, `www.${domain}`, 'CNAME')).toEqual([domain]);
    expect(await queryDns(pdns.dnsPort, domain, 'NS')).toEqual(NAMESERVERS);
    expect(rrsetOf(third.zone.rrsets, `www.${domain}.`, 'A')).toBeUndefined();
    // Records outside the template are the customer's and stay.
    expect(await queryDns(pdns.dnsPort, `blog.${domain}`, 'A')).toEqual(['127.0.0.99']);
  });

  it('patches rrsets with REPLACE and DELETE', async () => {
    const domain = zoneName('patch');
    await client.createZone({ name: domain, nameservers: NAMESERVERS, rrsets: template(domain) });

    await client.patchRrsets(domain, [
      { name: `app.${domain}`, type: 'A', ttl: 120, changetype: 'REPLACE', records: [{ content: '127.0.1.1', disabled: false }, { content: '127.0.1.2', disabled: false }] },
      { name: domain, type: 'TXT', ttl: 300, changetype: 'REPLACE', records: [{ content: '"v=spf1 -all"', disabled: false }] },
    ]);
    expect(await queryDns(pdns.dnsPort, `app.${domain}`, 'A')).toEqual(['127.0.1.1', '127.0.1.2']);
    expect(await queryDns(pdns.dnsPort, domain, 'TXT')).toEqual(['v=spf1 -all']);

    await client.patchRrsets(domain, [{ name: `app.${domain}`, type: 'A', changetype: 'DELETE' }]);
    expect(await queryDns(pdns.dnsPort, `app.${domain}`, 'A')).toEqual([]);
    expect(await queryDns(pdns.dnsPort, domain, 'A')).toEqual([WEB_IP]);
  });

  it('stores what the record validator produces exactly as sent', async () => {
    const domain = zoneName('records');
    await client.createZone({ name: domain, nameservers: NAMESERVERS });
    const longText = `v=DKIM1; k=rsa; p=${'A'.repeat(400)}`;
    const result = validateRrsetChanges(domain, [
      { name: 'ipv6', type: 'AAAA', ttl: 300, changetype: 'REPLACE', records: [{ content: '2001:0DB8:0:0::1' }] },
      { name: 'sel._domainkey', type: 'TXT', ttl: 300, changetype: 'REPLACE', records: [{ content: longText }] },
      { name: 'quote', type: 'TXT', ttl: 300, changetype: 'REPLACE', records: [{ content: 'say "hi" \\ café' }] },
      { name: '@', type: 'CAA', ttl: 300, changetype: 'REPLACE', records: [{ content: '0 issue letsencrypt.org' }, { content: '0 iodef "mailto:security@example.com"' }] },
      { name: '_sip._tcp', type: 'SRV', ttl: 300, changetype: 'REPLACE', records: [{ content: '10 5 5060 sip.example.com' }] },
      { name: '@', type: 'MX', ttl: 300, changetype: 'REPLACE', records: [{ content: '20 mx.example.net' }] },
      { name: 'shop', type: 'CNAME', ttl: 300, changetype: 'REPLACE', records: [{ content: 'shops.example.com' }] },
      { name: 'sub', type: 'NS', ttl: 300, changetype: 'REPLACE', records: [{ content: 'ns1.example.org' }] },
    ]);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    await client.patchRrsets(domain, result.changes);

    const zone = (await client.getZone(domain))!;
    for (const change of result.changes) {
      if (change.changetype !== 'REPLACE') continue;
      expect(rrsetOf(zone.rrsets, change.name, change.type)?.records.map((r) => r.content).sort()).toEqual(change.records.map((r) => r.content).sort());
    }
    // Identical content means a converging ensureZone over these rrsets has nothing to do.
    expect(convergeChanges(zone.rrsets, result.changes.filter((c) => c.changetype === 'REPLACE') as Rrset[])).toEqual([]);

    const port = pdns.dnsPort;
    expect(await queryDns(port, `ipv6.${domain}`, 'AAAA')).toEqual(['2001:db8::1']);
    expect(await queryDns(port, `sel._domainkey.${domain}`, 'TXT')).toEqual([longText]);
    expect(await queryDns(port, `quote.${domain}`, 'TXT')).toEqual(['say "hi" \\ café']);
    expect(await queryDns(port, domain, 'CAA')).toEqual(['0 iodef "mailto:security@example.com"', '0 issue "letsencrypt.org"']);
    expect(await queryDns(port, `_sip._tcp.${domain}`, 'SRV')).toEqual(['10 5 5060 sip.example.com']);
    expect(await queryDns(port, domain, 'MX')).toEqual(['20 mx.example.net']);
    expect(await queryDns(port, `shop.${domain}`, 'CNAME')).toEqual(['shops.example.com']);
  });

  it('deletes a zone, and says false for one that is not there', async () => {
    const domain = zoneName('delete');
    await client.createZone({ name: domain, nameservers: NAMESERVERS, rrsets: template(domain) });
    expect(await client.deleteZone(domain)).toBe(true);
    expect(await client.getZone(domain)).toBeNull();
    expect(await client.deleteZone(domain)).toBe(false);
    // No longer authoritative for it: the server refuses rather than answering.
    await expect(queryDns(pdns.dnsPort, domain, 'A')).rejects.toMatchObject({ code: 'EREFUSED' });
  });

  it('returns null for a zone that does not exist', async () => {
    expect(await client.getZone(zoneName('missing'))).toBeNull();
  });

  it('reports a duplicate create as a retryable 409', async () => {
    const domain = zoneName('dup');
    await client.createZone({ name: domain, nameservers: NAMESERVERS });
    const err = await farSideError(client.createZone({ name: domain, nameservers: NAMESERVERS }));
    expect(err).toMatchObject({ system: 'powerdns', status: 409, retryable: true });
  });

  it('reports content PowerDNS refuses as a final 422 carrying its reason', async () => {
    const domain = zoneName('bad');
    await client.createZone({ name: domain, nameservers: NAMESERVERS });
    const err = await farSideError(
      client.patchRrsets(domain, [{ name: `x.${domain}`, type: 'TXT', ttl: 300, changetype: 'REPLACE', records: [{ content: 'unquoted', disabled: false }] }]),
    );
    expect(err).toMatchObject({ system: 'powerdns', status: 422, retryable: false });
    expect(err.message).toMatch(/Not in expected format/);
  });

  it('refuses a wrong API key with a final 401 that does not repeat the key', async () => {
    const wrongKey = `wrong-${crypto.randomBytes(8).toString('hex')}`;
    const intruder = createPowerDnsClient({ baseUrl: pdns.apiUrl, apiKey: wrongKey });
    const err = await farSideError(intruder.listZones());
    expect(err).toMatchObject({ system: 'powerdns', status: 401, retryable: false });
    const everything = `${err.message} ${err.stack} ${JSON.stringify(err)} ${JSON.stringify(err.opts)}`;
    expect(everything).not.toContain(wrongKey);
    expect(everything).not.toContain(pdns.apiKey);
  });
});

describe('PowerDNS client when the server does not answer', () => {
  it('reports a stopped server as retryable, without a status', async () => {
    const stoppedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpanel-pdns-stopped-'));
    try {
      const stopped = await startPowerDns({ dir: stoppedDir, apiKey: 'stopped-server-key' });
      const c = createPowerDnsClient({ baseUrl: stopped.apiUrl, apiKey: stopped.apiKey, timeoutMs: 2000 });
      expect((await c.serverInfo()).daemonType).toBe('authoritative');
      await stopped.stop();

      const err = await farSideError(c.ensureZone({ name: zoneName('down'), nameservers: NAMESERVERS }));
      expect(err).toMatchObject({ system: 'powerdns', retryable: true });
      expect(err.status).toBeUndefined();
      expect(err.message).toMatch(/ECONNREFUSED/);
      expect(JSON.stringify(err.opts)).not.toContain('stopped-server-key');
    } finally {
      fs.rmSync(stoppedDir, { recursive: true, force: true });
    }
  });

  it('gives up after timeoutMs on a server that never answers, as retryable', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const c = createPowerDnsClient({ baseUrl: `http://127.0.0.1:${port}/api/v1`, apiKey: 'k', timeoutMs: 200 });
      const err = await farSideError(c.getZone('example.com'));
      expect(err).toMatchObject({ system: 'powerdns', retryable: true, status: undefined });
      expect(err.message).toMatch(/ETIMEDOUT/);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('ensurePowerDnsRunning (npm start)', () => {
  it('reuses a running server, restarts it when the key changes, and keeps its zones', async () => {
    const startDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpanel-pdns-start-'));
    const stops: Array<() => Promise<void>> = [];
    try {
      const first = await ensurePowerDnsRunning({ dir: startDir, apiKey: 'first-key' });
      stops.push(first.stop);
      expect(first.status).toBe('started');
      const domain = zoneName('kept');
      await createPowerDnsClient({ baseUrl: first.apiUrl, apiKey: 'first-key' }).createZone({ name: domain, nameservers: NAMESERVERS });

      const again = await ensurePowerDnsRunning({ dir: startDir, apiKey: 'first-key' });
      expect(again).toMatchObject({ status: 'reused', pid: first.pid, apiUrl: first.apiUrl, dnsPort: first.dnsPort });

      const rekeyed = await ensurePowerDnsRunning({ dir: startDir, apiKey: 'second-key' });
      stops.push(rekeyed.stop);
      expect(rekeyed.status).toBe('started');
      expect(rekeyed.pid).not.toBe(first.pid);
      // Same ports as before, so URLs written into .env stay valid; the LMDB data survives.
      expect(rekeyed.apiUrl).toBe(first.apiUrl);
      expect(await createPowerDnsClient({ baseUrl: rekeyed.apiUrl, apiKey: 'second-key' }).getZone(domain)).not.toBeNull();
      expect(await queryDns(rekeyed.dnsPort, domain, 'NS')).toEqual(NAMESERVERS);
    } finally {
      for (const stop of stops) await stop();
      fs.rmSync(startDir, { recursive: true, force: true });
    }
  });
});
