import { startMailcoreServer, type MailcoreServer } from '../../../../scripts/lib/peers/mailcore-server';
import { seal } from '../../src/core/secrets';
import type { JobSpec } from '../../src/jobs/dispatcher';
import { createMailcoreClient } from '../../src/integrations/mailcore/mailcore.client';
import { as, auditOf, badFields, freshId, makeSale } from '../support/admin';
import { makeStaff, uid } from '../support/factories';
import { farStack, finished, succeeded, type FarStack } from '../support/far-stack';

/**
 * The jobs screen over HTTP: lists, every attempt of a job, and retrying one that failed for good —
 * run by an in-process worker against the mail-core contract server.
 */
const API_KEY = 'test-mailcore-key-0123456789abcdef';

let mailcore: MailcoreServer;
let s: FarStack;
let staff: Awaited<ReturnType<typeof makeStaff>>;
let support: ReturnType<typeof as>;

beforeAll(async () => {
  mailcore = await startMailcoreServer({ apiKey: API_KEY });
  s = await farStack('jobs', { env: { JOB_MAX_ATTEMPTS: '2' }, far: { mailcore: createMailcoreClient({ baseUrl: mailcore.url, apiKey: API_KEY, timeoutMs: 5000 }) } });
  staff = await makeStaff(s.c.db, s.app);
  s.tenantIds.push(staff.tenant.id);
  support = as(s.app, staff.tokens.SUPPORT);
}, 30000);

afterAll(async () => {
  await s?.close();
  await mailcore?.stop();
});

/** Writes and queues jobs the way a service does. */
async function start(tenantId: string, specs: JobSpec[]) {
  const rows = await s.c.db.$transaction((tx) => s.c.jobs.create(tx, tenantId, specs));
  await s.c.jobs.dispatch(rows);
  return rows;
}

async function mailDomain(tenantId = staff.tenant.id) {
  return s.c.db.domain.create({ data: { tenantId, name: `jobs-${uid(4)}.example.com` } });
}

/** A PROVISION_MAIL job that fails for good because mail-core is away. */
async function failedJob() {
  const domain = await mailDomain();
  mailcore.state.unavailable = true;
  try {
    const [job] = await start(staff.tenant.id, [{ type: 'PROVISION_MAIL', payload: { domainId: domain.id } }]);
    const failed = await finished(s.c.db, job.id);
    expect(failed.status).toBe('FAILED');
    return { job: failed, domain };
  } finally {
    mailcore.state.unavailable = false;
  }
}

describe('jobs', () => {
  it('retries a job that failed for good: it runs again, keeps counting attempts and shows every one', async () => {
    const { job, domain } = await failedJob();
    expect(job).toMatchObject({ attempts: 2, lastError: expect.stringMatching(/503/), finishedAt: expect.any(Date) });

    const res = await support.post(`/api/jobs/${job.id}/retry`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ job: { id: job.id, type: 'PROVISION_MAIL', status: 'PENDING' } });
    const audit = await auditOf(s.c.db, job.id, 'job.retried');
    expect(audit).toMatchObject({ userId: staff.users.SUPPORT.id, targetType: 'Job' });
    expect(audit.details).toMatchObject({ type: 'PROVISION_MAIL', attempts: 2, before: { status: 'FAILED' }, after: { status: 'PENDING' } });

    const done = await succeeded(s.c.db, job.id);
    expect(done.attempts).toBe(3);
    expect(done.finishedAt!.getTime()).toBeGreaterThan(job.finishedAt!.getTime());
    expect(mailcore.state.domains.has(domain.name)).toBe(true);

    const detail = await support.get(`/api/jobs/${job.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: job.id, status: 'SUCCESS', attempts: 3, payload: { domainId: domain.id } });
    expect(detail.body.logs.map((l: { attempt: number; status: string }) => [l.attempt, l.status])).toEqual([
      [1, 'FAILED'],
      [2, 'FAILED'],
      [3, 'SUCCESS'],
    ]);
    expect(detail.body.logs[1].details).toMatchObject({ system: 'mailcore', status: 503, final: true });

    // Done is done.
    const again = await support.post(`/api/jobs/${job.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('JOB_NOT_FAILED');
  }, 30000);

  it('retries once when two staff press retry together', async () => {
    const { job } = await failedJob();
    const admin = as(s.app, staff.tokens.ADMIN);
    const answers = await Promise.all([support.post(`/api/jobs/${job.id}/retry`), admin.post(`/api/jobs/${job.id}/retry`)]);
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    const done = await succeeded(s.c.db, job.id);
    expect(done.attempts).toBe(3);
    expect(await s.c.db.auditLog.count({ where: { targetId: job.id, action: 'job.retried' } })).toBe(1);
  }, 30000);

  it('refuses to retry what has not failed, and what the role may not', async () => {
    const domain = await mailDomain();
    const [job] = await start(staff.tenant.id, [{ type: 'PROVISION_MAIL', payload: { domainId: domain.id } }]);
    await succeeded(s.c.db, job.id);
    expect((await support.post(`/api/jobs/${job.id}/retry`)).status).toBe(409);

    const pending = await s.c.db.job.create({ data: { tenantId: staff.tenant.id, type: 'PROVISION_MAIL', payload: { domainId: domain.id }, status: 'RUNNING' } });
    const res = await support.post(`/api/jobs/${pending.id}/retry`);
    expect(res.status).toBe(409);
    expect(res.body.error.details).toEqual({ status: 'RUNNING' });
    await s.c.db.job.delete({ where: { id: pending.id } });

    const failed = await s.c.db.job.create({ data: { tenantId: staff.tenant.id, type: 'PROVISION_MAIL', payload: { domainId: domain.id }, status: 'FAILED' } });
    for (const role of ['READ_ONLY', 'BILLING'] as const) expect((await as(s.app, staff.tokens[role]).post(`/api/jobs/${failed.id}/retry`)).status).toBe(403);
    expect((await s.c.db.job.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe('FAILED');
    expect(badFields(await support.post(`/api/jobs/${failed.id}/retry`, { force: true }))).toEqual(['body']);
    expect((await s.c.db.job.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe('FAILED');
  }, 30000);

  it('lists the tenant’s jobs filtered by status, type and order, sorted by creation', async () => {
    const tenant = await makeStaff(s.c.db, s.app);
    const sale = await makeSale(s.c.db, tenant.tenant.id);
    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));
    const rows = await Promise.all([
      s.c.db.job.create({ data: { tenantId: tenant.tenant.id, orderId: sale.order.id, type: 'PROVISION_DNS', payload: { domainId: sale.domain.id }, status: 'SUCCESS', createdAt: at(1) } }),
      s.c.db.job.create({ data: { tenantId: tenant.tenant.id, orderId: sale.order.id, type: 'PROVISION_HOSTING', payload: { domainId: sale.domain.id }, status: 'FAILED', createdAt: at(2) } }),
      s.c.db.job.create({ data: { tenantId: tenant.tenant.id, type: 'SERVER_HEALTH_CHECK', payload: { serverId: freshId() }, status: 'FAILED', createdAt: at(3) } }),
    ]);
    const reader = as(s.app, tenant.tokens.READ_ONLY);
    const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((j) => j.id);

    const all = await reader.get('/api/jobs?sort=createdAt&order=asc');
    expect(all.status).toBe(200);
    expect(ids(all)).toEqual(rows.map((r) => r.id));
    expect(all.body).toMatchObject({ total: 3, page: 1 });
    expect(all.body.items[0]).toMatchObject({ order: { id: sale.order.id, domain: { name: sale.domain.name } }, _count: { logs: 0 } });
    expect(ids(await reader.get('/api/jobs?status=FAILED'))).toEqual([rows[2].id, rows[1].id]);
    expect(ids(await reader.get('/api/jobs?type=PROVISION_DNS'))).toEqual([rows[0].id]);
    expect(ids(await reader.get(`/api/jobs?orderId=${sale.order.id}&order=asc`))).toEqual([rows[0].id, rows[1].id]);
    const paged = await reader.get('/api/jobs?pageSize=2&page=2&order=asc');
    expect(ids(paged)).toEqual([rows[2].id]);
    expect(paged.body.totalPages).toBe(2);
    expect(badFields(await reader.get('/api/jobs?status=DONE&type=NOPE&sort=payload'))).toEqual(['query.sort', 'query.status', 'query.type']);
  });

  it('shows a sealed password in a payload as [sealed], never the ciphertext', async () => {
    const domain = await mailDomain();
    const account = await s.c.db.mailAccount.create({ data: { tenantId: staff.tenant.id, domainId: domain.id, email: `x@${domain.name}`, status: 'PENDING' } });
    const sealed = seal(s.c.env.SECRETS_KEY, 'Some-Password-123', 'mail-account-password');
    const job = await s.c.db.job.create({ data: { tenantId: staff.tenant.id, type: 'MAIL_ACCOUNT_ACTION', status: 'FAILED', payload: { mailAccountId: account.id, action: 'create', sealedPassword: sealed } } });
    const detail = await support.get(`/api/jobs/${job.id}`);
    expect(detail.body.payload).toEqual({ mailAccountId: account.id, action: 'create', sealedPassword: '[sealed]' });
    const list = await support.get('/api/jobs?type=MAIL_ACCOUNT_ACTION&status=FAILED');
    expect(JSON.stringify(list.body)).not.toContain(sealed);
  });

  it("answers 404 for another tenant's job, and does not retry it", async () => {
    const other = await makeStaff(s.c.db, s.app);
    const theirs = await s.c.db.job.create({ data: { tenantId: other.tenant.id, type: 'PROVISION_DNS', payload: { domainId: freshId() }, status: 'FAILED' } });
    expect((await support.get(`/api/jobs/${theirs.id}`)).status).toBe(404);
    expect((await support.post(`/api/jobs/${theirs.id}/retry`)).status).toBe(404);
    expect((await support.get(`/api/jobs/${freshId()}`)).status).toBe(404);
    expect((await support.get('/api/jobs?pageSize=100')).body.items.map((j: { id: string }) => j.id)).not.toContain(theirs.id);
    expect((await s.c.db.job.findUniqueOrThrow({ where: { id: theirs.id } })).status).toBe('FAILED');
  });
});
