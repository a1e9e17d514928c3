/**
 * The admin SPA driving real provisioning: an in-process worker runs the jobs against a real
 * PowerDNS, a real sshd running the host scripts and the mail-core contract server. A manual
 * order is followed to its jobs' ends, a failed job is fixed and retried, and DNS records are
 * edited — including an edit that loses a race with another change.
 */
import type { Page } from 'playwright-core';
import { freePort } from '../../../../scripts/lib/peers/powerdns';
import { as } from '../support/admin';
import { ensureAdminBuild, launchBrowser, listen, screenshot, signIn, type BrowserSession } from '../support/browser';
import { queryDns } from '../support/dns';
import { login, makePlan, makeProduct, makeTenant, makeUser, PASSWORD, uid } from '../support/factories';
import { startPeers, startStack, succeeded, type Peers, type Stack } from '../support/far-sides';
import { eventually } from '../support/eventually';

jest.setTimeout(120_000);

let peers: Peers;
let s: Stack;
let http: Awaited<ReturnType<typeof listen>>;
let browser: BrowserSession;
let page: Page;
let api: ReturnType<typeof as>;
let webId: string;
const domain = `ui-${uid(4)}.example.com`;

beforeAll(async () => {
  const dist = ensureAdminBuild();
  peers = await startPeers('ui');
  s = await startStack({ ...peers.env, ADMIN_DIST_DIR: dist });
  http = await listen(s.t.app);
  const { db } = s.t.c;
  const tenant = await makeTenant(db);
  s.tenantIds.push(tenant.id);
  const admin = await makeUser(db, tenant.id, 'ADMIN', { email: `ops-${uid()}@example.test` });
  api = as(s.t.app, await login(s.t.app, admin.email));
  await db.server.create({ data: { tenantId: tenant.id, name: 'mail-core', role: 'MAIL', ipAddress: '192.0.2.25' } });
  // The web server's SSH port is wrong at first (nothing listens there), so hosting fails until staff fix it.
  const web = await db.server.create({
    data: { tenantId: tenant.id, name: 'srv1-web', role: 'WEB', ipAddress: '127.0.0.1', sshPort: await freePort(), sshUser: peers.sshd.username },
  });
  webId = web.id;
  const product = await makeProduct(db, tenant.id, { name: 'Shared Hosting', type: 'SHARED_HOSTING' });
  await makePlan(db, tenant.id, product.id, { slug: 'ui-starter', priceMonthlyCents: 700, limits: { diskGb: 5, emails: 0 } });

  browser = await launchBrowser();
  page = browser.page;
  await page.goto(`${http.baseUrl}/sign-in`);
  await signIn(page, admin.email, PASSWORD);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await http?.close();
  await s?.close();
  await peers?.stop();
});

const jobCard = (type: string) => page.locator('.mantine-Paper-root').filter({ has: page.getByRole('link', { name: type, exact: true }) }).last();

describe('provisioning from the admin SPA', () => {
  it('places a manual order and follows its jobs: DNS succeeds, hosting fails after its attempts', async () => {
    await page.getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('button', { name: 'New order' }).click();
    const dialog = page.getByRole('dialog', { name: 'New manual order' });
    await dialog.getByLabel('Email').fill('walk-in@example.test');
    await dialog.getByLabel('Full name').fill('Walk-in Client');
    await dialog.getByLabel(/^Plan/).click();
    await page.getByRole('option', { name: /Plan ui-starter/ }).click();
    await dialog.getByLabel(/^Domain/).fill(domain);
    await dialog.getByRole('button', { name: 'Create order' }).click();

    await page.waitForURL(/\/orders\/[^/]+$/);
    await page.getByText('Provisioning jobs (2)').waitFor();
    // The page polls while jobs run: no reload needed to see them finish.
    await jobCard('Provision dns').getByText('Success', { exact: true }).first().waitFor({ timeout: 30_000 });
    await jobCard('Provision hosting').getByText('Failed', { exact: true }).first().waitFor({ timeout: 60_000 });
    await jobCard('Provision hosting').getByText('Attempt 3').waitFor();
    await screenshot(page, '40-order-hosting-failed');
  });

  it('staff fix the server, retry the failed job, and watch it succeed', async () => {
    const orderUrl = page.url();
    await page.getByRole('link', { name: 'Servers' }).click();
    await page.getByRole('link', { name: 'srv1-web' }).click();
    await page.getByRole('heading', { name: 'srv1-web' }).waitFor();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit srv1-web' });
    await dialog.getByLabel('SSH port').fill(String(peers.sshd.port));
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText(`${peers.sshd.username}@127.0.0.1:${peers.sshd.port}`).waitFor();

    await page.goto(orderUrl);
    const card = jobCard('Provision hosting');
    await card.getByRole('button', { name: 'Retry' }).click();
    const confirm = page.getByRole('dialog', { name: 'Retry Provision hosting?' });
    await confirm.getByRole('button', { name: 'Retry' }).click();
    // Progress shows in the tray and on the card until the job ends.
    await page.getByRole('status').filter({ hasText: 'Retry: Provision hosting' }).waitFor();
    await card.getByText('Success', { exact: true }).first().waitFor({ timeout: 60_000 });
    await card.getByText('Attempt 4').waitFor();
    await screenshot(page, '41-order-hosting-retried');
    const account = await s.t.c.db.hostingAccount.findFirstOrThrow({ where: { domain: { name: domain } } });
    expect(account).toMatchObject({ status: 'ACTIVE', serverId: webId });
  });

  it('edits DNS records with per-type checks, and a lost race is shown and the zone reloaded', async () => {
    await page.getByRole('link', { name: 'DNS zones' }).click();
    // The order page left behind links the same domain name: wait for the zone list first.
    await page.waitForURL(/\/dns(\?|$)/);
    await page.getByRole('table').getByRole('link', { name: domain }).click();
    await page.waitForURL(/\/dns\/[^/?]+/);
    const records = page.getByRole('table', { name: `Records of ${domain}` });
    await records.getByText('SOA').waitFor();
    await screenshot(page, '42-dns-zone');

    await page.getByRole('button', { name: 'Add record' }).click();
    let dialog = page.getByRole('dialog', { name: `Add a record to ${domain}` });
    await dialog.getByLabel('Name').fill('www2');
    await dialog.getByLabel('Record 1 content').fill('192.0.2.300');
    await dialog.getByRole('button', { name: 'Add record' }).click();
    await dialog.getByText('must be an IPv4 address').waitFor();
    await screenshot(page, '43-dns-record-invalid');
    await dialog.getByLabel('Record 1 content').fill('192.0.2.44');
    await dialog.getByRole('button', { name: 'Add record' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await records.getByText('192.0.2.44').waitFor({ timeout: 30_000 });
    expect(await queryDns(peers.pdns.dnsPort, `www2.${domain}`, 'A')).toEqual(['192.0.2.44']);

    // Someone else changes the zone while this editor is open on the old serial.
    await page.getByRole('button', { name: 'Add record' }).click();
    dialog = page.getByRole('dialog', { name: `Add a record to ${domain}` });
    await dialog.getByLabel('Name').fill('api');
    await dialog.getByLabel('Record 1 content').fill('192.0.2.45');
    const zoneId = page.url().split('/').pop()!;
    const serial = (await api.get(`/api/dns/zones/${zoneId}`)).body.serial as number;
    const other = await api.patch(`/api/dns/zones/${zoneId}/records`, {
      serial,
      changes: [{ name: 'other', type: 'TXT', ttl: 300, changetype: 'REPLACE', records: [{ content: 'changed meanwhile' }] }],
    });
    expect(other.status).toBe(202);
    await succeeded(s.t, other.body.job.id);
    await eventually(async () => expect((await api.get(`/api/dns/zones/${zoneId}`)).body.serial).not.toBe(serial), 10_000);

    await dialog.getByRole('button', { name: 'Add record' }).click();
    await dialog.getByText('The zone changed while you were editing').waitFor();
    await records.getByText('"changed meanwhile"').waitFor();
    await screenshot(page, '44-dns-conflict');
    // The draft is still there; saving again applies it on top of the new serial.
    await dialog.getByRole('button', { name: 'Add record' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await records.getByText('192.0.2.45').waitFor({ timeout: 30_000 });
    expect(await queryDns(peers.pdns.dnsPort, `api.${domain}`, 'A')).toEqual(['192.0.2.45']);
    expect(browser.problems.filter((p) => !/status of (401|404|409)/.test(p))).toEqual([]);
  });
});
