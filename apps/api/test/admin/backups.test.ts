import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { generateClientKey, prepareHostRoot, startSshd } from '../../../../scripts/lib/peers/sshd';
import { TEST_INTERNAL_KEY } from '../support/app';
import { as, auditOf, badFields, freshId } from '../support/admin';
import { makeStaff, uid } from '../support/factories';
import { farStack, finished, succeeded, type FarStack } from '../support/far-stack';

/**
 * Backups over HTTP: backup jobs, reruns that run scripts/host/run_backup.sh on a real sshd whose
 * sessions write into a sandbox directory, and reports — from the worker, from the internal route,
 * and from scripts/backup-report.sh run by bash against the API listening on loopback.
 */
const repo = path.resolve(__dirname, '../../../..');
const reportScript = path.join(repo, 'scripts/backup-report.sh');
const key = { 'x-internal-key': TEST_INTERNAL_KEY };

let dir: string;
let hostRoot: string;
let sshd: Awaited<ReturnType<typeof startSshd>>;
let s: FarStack;
let staff: Awaited<ReturnType<typeof makeStaff>>;
let admin: ReturnType<typeof as>;
let web: { id: string; name: string };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpanel-backups-'));
  const client = generateClientKey(path.join(dir, 'client'));
  hostRoot = prepareHostRoot(path.join(dir, 'host-root')).root;
  sshd = await startSshd({ dir: path.join(dir, 'sshd'), hostRoot, authorizedKeys: [client.publicKey] });
  s = await farStack('backups', {
    env: { SSH_PRIVATE_KEY_PATH: client.privateKeyPath, SSH_CONNECT_TIMEOUT_MS: '3000', HOST_SCRIPTS_DIR: path.join(repo, 'scripts/host'), JOB_MAX_ATTEMPTS: '2' },
  });
  staff = await makeStaff(s.c.db, s.app);
  s.tenantIds.push(staff.tenant.id);
  admin = as(s.app, staff.tokens.ADMIN);
  web = await s.c.db.server.create({ data: { tenantId: staff.tenant.id, name: 'srv1-web', role: 'WEB', ipAddress: '127.0.0.1', sshPort: sshd.port, sshUser: sshd.username } });
}, 60000);

afterAll(async () => {
  await s?.close();
  await sshd?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A hosting account: its rows, and (unless `onServer` is false) its site in the web server's sandbox. */
async function site(opts: { onServer?: boolean; tenantId?: string; serverId?: string } = {}) {
  const tenantId = opts.tenantId ?? staff.tenant.id;
  const name = `bk-${uid(4)}.example.com`;
  const systemUser = name.replace(/[^a-z0-9]+/g, '_').slice(0, 32);
  const domain = await s.c.db.domain.create({ data: { tenantId, name } });
  const account = await s.c.db.hostingAccount.create({ data: { tenantId, domainId: domain.id, serverId: opts.serverId ?? web.id, systemUser, homeDir: `/home/${systemUser}`, status: 'ACTIVE' } });
  if (opts.onServer !== false) createSiteInSandbox(name, systemUser);
  return { domain, account };
}

function createSiteInSandbox(domain: string, user: string) {
  const res = spawnSync('bash', [path.join(repo, 'scripts/host/create_client_site.sh'), '--domain', domain, '--user', user], {
    env: { PATH: process.env.PATH, MPANEL_HOST_ROOT: hostRoot },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`create_client_site.sh failed: ${res.stdout}${res.stderr}`);
  fs.writeFileSync(path.join(hostRoot, 'home', user, 'public_html', 'data.txt'), `${domain} ${crypto.randomUUID()}\n`);
}

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('backup jobs', () => {
  it('refuses bad input with 400 naming the fields, and writes nothing', async () => {
    const before = await s.c.db.backupJob.count({ where: { tenantId: staff.tenant.id } });
    const res = await admin.post('/api/backups/jobs', { name: '', type: 'FULL', schedule: '61 * * * *' });
    expect(badFields(res)).toEqual(['body.name', 'body.schedule', 'body.targetId', 'body.type']);
    for (const schedule of ['@daily', '0 3 * *', '0 3 * * * *', '0 25 * * *', '5-1 * * * *', '*/0 * * * *', '0 3 * foo *', '0 3 * * 8', '0 3; rm -rf / * * *']) {
      const bad = await admin.post('/api/backups/jobs', { name: 'x', type: 'SYSTEM', targetId: web.id, schedule });
      expect([schedule, badFields(bad)]).toEqual([schedule, ['body.schedule']]);
    }
    expect(await s.c.db.backupJob.count({ where: { tenantId: staff.tenant.id } })).toBe(before);
    expect(badFields(await admin.patch(`/api/backups/jobs/${freshId()}`, {}))).toEqual(['body']);
    expect(badFields(await admin.get('/api/backups/jobs?status=DONE&isActive=maybe'))).toEqual(['query.isActive', 'query.status']);
  });

  it('creates and updates a site backup job, its server taken from the hosting account, audited', async () => {
    const { domain } = await site({ onServer: false });
    const res = await admin.post('/api/backups/jobs', { name: 'Nightly site', type: 'CLIENT_SITE', targetId: domain.id, schedule: '30  3 * * mon-fri' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Nightly site', type: 'CLIENT_SITE', targetId: domain.id, serverId: web.id, schedule: '30 3 * * mon-fri', isActive: true, status: 'PENDING', server: { name: 'srv1-web' } });
    expect((await auditOf(s.c.db, res.body.id, 'backup.job.created')).details).toMatchObject({ after: { name: 'Nightly site', serverId: web.id } });

    const patched = await admin.patch(`/api/backups/jobs/${res.body.id}`, { schedule: '*/15 2-4 1,15 jan-mar *', isActive: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ schedule: '*/15 2-4 1,15 jan-mar *', isActive: false });
    expect((await auditOf(s.c.db, res.body.id, 'backup.job.updated')).details).toEqual({
      before: { schedule: '30 3 * * mon-fri', isActive: true },
      after: { schedule: '*/15 2-4 1,15 jan-mar *', isActive: false },
    });
    expect((await admin.patch(`/api/backups/jobs/${res.body.id}`, { schedule: null })).body.schedule).toBeNull();

    // The target decides the server: another one is refused, naming the field.
    const other = await s.c.db.server.create({ data: { tenantId: staff.tenant.id, name: `db-${uid(3)}`, role: 'DB', ipAddress: '127.0.0.1' } });
    const wrong = await admin.patch(`/api/backups/jobs/${res.body.id}`, { serverId: other.id });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details[0].path).toBe('body.serverId');
    const db = await admin.post('/api/backups/jobs', { name: 'Billing DB', type: 'DATABASE', targetId: 'billing_prod' });
    expect(db.status).toBe(422);
    expect(db.body.error.details[0].path).toBe('body.serverId');
    const dbOk = await admin.post('/api/backups/jobs', { name: 'Billing DB', type: 'DATABASE', targetId: 'billing_prod', serverId: other.id });
    expect(dbOk.status).toBe(201);
    // mPanel cannot start a database dump: the database server's own cron does.
    expect((await as(s.app, staff.tokens.SUPPORT).post(`/api/backups/jobs/${dbOk.body.id}/rerun`)).status).toBe(422);

    const list = await as(s.app, staff.tokens.READ_ONLY).get('/api/backups/jobs?type=CLIENT_SITE&isActive=false&search=nightly');
    expect(list.body.items.map((j: { id: string }) => j.id)).toEqual([res.body.id]);
    expect(list.body.items[0]).toMatchObject({ server: { id: web.id }, _count: { reports: 0 } });
  });

  it('reruns a site backup over SSH: the archive in the sandbox, a report with its size and checksum, the job SUCCESS', async () => {
    const { domain, account } = await site();
    const created = await admin.post('/api/backups/jobs', { name: 'Site', type: 'CLIENT_SITE', targetId: domain.id });
    const id = created.body.id as string;
    const support = as(s.app, staff.tokens.SUPPORT);

    const first = await support.post(`/api/backups/jobs/${id}/rerun`);
    expect(first.status).toBe(202);
    expect(first.body.job).toMatchObject({ type: 'RUN_BACKUP', status: 'PENDING' });
    expect((await auditOf(s.c.db, id, 'backup.job.rerun')).userId).toBe(staff.users.SUPPORT.id);
    const job = await succeeded(s.c.db, first.body.job.id, 30000);

    const report = await s.c.db.backupReport.findFirstOrThrow({ where: { backupJobId: id } });
    const archive = (report.details as { archive: string }).archive;
    expect(archive).toMatch(new RegExp(`^/var/backups/mpanel/jobs/${id}/${domain.name.replace(/\./g, '\\.')}-\\d{8}T\\d{9}Z\\.tar\\.gz$`));
    const file = path.join(hostRoot, archive);
    expect(report).toMatchObject({ status: 'SUCCESS', sizeBytes: BigInt(fs.statSync(file).size), checksum: `sha256:${sha256(file)}`, durationMs: expect.any(Number) });
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    const listing = spawnSync('tar', ['-tzf', file], { encoding: 'utf8' }).stdout.split('\n');
    expect(listing).toEqual(expect.arrayContaining([`${account.systemUser}/public_html/data.txt`, `${account.systemUser}/public_html/index.html`]));
    expect(job.result).toMatchObject({ archive, sizeBytes: fs.statSync(file).size, reportId: report.id });

    const row = await s.c.db.backupJob.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('SUCCESS');
    expect(row.lastRunAt).toBeInstanceOf(Date);
    // First contact pinned the server's host key, as for hosting.
    expect((await s.c.db.server.findUniqueOrThrow({ where: { id: web.id } })).hostKeyFingerprint).toBe(sshd.hostKeyFingerprint);

    const second = await support.post(`/api/backups/jobs/${id}/rerun`);
    await succeeded(s.c.db, second.body.job.id, 30000);
    const detail = await as(s.app, staff.tokens.READ_ONLY).get(`/api/backups/jobs/${id}?pageSize=1`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id, status: 'SUCCESS', reports: { total: 2, totalPages: 2, pageSize: 1 } });
    const newest = await s.c.db.backupReport.findFirstOrThrow({ where: { backupJobId: id }, orderBy: { createdAt: 'desc' } });
    expect(detail.body.reports.items).toEqual([expect.objectContaining({ id: newest.id, sizeBytes: Number(newest.sizeBytes), status: 'SUCCESS' })]);
    expect((await as(s.app, staff.tokens.READ_ONLY).get(`/api/backups/jobs/${id}?page=2&pageSize=1`)).body.reports.items[0].id).toBe(report.id);
    expect(detail.body.runs.map((r: { id: string }) => r.id)).toEqual([second.body.job.id, first.body.job.id]);
  }, 60000);

  it('backs up a server’s /etc (SYSTEM)', async () => {
    const created = await admin.post('/api/backups/jobs', { name: 'srv1 etc', type: 'SYSTEM', targetId: web.id });
    expect(created.body.serverId).toBe(web.id);
    const run = await admin.post(`/api/backups/jobs/${created.body.id}/rerun`);
    const job = await succeeded(s.c.db, run.body.job.id, 30000);
    const archive = (job.result as { archive: string }).archive;
    expect(archive).toMatch(/\/system-\d{8}T\d{9}Z\.tar\.gz$/);
    expect(spawnSync('tar', ['-tzf', path.join(hostRoot, archive)], { encoding: 'utf8' }).stdout).toContain('etc/nginx/');
  }, 30000);

  it('fails a run the server refuses, with a FAILED report, and a retry after the fix succeeds', async () => {
    const { domain, account } = await site({ onServer: false });
    const created = await admin.post('/api/backups/jobs', { name: 'Missing site', type: 'CLIENT_SITE', targetId: domain.id });
    const run = await admin.post(`/api/backups/jobs/${created.body.id}/rerun`);
    const failed = await finished(s.c.db, run.body.job.id, 30000);
    // Exit 2 from the script: no retry can help until someone acts.
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(failed.lastError).toMatch(/does not exist on this server/);
    const report = await s.c.db.backupReport.findFirstOrThrow({ where: { backupJobId: created.body.id } });
    expect(report).toMatchObject({ status: 'FAILED', details: expect.objectContaining({ message: expect.stringMatching(/does not exist/) }) });
    expect((await s.c.db.backupJob.findUniqueOrThrow({ where: { id: created.body.id } })).status).toBe('FAILED');

    createSiteInSandbox(domain.name, account.systemUser);
    expect((await as(s.app, staff.tokens.SUPPORT).post(`/api/jobs/${failed.id}/retry`)).status).toBe(202);
    const done = await succeeded(s.c.db, failed.id, 30000);
    expect(done.logs.map((l) => l.status)).toEqual(['FAILED', 'SUCCESS']);
    expect((await s.c.db.backupJob.findUniqueOrThrow({ where: { id: created.body.id } })).status).toBe('SUCCESS');
    expect(await s.c.db.backupReport.count({ where: { backupJobId: created.body.id } })).toBe(2);
  }, 60000);

  it("answers 404 for another tenant's backup jobs and targets, and starts nothing", async () => {
    const other = await makeStaff(s.c.db, s.app);
    const theirServer = await s.c.db.server.create({ data: { tenantId: other.tenant.id, name: 'theirs', role: 'WEB', ipAddress: '127.0.0.1' } });
    const { domain: theirDomain } = await site({ onServer: false, tenantId: other.tenant.id, serverId: theirServer.id });
    const theirs = await s.c.db.backupJob.create({ data: { tenantId: other.tenant.id, name: 'theirs', type: 'SYSTEM', targetId: theirServer.id, serverId: theirServer.id } });
    expect((await admin.get(`/api/backups/jobs/${theirs.id}`)).status).toBe(404);
    expect((await admin.patch(`/api/backups/jobs/${theirs.id}`, { name: 'mine' })).status).toBe(404);
    expect((await admin.post(`/api/backups/jobs/${theirs.id}/rerun`)).status).toBe(404);
    const onTheirSite = await admin.post('/api/backups/jobs', { name: 'x', type: 'CLIENT_SITE', targetId: theirDomain.id });
    expect(onTheirSite.status).toBe(404);
    expect(onTheirSite.body.error.details[0].path).toBe('body.targetId');
    expect((await admin.post('/api/backups/jobs', { name: 'x', type: 'SYSTEM', targetId: web.id, serverId: theirServer.id })).status).toBe(404);
    expect((await s.c.db.backupJob.findUniqueOrThrow({ where: { id: theirs.id } })).name).toBe('theirs');
    expect(await s.c.db.job.count({ where: { tenantId: other.tenant.id } })).toBe(0);
  });
});

describe('POST /api/backups/report (internal)', () => {
  it('records a report: a BackupReport row, the job’s status and last run, an audit row', async () => {
    const job = await s.c.db.backupJob.create({ data: { tenantId: staff.tenant.id, name: 'cron', type: 'SYSTEM', targetId: web.id, serverId: web.id } });
    const body = { jobId: job.id, status: 'SUCCESS', details: { sizeBytes: 5_000_000_000, durationSeconds: 12.5, checksum: 'sha256:0123456789abcdef', message: 'ok' } };

    expect((await s.http().post('/api/backups/report').send(body)).status).toBe(401);
    expect((await s.http().post('/api/backups/report').set('x-internal-key', 'wrong-key-0123456789abcdef').send(body)).status).toBe(401);
    // A staff token is not an internal key.
    expect((await s.http().post('/api/backups/report').set('Authorization', `Bearer ${staff.tokens.SUPER_ADMIN}`).send(body)).status).toBe(401);
    expect(badFields(await s.http().post('/api/backups/report').set(key).send({ jobId: job.id, status: 'DONE', details: { sizeBytes: -1, extra: 1 } }))).toEqual([
      'body.details',
      'body.details.sizeBytes',
      'body.status',
    ]);
    expect((await s.http().post('/api/backups/report').set(key).send({ ...body, jobId: freshId() })).status).toBe(404);
    expect(await s.c.db.backupReport.count({ where: { backupJobId: job.id } })).toBe(0);

    const res = await s.http().post('/api/backups/report').set(key).send(body);
    expect(res.status).toBe(201);
    expect(res.body.report).toMatchObject({ backupJobId: job.id, status: 'SUCCESS', sizeBytes: 5_000_000_000, durationMs: 12500, checksum: 'sha256:0123456789abcdef' });
    const row = await s.c.db.backupJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(row.status).toBe('SUCCESS');
    expect(row.lastRunAt!.getTime()).toBeGreaterThan(Date.now() - 10_000);
    const audit = await auditOf(s.c.db, job.id, 'backup.reported');
    expect(audit).toMatchObject({ tenantId: staff.tenant.id, userId: null });
    expect(audit.details).toMatchObject({ reportId: res.body.report.id, before: { status: 'PENDING' }, after: { status: 'SUCCESS' } });

    const failed = await s.http().post('/api/internal/backups/report').set('Authorization', `Bearer ${TEST_INTERNAL_KEY}`).send({ jobId: job.id, status: 'FAILED' });
    expect(failed.status).toBe(201);
    expect((await s.c.db.backupJob.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('FAILED');
  });
});

describe('scripts/backup-report.sh against the API on loopback', () => {
  let server: Server;
  let url: string;
  let noJq: string;

  beforeAll(async () => {
    server = await new Promise<Server>((resolve) => {
      const srv = s.app.listen(0, '127.0.0.1', () => resolve(srv));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The same script on a server without jq: it builds the JSON itself.
    noJq = path.join(dir, 'no-jq-bin');
    fs.mkdirSync(noJq, { recursive: true });
    for (const tool of ['curl', 'mktemp', 'rm', 'sed']) {
      const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      fs.symlinkSync(found, path.join(noJq, tool));
    }
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Runs the script the way cron would: bash, a small environment, no terminal. */
  function report(args: string[], env: Record<string, string>) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('/bin/bash', [reportScript, ...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', MPANEL_BACKUP_ENV: path.join(dir, 'absent.env'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  const backupJob = () => s.c.db.backupJob.create({ data: { tenantId: staff.tenant.id, name: `cron-${uid(3)}`, type: 'SYSTEM', targetId: web.id, serverId: web.id } });
  const message = 'tar: "home/x" changed as we read it\\ & more\n\tsecond line — ünïcode';

  it.each([
    ['with jq', undefined],
    ['without jq', 'noJq'],
  ])('reports a run %s: every field arrives intact', async (_label, pathKind) => {
    const job = await backupJob();
    const res = await report(['--job-id', job.id, '--status', 'SUCCESS', '--size', '1048576', '--duration', '42.25', '--checksum', 'sha256:deadbeefcafe0123', '--message', message], {
      MPANEL_URL: `${url}/`,
      MPANEL_INTERNAL_KEY: TEST_INTERNAL_KEY,
      ...(pathKind && { PATH: noJq }),
    });
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const answer = JSON.parse(res.stdout);
    const row = await s.c.db.backupReport.findUniqueOrThrow({ where: { id: answer.report.id } });
    expect(row).toMatchObject({ backupJobId: job.id, status: 'SUCCESS', sizeBytes: BigInt(1048576), durationMs: 42250, checksum: 'sha256:deadbeefcafe0123' });
    expect((row.details as { message: string }).message).toBe(message);
    expect((await s.c.db.backupJob.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('SUCCESS');
  });

  it('reads the URL and key from the config file when the environment has none', async () => {
    const job = await backupJob();
    const config = path.join(dir, 'backup.env');
    fs.writeFileSync(config, `# written by the installer\nMPANEL_URL="${url}/api"\nexport MPANEL_INTERNAL_KEY='${TEST_INTERNAL_KEY}'\nIGNORED=$(touch ${dir}/pwned)\n`, { mode: 0o600 });
    const res = await report(['--job-id', job.id, '--status', 'RUNNING'], { MPANEL_BACKUP_ENV: config });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).report).toMatchObject({ status: 'RUNNING', sizeBytes: null });
    expect((await s.c.db.backupJob.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('RUNNING');
    // The file is parsed, never run.
    expect(fs.existsSync(path.join(dir, 'pwned'))).toBe(false);
  });

  it("fails with mPanel's error for a wrong key or an unknown job, and refuses bad arguments before sending", async () => {
    const job = await backupJob();
    const wrongKey = await report(['--job-id', job.id, '--status', 'FAILED'], { MPANEL_URL: url, MPANEL_INTERNAL_KEY: 'not-the-key-0123456789abcdef' });
    expect(wrongKey.code).toBe(22);
    expect(JSON.parse(wrongKey.stdout).error.code).toBe('INVALID_INTERNAL_KEY');
    const unknown = await report(['--job-id', freshId(), '--status', 'FAILED'], { MPANEL_URL: url, MPANEL_INTERNAL_KEY: TEST_INTERNAL_KEY });
    expect(unknown.code).toBe(22);
    expect(JSON.parse(unknown.stdout).error.code).toBe('NOT_FOUND');

    const env = { MPANEL_URL: url, MPANEL_INTERNAL_KEY: TEST_INTERNAL_KEY };
    for (const args of [
      ['--job-id', job.id, '--status', 'DONE'],
      ['--job-id', 'a b', '--status', 'SUCCESS'],
      ['--job-id', job.id, '--status', 'SUCCESS', '--size', '-1'],
      ['--job-id', job.id, '--status', 'SUCCESS', '--duration', 'soon'],
      ['--job-id', job.id, '--status', 'SUCCESS', '--checksum', 'x"y'],
      ['--job-id', job.id, '--status', 'SUCCESS', '--bogus', '1'],
    ]) {
      const res = await report(args, env);
      expect([args.join(' '), res.code, res.stdout]).toEqual([args.join(' '), 2, '']);
    }
    expect((await report(['--job-id', job.id, '--status', 'SUCCESS'], { MPANEL_URL: url })).stderr).toMatch(/MPANEL_INTERNAL_KEY is not set/);
    expect((await report(['--job-id', job.id, '--status', 'SUCCESS'], { ...env, MPANEL_INTERNAL_KEY: 'two\nlines' })).code).toBe(2);
    expect((await report(['--job-id', job.id, '--status', 'SUCCESS'], { ...env, MPANEL_URL: 'file:///etc/passwd' })).code).toBe(2);
    expect(await s.c.db.backupReport.count({ where: { backupJobId: job.id } })).toBe(0);
  });
});
