import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { FarSideError } from '../../src/integrations/errors';
import { createJobRunner, type Handlers } from '../../src/jobs/runner';
import { startJobWorkers } from '../../src/jobs/workers/job.worker';
import { makeApp, type TestApp } from '../support/app';
import { eventually } from '../support/eventually';
import { makeTenant, uid } from '../support/factories';

/**
 * The job runner on real BullMQ, Redis and PostgreSQL. The handlers here are the test's own:
 * what is under test is the queue, the retries and the bookkeeping around any handler.
 */
let t: TestApp;
let tenantId: string;
const prefix = `${process.env.QUEUE_PREFIX}_runner_${uid(3)}`;
const running: Array<{ close: (ms?: number) => Promise<void> }> = [];

beforeAll(async () => {
  t = await makeApp({ QUEUE_PREFIX: prefix, JOB_BACKOFF_MS: '20', JOB_MAX_ATTEMPTS: '3' });
  tenantId = (await makeTenant(t.c.db)).id;
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.close(1000)));
});
afterAll(async () => t.close());

function startWorkers(handlers: Handlers, lockDurationMs = 5000) {
  const runner = createJobRunner({ db: t.c.db, logger: t.c.logger, audit: t.c.audit, handlers });
  const workers = startJobWorkers({ redisUrl: t.c.env.REDIS_URL, prefix, concurrency: 4, lockDurationMs, runner, logger: t.c.logger });
  running.push(workers);
  return workers;
}

async function newJob(payload: object = { serverId: `srv-${uid(4)}` }, type: 'SERVER_HEALTH_CHECK' | 'PROVISION_DNS' = 'SERVER_HEALTH_CHECK') {
  const [row] = await t.c.db.$transaction((tx) => t.c.jobs.create(tx, tenantId, [{ type, payload } as never]));
  return row;
}

async function finished(id: string) {
  return eventually(async () => {
    const row = await t.c.db.job.findUniqueOrThrow({ where: { id }, include: { logs: { orderBy: { attempt: 'asc' } } } });
    if (row.status !== 'SUCCESS' && row.status !== 'FAILED') throw new Error(`job still ${row.status}`);
    return row;
  }, 15000);
}

it('retries a failing job with backoff until it succeeds, logging every attempt', async () => {
  let calls = 0;
  startWorkers({
    async SERVER_HEALTH_CHECK() {
      calls += 1;
      if (calls < 3) throw new Error(`far side busy (${calls})`);
      return { message: 'healthy', details: { load: 0.1 } };
    },
  });
  const job = await newJob();
  await t.c.jobs.dispatch([job]);
  const row = await finished(job.id);
  expect(row).toMatchObject({ status: 'SUCCESS', attempts: 3, lastError: 'far side busy (2)', result: { load: 0.1 } });
  expect(row.logs.map((l) => [l.attempt, l.status])).toEqual([
    [1, 'FAILED'],
    [2, 'FAILED'],
    [3, 'SUCCESS'],
  ]);
  expect(row.logs[0]).toMatchObject({ message: 'far side busy (1)', details: { retryable: true, final: false } });
  expect(row.logs.every((l) => typeof l.durationMs === 'number')).toBe(true);
  const audit = await t.c.db.auditLog.findMany({ where: { targetId: job.id } });
  expect(audit.map((a) => a.action)).toEqual(['job.succeeded']);
});

it('fails at once on a permanent error, with one JobLog and an audit row', async () => {
  let calls = 0;
  startWorkers({
    async SERVER_HEALTH_CHECK() {
      calls += 1;
      throw new FarSideError('powerdns', 'PowerDNS refused the zone: 422 Unprocessable', { status: 422, retryable: false });
    },
  });
  const job = await newJob();
  await t.c.jobs.dispatch([job]);
  const row = await finished(job.id);
  expect(calls).toBe(1);
  expect(row).toMatchObject({ status: 'FAILED', attempts: 1, lastError: 'PowerDNS refused the zone: 422 Unprocessable' });
  expect(row.logs).toHaveLength(1);
  expect(row.logs[0].details).toMatchObject({ system: 'powerdns', status: 422, retryable: false, final: true });
  const audit = await t.c.db.auditLog.findFirstOrThrow({ where: { targetId: job.id } });
  expect(audit.action).toBe('job.failed');
});

it('lets the outbox sweep requeue a retried job whose failed entry is still in the queue', async () => {
  let fail = true;
  startWorkers({
    async SERVER_HEALTH_CHECK() {
      if (fail) throw new FarSideError('ssh', 'host key mismatch', { retryable: false });
      return { message: 'healthy again' };
    },
  });
  const job = await newJob();
  await t.c.jobs.dispatch([job]);
  expect((await finished(job.id)).status).toBe('FAILED');

  // A retry whose requeue never reached Redis leaves the row PENDING; the sweep must still run it.
  fail = false;
  await t.c.db.job.update({ where: { id: job.id }, data: { status: 'PENDING', finishedAt: null } });
  expect(await t.c.jobs.sweep(0, [tenantId])).toBe(1);
  const row = await finished(job.id);
  expect(row).toMatchObject({ status: 'SUCCESS', attempts: 2 });
  expect(row.logs.map((l) => l.status)).toEqual(['FAILED', 'SUCCESS']);
});

it('gives up after the last attempt and leaves the job FAILED with a JobLog per attempt', async () => {
  startWorkers({
    async PROVISION_DNS() {
      throw new Error('connect ECONNREFUSED 127.0.0.1:1');
    },
  });
  const job = await newJob({ domainId: 'dom_missing' }, 'PROVISION_DNS');
  await t.c.jobs.dispatch([job]);
  const row = await finished(job.id);
  expect(row).toMatchObject({ status: 'FAILED', attempts: 3 });
  expect(row.logs.map((l) => l.status)).toEqual(['FAILED', 'FAILED', 'FAILED']);
  expect(row.logs[2].details).toMatchObject({ final: true });
  expect(await t.c.db.auditLog.count({ where: { targetId: job.id, action: 'provisioning.failed' } })).toBe(1);
});

it('fails a job whose payload does not match its type without running the handler', async () => {
  let calls = 0;
  startWorkers({
    async SERVER_HEALTH_CHECK() {
      calls += 1;
      return { message: 'ok' };
    },
  });
  const job = await t.c.db.job.create({ data: { tenantId, type: 'SERVER_HEALTH_CHECK', payload: { serverId: 42 }, maxAttempts: 3 } });
  await t.c.jobs.dispatch([job]);
  const row = await finished(job.id);
  expect(calls).toBe(0);
  expect(row.status).toBe('FAILED');
  expect(row.lastError).toMatch(/invalid payload: serverId/);
});

it('runs a job once however often it is queued, and two workers side by side share the work', async () => {
  const runs = new Map<string, number>();
  let concurrent = 0;
  let maxConcurrentSameJob = 0;
  const active = new Set<string>();
  const handlers: Handlers = {
    async SERVER_HEALTH_CHECK(_p, { job }) {
      if (active.has(job.id)) maxConcurrentSameJob = 2;
      active.add(job.id);
      concurrent += 1;
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 20));
      concurrent -= 1;
      active.delete(job.id);
      return { message: 'ok' };
    },
  };
  startWorkers(handlers);
  startWorkers(handlers);
  const jobs = await Promise.all(Array.from({ length: 20 }, () => newJob()));
  await Promise.all([t.c.jobs.dispatch(jobs), t.c.jobs.dispatch(jobs), t.c.jobs.sweep(0, [tenantId])]);
  for (const job of jobs) expect((await finished(job.id)).status).toBe('SUCCESS');
  await t.c.jobs.sweep(0, [tenantId]); // nothing PENDING is left to queue
  await new Promise((r) => setTimeout(r, 200));
  expect([...runs.values()].every((n) => n === 1)).toBe(true);
  expect(runs.size).toBe(20);
  expect(maxConcurrentSameJob).toBe(0);
  expect(concurrent).toBe(0);
});

describe('worker processes', () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

  function spawnWorker(env: Record<string, string>) {
    // node itself (not the tsx wrapper, which would leave its node child running after a SIGKILL).
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../support/worker-child.ts')], {
      env: { ...process.env, QUEUE_PREFIX: prefix, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += String(d)));
    const waitFor = (text: string, ms = 20000) =>
      eventually(async () => {
        if (!out.includes(text)) throw new Error(`worker has not printed ${JSON.stringify(text)}: ${out}`);
      }, ms);
    return { child, waitFor };
  }

  it('finishes the running job on SIGTERM before exiting', async () => {
    const w = spawnWorker({ CHILD_SLEEP_MS: '1500' });
    await w.waitFor('ready');
    const job = await newJob();
    await t.c.jobs.dispatch([job]);
    await w.waitFor(`started ${job.id}`);
    const exited = new Promise<number | null>((resolve) => w.child.on('exit', (code) => resolve(code)));
    w.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const row = await t.c.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ status: 'SUCCESS', attempts: 1 });
  });

  it('hands a killed worker’s job to another worker once its lock lapses', async () => {
    const w = spawnWorker({ CHILD_SLEEP_MS: '600000', WORKER_LOCK_MS: '1500' });
    await w.waitFor('ready');
    const job = await newJob();
    await t.c.jobs.dispatch([job]);
    await w.waitFor(`started ${job.id}`);
    w.child.kill('SIGKILL');

    let calls = 0;
    startWorkers(
      {
        async SERVER_HEALTH_CHECK() {
          calls += 1;
          return { message: 'picked up after the first worker died' };
        },
      },
      1500,
    );
    const row = await finished(job.id);
    expect(row).toMatchObject({ status: 'SUCCESS', attempts: 2 });
    expect(calls).toBe(1);
    expect(row.logs.map((l) => l.status)).toEqual(['SUCCESS']);
  }, 40000);
});
