import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPowerDns, freePort } from '../../../../scripts/lib/peers/powerdns';
import { generateClientKey, nginxConfigTest, prepareHostRoot, startSshd } from '../../../../scripts/lib/peers/sshd';
import { createWorkerRuntime, type WorkerRuntime } from '../../src/jobs/worker-runtime';
import { makeApp, TEST_INTERNAL_KEY, type TestApp } from '../support/app';
import { queryDns } from '../support/dns';
import { eventually } from '../support/eventually';
import { uid } from '../support/factories';
import { makeShop, orderBody, testDomain } from '../support/shop';

/**
 * The money path end to end, against real PostgreSQL, Redis, PowerDNS and sshd on loopback:
 * an order from srv1 becomes a zone that answers DNS queries and a site on a web server.
 */
const repo = path.resolve(__dirname, '../../../..');
const key = { 'x-internal-key': TEST_INTERNAL_KEY };
let dir: string;
let pdns: Awaited<ReturnType<typeof startPowerDns>>;
let sshd: Awaited<ReturnType<typeof startSshd>>;
let hostRoot: string;
let env: Record<string, string>;
const apps: TestApp[] = [];
const runtimes: WorkerRuntime[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpanel-money-'));
  pdns = await startPowerDns({ dir: path.join(dir, 'pdns'), apiKey: `pdns-${uid(8)}` });
  const client = generateClientKey(path.join(dir, 'client'));
  hostRoot = prepareHostRoot(path.join(dir, 'host-root')).root;
  sshd = await startSshd({ dir: path.join(dir, 'sshd'), hostRoot, authorizedKeys: [client.publicKey] });
  env = {
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}_money_${uid(3)}`,
    POWERDNS_API_URL: pdns.apiUrl,
    POWERDNS_API_KEY: pdns.apiKey,
    DNS_NAMESERVERS: 'ns1.example.net,ns2.example.net',
    SSH_PRIVATE_KEY_PATH: client.privateKeyPath,
    SSH_CONNECT_TIMEOUT_MS: '3000',
    HOST_SCRIPTS_DIR: path.join(repo, 'scripts/host'),
    JOB_BACKOFF_MS: '100',
    JOB_MAX_ATTEMPTS: '6',
    OUTBOX_SWEEP_INTERVAL_MS: '300',
    WORKER_CONCURRENCY: '4',
  };
}, 60000);

afterAll(async () => {
  for (const r of runtimes) await r.stop(2000);
  for (const a of apps) await a.close();
  await sshd?.stop();
  await pdns?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function stack(overrides: Record<string, string> = {}) {
  // Each stack has its own queues, so a worker only runs the jobs of its own far sides.
  const t = await makeApp({ ...env, QUEUE_PREFIX: `${env.QUEUE_PREFIX}_${uid(2)}`, ...overrides }, { waitForRedis: !overrides.REDIS_URL });
  apps.push(t);
  // Test files share one database: this worker sweeps only the tenants of its own test.
  const tenantIds: string[] = [];
  const runtime = createWorkerRuntime(t.c, undefined, { tenantIds });
  runtimes.push(runtime);
  await runtime.start();
  return { t, runtime, tenantIds };
}

async function jobsDone(t: TestApp, orderId: string, timeoutMs = 30000) {
  return eventually(async () => {
    const jobs = await t.c.db.job.findMany({ where: { orderId }, include: { logs: { orderBy: { createdAt: 'asc' } } }, orderBy: { createdAt: 'asc' } });
    const open = jobs.filter((j) => j.status !== 'SUCCESS' && j.status !== 'FAILED');
    if (!jobs.length || open.length) throw new Error(`jobs still open: ${open.map((j) => `${j.type}:${j.status}:${j.lastError ?? ''}`).join(', ')}`);
    return jobs;
  }, timeoutMs, 100);
}

it('provisions a paid hosting order: a zone that answers, a site on the web server, rows and audit', async () => {
  const { t, tenantIds } = await stack();
  const shop = await makeShop(t.c.db, { web: { sshPort: sshd.port, sshUser: sshd.username } });
  tenantIds.push(shop.tenant.id);
  const domain = testDomain();
  const res = await t.http().post('/api/orders').set(key).send(orderBody(shop.tenant.slug, { metadata: { domain, phpVersion: '8.2' } }));
  expect(res.status).toBe(201);

  const jobs = await jobsDone(t, res.body.orderId);
  expect(jobs.map((j) => [j.type, j.status, j.lastError])).toEqual([
    ['PROVISION_DNS', 'SUCCESS', null],
    ['PROVISION_HOSTING', 'SUCCESS', null],
  ]);
  for (const job of jobs) expect(job.logs.map((l) => [l.attempt, l.status])).toEqual([[1, 'SUCCESS']]);

  // DNS answers from the real server, pointing at the web server and the mail server.
  expect(await queryDns(pdns.dnsPort, domain, 'A')).toEqual(['127.0.0.1']);
  expect(await queryDns(pdns.dnsPort, `www.${domain}`, 'CNAME')).toEqual([`${domain}`]);
  expect(await queryDns(pdns.dnsPort, domain, 'MX')).toEqual([`10 mail.${domain}`]);
  expect(await queryDns(pdns.dnsPort, domain, 'NS')).toEqual(['ns1.example.net', 'ns2.example.net']);
  const zone = await t.c.db.dnsZone.findFirstOrThrow({ where: { domainId: res.body.domainId } });
  expect(zone).toMatchObject({ isSynced: true, soaSerial: expect.any(Number) });
  expect(zone.lastSyncAt).toBeInstanceOf(Date);

  // The site exists in the web server's sandbox and its vhost passes nginx -t.
  const account = await t.c.db.hostingAccount.findUniqueOrThrow({ where: { domainId: res.body.domainId } });
  expect(account).toMatchObject({ status: 'ACTIVE', serverId: shop.servers.web!.id, phpVersion: '8.2' });
  expect(account.homeDir).toBe(`/home/${account.systemUser}`);
  expect(fs.existsSync(path.join(hostRoot, account.homeDir))).toBe(true);
  expect(fs.readdirSync(path.join(hostRoot, 'etc/nginx/sites-enabled')).some((f) => f.startsWith(domain))).toBe(true);
  expect(fs.readFileSync(path.join(hostRoot, 'etc/passwd'), 'utf8')).toContain(`${account.systemUser}:`);
  const nginx = nginxConfigTest(hostRoot);
  expect(nginx.output).toContain('successful');

  // First contact pinned the web server's host key.
  expect((await t.c.db.server.findUniqueOrThrow({ where: { id: shop.servers.web!.id } })).hostKeyFingerprint).toBe(sshd.hostKeyFingerprint);

  expect((await t.c.db.domain.findUniqueOrThrow({ where: { id: res.body.domainId } })).status).toBe('ACTIVE');
  const audit = await t.c.db.auditLog.findMany({ where: { tenantId: shop.tenant.id }, orderBy: { createdAt: 'asc' } });
  const actions = audit.map((a) => a.action);
  expect(actions).toEqual(expect.arrayContaining(['order.created', 'provisioning.succeeded', 'order.provisioned', 'server.host_key_pinned']));
  expect(actions.filter((a) => a === 'provisioning.succeeded')).toHaveLength(2);
  expect(audit.find((a) => a.action === 'provisioning.succeeded')?.details).toMatchObject({ orderId: res.body.orderId, domainId: res.body.domainId });
}, 60000);

it('fails the hosting job at once, saying why, when the web server shows another host key', async () => {
  const { t, tenantIds } = await stack();
  const shop = await makeShop(t.c.db, { web: { sshPort: sshd.port, sshUser: sshd.username, hostKeyFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
  tenantIds.push(shop.tenant.id);
  const res = await t.http().post('/api/orders').set(key).send(orderBody(shop.tenant.slug));
  const jobs = await jobsDone(t, res.body.orderId);
  const hosting = jobs.find((j) => j.type === 'PROVISION_HOSTING')!;
  expect(hosting).toMatchObject({ status: 'FAILED', attempts: 1 });
  expect(hosting.lastError).toMatch(/host key mismatch/);
  expect(hosting.logs).toHaveLength(1);
  expect((await t.c.db.domain.findUniqueOrThrow({ where: { id: res.body.domainId } })).status).toBe('PENDING_SETUP');
  expect(await t.c.db.auditLog.count({ where: { targetId: hosting.id, action: 'provisioning.failed' } })).toBe(1);
}, 60000);

it('retries while PowerDNS is down and succeeds once it is back', async () => {
  const own = await startPowerDns({ dir: path.join(dir, 'pdns-flaky'), apiKey: `pdns-${uid(8)}` });
  const { t, tenantIds } = await stack({ POWERDNS_API_URL: own.apiUrl, POWERDNS_API_KEY: own.apiKey, JOB_BACKOFF_MS: '300' });
  const shop = await makeShop(t.c.db, { web: false });
  tenantIds.push(shop.tenant.id);
  await own.stop();
  const domain = testDomain();
  const res = await t.http().post('/api/orders').set(key).send(orderBody(shop.tenant.slug, { planSlug: 'dns-monthly', totalAmountCents: 0, metadata: { domain } }));
  expect(res.status).toBe(201);
  const [jobId] = res.body.jobs.map((j: { id: string }) => j.id);
  await eventually(async () => {
    const logs = await t.c.db.jobLog.count({ where: { jobId, status: 'FAILED' } });
    if (logs < 1) throw new Error('no failed attempt yet');
  }, 15000);

  const back = await startPowerDns({ dir: path.join(dir, 'pdns-flaky'), apiKey: own.apiKey, dnsPort: own.dnsPort, apiPort: own.apiPort });
  try {
    const [job] = await jobsDone(t, res.body.orderId);
    expect(job.status).toBe('SUCCESS');
    expect(job.attempts).toBeGreaterThanOrEqual(2);
    expect(job.logs[0]).toMatchObject({ status: 'FAILED', details: { system: 'powerdns', retryable: true } });
    expect(job.logs.at(-1)!.status).toBe('SUCCESS');
    expect(await queryDns(back.dnsPort, domain, 'NS')).toEqual(['ns1.example.net', 'ns2.example.net']);
  } finally {
    await back.stop();
  }
}, 60000);

it('keeps orders taken while Redis is down and runs their jobs once it is back', async () => {
  const port = await freePort();
  const startRedis = () =>
    new Promise<ChildProcess>((resolve, reject) => {
      const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
      child.stdout!.on('data', (d) => String(d).includes('Ready to accept connections') && resolve(child));
      child.on('error', reject);
    });
  const stopRedis = (child: ChildProcess) => new Promise<void>((resolve) => (child.on('exit', () => resolve()), child.kill('SIGKILL')));

  let redis = await startRedis();
  const { t, tenantIds } = await stack({ REDIS_URL: `redis://127.0.0.1:${port}/0` });
  await t.c.ready(3000);
  const shop = await makeShop(t.c.db, { web: false });
  tenantIds.push(shop.tenant.id);
  await stopRedis(redis);

  const domain = testDomain();
  const res = await t.http().post('/api/orders').set(key).send(orderBody(shop.tenant.slug, { planSlug: 'dns-monthly', totalAmountCents: 0, metadata: { domain } }));
  expect(res.status).toBe(201);
  expect((await t.c.db.job.findMany({ where: { orderId: res.body.orderId } })).map((j) => j.status)).toEqual(['PENDING']);

  redis = await startRedis();
  try {
    const [job] = await jobsDone(t, res.body.orderId, 40000);
    expect(job).toMatchObject({ status: 'SUCCESS', attempts: 1 });
    expect(await queryDns(pdns.dnsPort, domain, 'NS')).toHaveLength(2);
  } finally {
    for (const r of runtimes.splice(runtimes.length - 1)) await r.stop(1000);
    for (const a of apps.splice(apps.length - 1)) await a.close();
    await stopRedis(redis);
  }
}, 60000);
