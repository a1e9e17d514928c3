import { startMailcoreServer, type MailcoreServer } from '../../../../scripts/lib/peers/mailcore-server';
import { open } from '../../src/core/secrets';
import { createMailcoreClient } from '../../src/integrations/mailcore/mailcore.client';
import { MAIL_PASSWORD_PURPOSE } from '../../src/modules/mail/mail.service';
import { as, auditOf, badFields, freshId } from '../support/admin';
import { makeStaff, uid } from '../support/factories';
import { captureLogs, farStack, finished, succeeded, type FarStack } from '../support/far-stack';

/**
 * Mailboxes over HTTP, with a worker running the jobs against the mail-core contract server.
 * A password is shown once — in the 202 answer — and is then in no row, log line or later answer.
 */
const API_KEY = 'test-mailcore-key-0123456789abcdef';

let mailcore: MailcoreServer;
let s: FarStack;
let logs: ReturnType<typeof captureLogs>;
let staff: Awaited<ReturnType<typeof makeStaff>>;
let support: ReturnType<typeof as>;

beforeAll(async () => {
  mailcore = await startMailcoreServer({ apiKey: API_KEY });
  logs = captureLogs();
  s = await farStack('mail', { logger: logs.logger, far: { mailcore: createMailcoreClient({ baseUrl: mailcore.url, apiKey: API_KEY, timeoutMs: 5000 }) } });
  staff = await makeStaff(s.c.db, s.app);
  s.tenantIds.push(staff.tenant.id);
  support = as(s.app, staff.tokens.SUPPORT);
}, 30000);

afterAll(async () => {
  await s?.close();
  await mailcore?.stop();
});

async function domainOf(tenantId: string) {
  return s.c.db.domain.create({ data: { tenantId, name: `mail-${uid(4)}.example.com` } });
}

/** Every place a password could have leaked to: the tenant's rows, the logs, and what the API shows. */
async function expectNowhere(password: string, accountId?: string) {
  const tenantId = staff.tenant.id;
  const rows = await Promise.all([
    s.c.db.job.findMany({ where: { tenantId } }),
    s.c.db.jobLog.findMany({ where: { tenantId } }),
    s.c.db.auditLog.findMany({ where: { tenantId } }),
    s.c.db.mailAccount.findMany({ where: { tenantId } }),
  ]);
  expect(JSON.stringify(rows)).not.toContain(password);
  // The log holds the requests and every job run, at trace level and unredacted.
  expect(logs.text()).toContain('job succeeded');
  expect(logs.text()).not.toContain(password);
  const pages = [await support.get('/api/mail/accounts'), await support.get('/api/jobs?type=MAIL_ACCOUNT_ACTION'), await as(s.app, staff.tokens.ADMIN).get('/api/audit?pageSize=100')];
  if (accountId) pages.push(await support.get(`/api/mail/accounts/${accountId}`));
  for (const page of pages) expect(JSON.stringify(page.body)).not.toContain(password);
}

describe('mail accounts', () => {
  it('refuses bad input with 400 naming the fields, and writes nothing', async () => {
    const domain = await domainOf(staff.tenant.id);
    const before = await s.c.db.job.count({ where: { tenantId: staff.tenant.id } });
    const res = await support.post('/api/mail/accounts', { domainId: domain.id, localPart: 'bad..name', quotaMb: 0, password: 'short' });
    expect(badFields(res)).toEqual(['body.localPart', 'body.password', 'body.quotaMb']);
    expect(badFields(await support.post('/api/mail/accounts', {}))).toEqual(['body.domainId', 'body.localPart']);
    expect(badFields(await support.post('/api/mail/accounts', { domainId: domain.id, localPart: 'info', password: 'long-enough-but\nbroken' }))).toEqual(['body.password']);
    expect(badFields(await support.get('/api/mail/accounts?status=GONE'))).toEqual(['query.status']);
    expect(await s.c.db.mailAccount.count({ where: { domainId: domain.id } })).toBe(0);
    expect(await s.c.db.job.count({ where: { tenantId: staff.tenant.id } })).toBe(before);
    // The refused password is not in the log either.
    expect(logs.text()).not.toContain('long-enough-but');
  });

  it('creates a mailbox with a generated password shown once, sealed in the job until mail-core has it', async () => {
    const domain = await domainOf(staff.tenant.id);
    const res = await support.post('/api/mail/accounts', { domainId: domain.id, localPart: 'Info', quotaMb: 2048 });
    expect(res.status).toBe(202);
    expect(res.headers['cache-control']).toBe('no-store');
    const email = `info@${domain.name}`;
    expect(res.body).toMatchObject({ job: { type: 'MAIL_ACCOUNT_ACTION', status: 'PENDING' }, mailAccount: { email, status: 'PENDING', quotaMb: 2048 } });
    const password = res.body.password as string;
    expect(password).toMatch(/^[A-Za-z0-9]{22}$/);

    const job = await succeeded(s.c.db, res.body.job.id);
    // The worker removed the sealed password once mail-core had it.
    expect(job.payload).toEqual({ mailAccountId: res.body.mailAccount.id, action: 'create' });
    const onMailcore = mailcore.state.accounts.get(email);
    expect(onMailcore).toMatchObject({ isActive: true, quotaMb: 2048 });
    expect(await mailcore.state.verifyPassword(email, password)).toBe(true);
    expect(mailcore.state.domains.has(domain.name)).toBe(true);

    const row = await s.c.db.mailAccount.findUniqueOrThrow({ where: { id: res.body.mailAccount.id } });
    expect(row).toMatchObject({ status: 'ACTIVE', quotaMb: 2048, tenantId: staff.tenant.id });
    const audit = await auditOf(s.c.db, row.id, 'mail.account.created');
    expect(audit).toMatchObject({ userId: staff.users.SUPPORT.id, targetType: 'MailAccount' });
    expect(audit.details).toMatchObject({ passwordGenerated: true, jobId: job.id, after: { email } });

    const detail = await support.get(`/api/mail/accounts/${row.id}`);
    expect(detail.body).toMatchObject({ email, status: 'ACTIVE', domain: { name: domain.name }, jobs: [{ id: job.id, status: 'SUCCESS' }] });
    expect(detail.body).not.toHaveProperty('password');
    await expectNowhere(password, row.id);

    const list = await support.get(`/api/mail/accounts?domainId=${domain.id}&status=ACTIVE`);
    expect(list.body.items.map((a: { email: string }) => a.email)).toEqual([email]);
    expect((await support.get(`/api/mail/accounts?domain=${domain.name}&search=inf`)).body.total).toBe(1);

    // The same address again: the row exists.
    const again = await support.post('/api/mail/accounts', { domainId: domain.id, localPart: 'info' });
    expect(again.status).toBe(409);
    expect(again.body).not.toHaveProperty('password');
  }, 30000);

  it('seals the password in the job row with SECRETS_KEY while it waits', async () => {
    const domain = await domainOf(staff.tenant.id);
    const password = `Staff-Chosen-${uid(6)}`;
    // Written by the service but not yet run: the row as the worker will find it.
    const res = await support.post('/api/mail/accounts', { domainId: domain.id, localPart: 'sealed', password });
    expect(res.body.password).toBe(password);
    const row = await s.c.db.job.findUniqueOrThrow({ where: { id: res.body.job.id } });
    const sealed = (row.payload as { sealedPassword?: string }).sealedPassword;
    if (sealed) {
      // The worker may have finished already; when it has not, what waits is ciphertext.
      expect(sealed).not.toContain(password);
      expect(open(s.c.env.SECRETS_KEY, sealed, MAIL_PASSWORD_PURPOSE)).toBe(password);
      expect(() => open(s.c.env.SECRETS_KEY, sealed, 'something-else')).toThrow();
    }
    await succeeded(s.c.db, res.body.job.id);
    expect(await mailcore.state.verifyPassword(`sealed@${domain.name}`, password)).toBe(true);
    expect((await auditOf(s.c.db, res.body.mailAccount.id, 'mail.account.created')).details).toMatchObject({ passwordGenerated: false });
    await expectNowhere(password);
  }, 30000);

  it('converges on a mailbox mail-core already has (409 there): it takes the new password', async () => {
    const domain = await domainOf(staff.tenant.id);
    const email = `taken@${domain.name}`;
    const direct = createMailcoreClient({ baseUrl: mailcore.url, apiKey: API_KEY });
    await direct.ensureDomain(domain.name);
    await direct.createAccount({ email, password: 'an-old-password-123', quotaMb: 10 });
    const res = await support.post('/api/mail/accounts', { domainId: domain.id, localPart: 'taken', quotaMb: 500 });
    const job = await succeeded(s.c.db, res.body.job.id);
    expect(job.result).toMatchObject({ created: false, email });
    expect(await mailcore.state.verifyPassword(email, res.body.password)).toBe(true);
    expect(await mailcore.state.verifyPassword(email, 'an-old-password-123')).toBe(false);
    expect(mailcore.state.accounts.get(email)).toMatchObject({ quotaMb: 500, isActive: true });
  }, 30000);

  it('disables, enables, resets the password and deletes, refusing what makes no sense with 409', async () => {
    const domain = await domainOf(staff.tenant.id);
    const created = await support.post('/api/mail/accounts', { domainId: domain.id, localPart: 'ops' });
    const id = created.body.mailAccount.id as string;
    const email = `ops@${domain.name}`;
    // Nothing can be done to it while it is being created.
    expect((await support.post(`/api/mail/accounts/${id}/disable`)).status).toBe(409);
    await succeeded(s.c.db, created.body.job.id);

    expect((await support.post(`/api/mail/accounts/${id}/enable`)).body.error.code).toBe('INVALID_STATE');
    const disable = await support.post(`/api/mail/accounts/${id}/disable`);
    expect(disable.status).toBe(202);
    await succeeded(s.c.db, disable.body.job.id);
    expect(mailcore.state.accounts.get(email)?.isActive).toBe(false);
    expect((await s.c.db.mailAccount.findUniqueOrThrow({ where: { id } })).status).toBe('DISABLED');
    expect((await support.post(`/api/mail/accounts/${id}/disable`)).status).toBe(409);
    expect(await auditOf(s.c.db, id, 'mail.account.disable')).toMatchObject({ userId: staff.users.SUPPORT.id });

    const enable = await support.post(`/api/mail/accounts/${id}/enable`);
    await succeeded(s.c.db, enable.body.job.id);
    expect(mailcore.state.accounts.get(email)?.isActive).toBe(true);

    const reset = await support.post(`/api/mail/accounts/${id}/reset-password`);
    expect(reset.status).toBe(202);
    expect(reset.headers['cache-control']).toBe('no-store');
    const fresh = reset.body.password as string;
    expect(fresh).not.toBe(created.body.password);
    const resetJob = await succeeded(s.c.db, reset.body.job.id);
    expect(resetJob.payload).toEqual({ mailAccountId: id, action: 'reset-password' });
    expect(await mailcore.state.verifyPassword(email, fresh)).toBe(true);
    expect(await mailcore.state.verifyPassword(email, created.body.password)).toBe(false);
    await expectNowhere(fresh, id);
    await expectNowhere(created.body.password);

    const chosen = await support.post(`/api/mail/accounts/${id}/reset-password`, { password: 'Chosen-By-Staff-42' });
    await succeeded(s.c.db, chosen.body.job.id);
    expect(await mailcore.state.verifyPassword(email, 'Chosen-By-Staff-42')).toBe(true);

    // SUPPORT never deletes.
    expect((await support.delete(`/api/mail/accounts/${id}`)).status).toBe(403);
    const del = await as(s.app, staff.tokens.ADMIN).delete(`/api/mail/accounts/${id}`);
    expect(del.status).toBe(202);
    await succeeded(s.c.db, del.body.job.id);
    expect(mailcore.state.accounts.has(email)).toBe(false);
    expect((await support.get(`/api/mail/accounts/${id}`)).status).toBe(404);
    expect(await auditOf(s.c.db, id, 'mail.account.delete')).toMatchObject({ userId: staff.users.ADMIN.id });
  }, 60000);

  it('PROVISION_MAIL makes mail-core host the ordered domain, and running it again converges', async () => {
    const domain = await domainOf(staff.tenant.id);
    const run = async () => {
      const [job] = await s.c.db.$transaction((tx) => s.c.jobs.create(tx, staff.tenant.id, [{ type: 'PROVISION_MAIL', payload: { domainId: domain.id } }]));
      await s.c.jobs.dispatch([job]);
      return succeeded(s.c.db, job.id);
    };
    const first = await run();
    expect(first.result).toMatchObject({ domain: domain.name, created: true, accountCount: 0 });
    expect(mailcore.state.domains.has(domain.name)).toBe(true);
    const second = await run();
    expect(second.result).toMatchObject({ created: false });
    // No mailbox comes with an order: nobody would see its password.
    expect(await s.c.db.mailAccount.count({ where: { domainId: domain.id } })).toBe(0);

    const manual = await s.c.db.domain.create({ data: { tenantId: staff.tenant.id, name: `nomail-${uid(4)}.example.com`, autoMail: false } });
    const [skip] = await s.c.db.$transaction((tx) => s.c.jobs.create(tx, staff.tenant.id, [{ type: 'PROVISION_MAIL', payload: { domainId: manual.id } }]));
    await s.c.jobs.dispatch([skip]);
    expect((await succeeded(s.c.db, skip.id)).result).toMatchObject({ skipped: true });
    expect(mailcore.state.domains.has(manual.name)).toBe(false);
  }, 30000);

  it('fails a create while mail-core is unavailable, keeps the password sealed, and a retry once it is back runs it', async () => {
    const domain = await domainOf(staff.tenant.id);
    mailcore.state.unavailable = true;
    const res = await support.post('/api/mail/accounts', { domainId: domain.id, localPart: 'later' });
    const failed = await finished(s.c.db, res.body.job.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.logs.map((l) => l.status)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(failed.lastError).toMatch(/503/);
    expect((failed.payload as { sealedPassword?: string }).sealedPassword).toEqual(expect.any(String));
    mailcore.state.unavailable = false;

    const retry = await support.post(`/api/jobs/${failed.id}/retry`);
    expect(retry.status).toBe(202);
    const done = await succeeded(s.c.db, failed.id);
    expect(done.attempts).toBe(4);
    expect(done.payload).toEqual({ mailAccountId: res.body.mailAccount.id, action: 'create' });
    expect(await mailcore.state.verifyPassword(`later@${domain.name}`, res.body.password)).toBe(true);
    await expectNowhere(res.body.password);
  }, 30000);

  it("answers 404 for another tenant's mailboxes and domains, and starts no job", async () => {
    const other = await makeStaff(s.c.db, s.app);
    const theirDomain = await domainOf(other.tenant.id);
    const theirs = await s.c.db.mailAccount.create({ data: { tenantId: other.tenant.id, domainId: theirDomain.id, email: `x@${theirDomain.name}`, status: 'ACTIVE' } });
    const jobs = await s.c.db.job.count({ where: { tenantId: { in: [other.tenant.id, staff.tenant.id] } } });
    expect((await support.get(`/api/mail/accounts/${theirs.id}`)).status).toBe(404);
    for (const action of ['disable', 'enable', 'reset-password']) expect((await support.post(`/api/mail/accounts/${theirs.id}/${action}`)).status).toBe(404);
    expect((await as(s.app, staff.tokens.ADMIN).delete(`/api/mail/accounts/${theirs.id}`)).status).toBe(404);
    expect((await support.get(`/api/mail/accounts/${freshId()}`)).status).toBe(404);
    const onTheirDomain = await support.post('/api/mail/accounts', { domainId: theirDomain.id, localPart: 'mine' });
    expect(onTheirDomain.status).toBe(404);
    expect(onTheirDomain.body).not.toHaveProperty('password');
    expect((await support.get('/api/mail/accounts')).body.items.map((a: { id: string }) => a.id)).not.toContain(theirs.id);
    expect(await s.c.db.job.count({ where: { tenantId: { in: [other.tenant.id, staff.tenant.id] } } })).toBe(jobs);
  });
});
