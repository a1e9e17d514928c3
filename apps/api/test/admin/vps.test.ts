import crypto from 'node:crypto';
import { startProxmoxServer, type ProxmoxServer } from '../../../../scripts/lib/peers/proxmox-server';
import { createVpsDriver } from '../../src/integrations/vps/vps-driver';
import { TEST_INTERNAL_KEY } from '../support/app';
import { as, auditOf, badFields, freshId } from '../support/admin';
import { makeStaff, uid } from '../support/factories';
import { farStack, finished, succeeded, type FarStack } from '../support/far-stack';
import { makeShop, orderBody, testDomain } from '../support/shop';

/**
 * VPS over HTTP, with a worker running the jobs against the Proxmox VE contract server: the
 * machine appears, starts, stops and goes away there, and the rows follow.
 */
const NODE = 'pve-test';
const TOKEN_ID = 'mpanel@pve!provisioner';
const TOKEN_SECRET = crypto.randomUUID();
const TEMPLATES = { 'debian-12': 9000, 'ubuntu-24': 9001 };

let pve: ProxmoxServer;
let s: FarStack;
let staff: Awaited<ReturnType<typeof makeStaff>>;
let admin: ReturnType<typeof as>;

const hypervisorConfig = (templates: Record<string, number> = TEMPLATES) => ({
  driver: 'proxmox',
  apiUrl: pve.url,
  node: NODE,
  tokenId: TOKEN_ID,
  tokenSecretEnv: 'PVE_TEST_TOKEN_SECRET',
  templates,
});

async function hypervisor(tenantId: string, name = `pve-${uid(3)}`, templates?: Record<string, number>) {
  return s.c.db.server.create({ data: { tenantId, name, role: 'HYPERVISOR', ipAddress: '127.0.0.1', config: hypervisorConfig(templates) } });
}

const vmNamed = (name: string) => [...pve.state.vms.values()].find((vm) => vm.name === name && !vm.template);

beforeAll(async () => {
  pve = await startProxmoxServer({ tokenId: TOKEN_ID, tokenSecret: TOKEN_SECRET, node: NODE, templates: TEMPLATES, templateDiskGb: 10, taskDelayMs: 20 });
  s = await farStack('vps', {
    far: { vpsDriver: (config) => createVpsDriver(config, { PVE_TEST_TOKEN_SECRET: TOKEN_SECRET }, { pollIntervalMs: 10, taskTimeoutMs: 5000, timeoutMs: 5000 }) },
  });
  staff = await makeStaff(s.c.db, s.app);
  s.tenantIds.push(staff.tenant.id);
  admin = as(s.app, staff.tokens.ADMIN);
}, 30000);

afterAll(async () => {
  await s?.close();
  await pve?.stop();
});

describe('vps', () => {
  it('refuses bad input with 400 naming the fields, and writes nothing', async () => {
    await hypervisor(staff.tenant.id);
    const before = { vps: await s.c.db.vpsInstance.count({ where: { tenantId: staff.tenant.id } }), jobs: await s.c.db.job.count({ where: { tenantId: staff.tenant.id } }) };
    const res = await admin.post('/api/vps', { name: 'Not A Host!', cpuCores: 0, memoryMb: 64, template: '../etc' });
    expect(badFields(res)).toEqual(['body.cpuCores', 'body.diskGb', 'body.memoryMb', 'body.name', 'body.template']);
    expect(badFields(await admin.post('/api/vps', { name: 'web1', cpuCores: 1, memoryMb: 1024 }))).toEqual(['body.diskGb']);
    expect(badFields(await admin.post('/api/vps', { name: 'web1', cpuCores: 1, memoryMb: 1024, diskGb: 10, extra: true }))).toEqual(['body']);
    expect(badFields(await admin.post(`/api/vps/${freshId()}/start`, { now: true }))).toEqual(['body']);
    expect(await s.c.db.vpsInstance.count({ where: { tenantId: staff.tenant.id } })).toBe(before.vps);
    expect(await s.c.db.job.count({ where: { tenantId: staff.tenant.id } })).toBe(before.jobs);
  });

  it('creates a VPS: 202 with the job, a machine on Proxmox, the row RUNNING, audited', async () => {
    const server = await hypervisor(staff.tenant.id, `pve-create-${uid(3)}`);
    const name = `web-${uid(3)}`;
    const res = await admin.post('/api/vps', { name, cpuCores: 2, memoryMb: 2048, diskGb: 20, template: 'ubuntu-24', serverId: server.id });
    expect(res.status).toBe(202);
    expect(res.body.job).toEqual({ id: expect.any(String), type: 'PROVISION_VPS', status: 'PENDING' });
    expect(res.body.vps).toMatchObject({ name, status: 'PENDING', serverId: server.id, cpuCores: 2, memoryMb: 2048, diskGb: 20, template: 'ubuntu-24' });

    const job = await succeeded(s.c.db, res.body.job.id);
    expect(job.payload).toEqual({ vpsId: res.body.vps.id });
    const vm = vmNamed(name);
    expect(vm).toMatchObject({ status: 'running', cores: 2, memory: 2048 });
    expect(vm!.disks.scsi0).toBe(20 * 1024 ** 3);

    const row = await s.c.db.vpsInstance.findUniqueOrThrow({ where: { id: res.body.vps.id } });
    expect(row).toMatchObject({ status: 'RUNNING', externalId: String(vm!.vmid) });
    const created = await auditOf(s.c.db, row.id, 'vps.created');
    expect(created).toMatchObject({ userId: staff.users.ADMIN.id, targetType: 'VpsInstance' });
    expect(created.details).toMatchObject({ jobId: job.id, after: { name, serverId: server.id } });
    expect(await s.c.db.auditLog.count({ where: { targetId: job.id, action: 'provisioning.succeeded' } })).toBe(1);

    const detail = await admin.get(`/api/vps/${row.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: row.id, status: 'RUNNING', server: { id: server.id }, jobs: [{ id: job.id, type: 'PROVISION_VPS', status: 'SUCCESS' }] });
    const list = await admin.get(`/api/vps?serverId=${server.id}&status=RUNNING`);
    expect(list.body.items.map((v: { id: string }) => v.id)).toEqual([row.id]);
    expect((await admin.get(`/api/vps?search=${name}`)).body.total).toBe(1);

    // A second machine of that name would be the same one on Proxmox.
    expect((await admin.post('/api/vps', { name, cpuCores: 1, memoryMb: 1024, diskGb: 10, template: 'debian-12' })).status).toBe(409);
  }, 30000);

  it('stops, starts, reboots and destroys through jobs, refusing what makes no sense with 409', async () => {
    const server = await hypervisor(staff.tenant.id, `pve-ctl-${uid(3)}`);
    const name = `ctl-${uid(3)}`;
    const created = await admin.post('/api/vps', { name, cpuCores: 1, memoryMb: 1024, diskGb: 10, template: 'debian-12', serverId: server.id });
    const id = created.body.vps.id as string;
    // Nothing can be done to it until it exists.
    expect((await admin.post(`/api/vps/${id}/start`)).status).toBe(409);
    await succeeded(s.c.db, created.body.job.id);

    const support = as(s.app, staff.tokens.SUPPORT);
    // Another action still on its way blocks this one.
    const busy = await s.c.db.job.create({ data: { tenantId: staff.tenant.id, type: 'VPS_ACTION', payload: { vpsId: id, action: 'reboot' }, status: 'RUNNING' } });
    const blocked = await support.post(`/api/vps/${id}/stop`);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error).toMatchObject({ code: 'JOB_IN_PROGRESS', details: { job: { id: busy.id } } });
    await s.c.db.job.delete({ where: { id: busy.id } });
    expect((await support.post(`/api/vps/${id}/start`)).body.error.code).toBe('INVALID_STATE');
    const stop = await support.post(`/api/vps/${id}/stop`);
    expect(stop.status).toBe(202);
    expect(stop.body.job).toMatchObject({ type: 'VPS_ACTION', status: 'PENDING' });
    // One action at a time: the stop is still on its way (or already done, which is also a 409).
    expect((await support.post(`/api/vps/${id}/reboot`)).status).toBe(409);
    await succeeded(s.c.db, stop.body.job.id);
    expect(vmNamed(name)?.status).toBe('stopped');
    expect((await s.c.db.vpsInstance.findUniqueOrThrow({ where: { id } })).status).toBe('STOPPED');
    expect((await support.post(`/api/vps/${id}/stop`)).status).toBe(409);
    expect((await support.post(`/api/vps/${id}/reboot`)).status).toBe(409);

    const start = await support.post(`/api/vps/${id}/start`);
    await succeeded(s.c.db, start.body.job.id);
    expect(vmNamed(name)?.status).toBe('running');
    const reboot = await support.post(`/api/vps/${id}/reboot`);
    await succeeded(s.c.db, reboot.body.job.id);
    expect((await s.c.db.vpsInstance.findUniqueOrThrow({ where: { id } })).status).toBe('RUNNING');
    expect((await auditOf(s.c.db, id, 'vps.reboot')).userId).toBe(staff.users.SUPPORT.id);

    // SUPPORT never destroys.
    expect((await support.delete(`/api/vps/${id}`)).status).toBe(403);
    const destroy = await admin.delete(`/api/vps/${id}`);
    expect(destroy.status).toBe(202);
    const done = await succeeded(s.c.db, destroy.body.job.id);
    expect(done.logs.at(-1)!.message).toMatch(/destroyed/);
    expect(vmNamed(name)).toBeUndefined();
    expect((await s.c.db.vpsInstance.findUniqueOrThrow({ where: { id } })).status).toBe('TERMINATED');
    expect((await admin.delete(`/api/vps/${id}`)).status).toBe(409);
    expect((await admin.post(`/api/vps/${id}/start`)).status).toBe(409);
    // Its name is free again.
    const again = await admin.post('/api/vps', { name, cpuCores: 1, memoryMb: 1024, diskGb: 10, template: 'debian-12', serverId: server.id });
    expect(again.status).toBe(202);
    await succeeded(s.c.db, again.body.job.id);
  }, 60000);

  it('places a VPS on the least-loaded active hypervisor and takes resources from a plan', async () => {
    const other = await makeStaff(s.c.db, s.app);
    s.tenantIds.push(other.tenant.id);
    const busy = await hypervisor(other.tenant.id, 'a-busy');
    const idle = await hypervisor(other.tenant.id, 'b-idle');
    await s.c.db.server.create({ data: { tenantId: other.tenant.id, name: 'c-off', role: 'HYPERVISOR', ipAddress: '127.0.0.1', isActive: false, config: hypervisorConfig() } });
    await s.c.db.vpsInstance.create({ data: { tenantId: other.tenant.id, serverId: busy.id, name: `old-${uid(3)}`, status: 'RUNNING' } });
    const product = await s.c.db.product.create({ data: { tenantId: other.tenant.id, slug: 'vps', name: 'VPS', type: 'VPS' } });
    const plan = await s.c.db.plan.create({
      data: { tenantId: other.tenant.id, productId: product.id, slug: 'vps-2', name: 'VPS 2', priceMonthlyCents: 999, priceYearlyCents: 9990, limitsJson: { cpuCores: 2, memoryMb: 2048, diskGb: 30, template: 'debian-12' } },
    });
    const res = await as(s.app, other.tokens.ADMIN).post('/api/vps', { name: `plan-${uid(3)}`, planId: plan.id });
    expect(res.status).toBe(202);
    expect(res.body.vps).toMatchObject({ serverId: idle.id, cpuCores: 2, memoryMb: 2048, diskGb: 30, template: 'debian-12' });
    expect(res.body.vps.serverId).not.toBe(busy.id);
    await succeeded(s.c.db, res.body.job.id);

    // A plan of another product, a hypervisor that is not one, a template the server lacks: 422 naming the field.
    const web = await s.c.db.server.create({ data: { tenantId: other.tenant.id, name: 'web', role: 'WEB', ipAddress: '127.0.0.1' } });
    const wrong = await as(s.app, other.tokens.ADMIN).post('/api/vps', { name: 'x1', cpuCores: 1, memoryMb: 1024, diskGb: 10, template: 'debian-12', serverId: web.id });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details).toEqual([{ path: 'body.serverId', message: expect.stringMatching(/not a HYPERVISOR/) }]);
    const noTemplate = await as(s.app, other.tokens.ADMIN).post('/api/vps', { name: 'x2', cpuCores: 1, memoryMb: 1024, diskGb: 10, template: 'arch' });
    expect(noTemplate.status).toBe(422);
    expect(noTemplate.body.error.details[0].path).toBe('body.template');
    const several = await as(s.app, other.tokens.ADMIN).post('/api/vps', { name: 'x3', cpuCores: 1, memoryMb: 1024, diskGb: 10 });
    expect(several.status).toBe(422);
  }, 30000);

  it('provisions the VPS of a paid order: reserves it from the plan and writes vpsId back into the job', async () => {
    const shop = await makeShop(s.c.db, { web: false });
    s.tenantIds.push(shop.tenant.id);
    // One template on this hypervisor: the plan need not name it.
    const server = await hypervisor(shop.tenant.id, 'pve1', { 'debian-12': 9000 });
    const domain = testDomain();
    const order = await s.http().post('/api/orders').set('x-internal-key', TEST_INTERNAL_KEY).send(orderBody(shop.tenant.slug, { planSlug: 'vps-1-monthly', totalAmountCents: 599, metadata: { domain } }));
    expect(order.status).toBe(201);
    expect(order.body.jobs.map((j: { type: string }) => j.type)).toEqual(['PROVISION_VPS']);

    const job = await succeeded(s.c.db, order.body.jobs[0].id);
    const vps = await s.c.db.vpsInstance.findUniqueOrThrow({ where: { domainId: order.body.domainId } });
    expect(job.payload).toMatchObject({ planId: shop.plans.vps.id, orderId: order.body.orderId, vpsId: vps.id });
    expect(vps).toMatchObject({ serverId: server.id, name: domain.replace(/\./g, '-'), status: 'RUNNING', cpuCores: 1, memoryMb: 1024, diskGb: 25, template: 'debian-12' });
    expect(vmNamed(vps.name)).toMatchObject({ status: 'running', vmid: Number(vps.externalId) });
    // The order's domain went live with its only job.
    expect((await s.c.db.domain.findUniqueOrThrow({ where: { id: order.body.domainId } })).status).toBe('ACTIVE');
  }, 30000);

  it('fails a provisioning Proxmox refuses, keeps the half-made machine, and a retry finishes it', async () => {
    const server = await hypervisor(staff.tenant.id, `pve-fail-${uid(3)}`);
    const name = `flaky-${uid(3)}`;
    pve.state.failNextTask('resize', 'storage pool is full');
    const res = await admin.post('/api/vps', { name, cpuCores: 1, memoryMb: 1024, diskGb: 12, template: 'debian-12', serverId: server.id });
    const failed = await finished(s.c.db, res.body.job.id);
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(failed.lastError).toMatch(/storage pool is full/);
    const half = await s.c.db.vpsInstance.findUniqueOrThrow({ where: { id: res.body.vps.id } });
    expect(half).toMatchObject({ status: 'PENDING', externalId: String(vmNamed(name)!.vmid) });

    const retry = await as(s.app, staff.tokens.SUPPORT).post(`/api/jobs/${failed.id}/retry`);
    expect(retry.status).toBe(202);
    const done = await succeeded(s.c.db, failed.id);
    expect(done.attempts).toBe(2);
    expect(done.logs.map((l) => [l.attempt, l.status])).toEqual([[1, 'FAILED'], [2, 'SUCCESS']]);
    expect(done.logs[1].message).toMatch(/already existed/);
    expect(await s.c.db.vpsInstance.findUniqueOrThrow({ where: { id: half.id } })).toMatchObject({ status: 'RUNNING', externalId: half.externalId });
    expect(vmNamed(name)!.disks.scsi0).toBe(12 * 1024 ** 3);
  }, 30000);

  it("answers 404 for another tenant's VPS and servers, and starts no job", async () => {
    const other = await makeStaff(s.c.db, s.app);
    const theirServer = await hypervisor(other.tenant.id);
    const theirs = await s.c.db.vpsInstance.create({ data: { tenantId: other.tenant.id, serverId: theirServer.id, name: `theirs-${uid(3)}`, status: 'RUNNING', externalId: '12345' } });
    const jobs = await s.c.db.job.count({ where: { tenantId: other.tenant.id } });
    expect((await admin.get(`/api/vps/${theirs.id}`)).status).toBe(404);
    for (const action of ['stop', 'reboot', 'destroy']) expect((await admin.post(`/api/vps/${theirs.id}/${action}`)).status).toBe(404);
    expect((await admin.delete(`/api/vps/${theirs.id}`)).status).toBe(404);
    const onTheirServer = await admin.post('/api/vps', { name: `mine-${uid(3)}`, cpuCores: 1, memoryMb: 1024, diskGb: 10, template: 'debian-12', serverId: theirServer.id });
    expect(onTheirServer.status).toBe(404);
    expect(onTheirServer.body.error.details).toEqual([{ path: 'body.serverId', message: 'Server not found' }]);
    expect((await admin.get('/api/vps')).body.items.map((v: { id: string }) => v.id)).not.toContain(theirs.id);
    expect(await s.c.db.job.count({ where: { tenantId: other.tenant.id } })).toBe(jobs);
    expect((await s.c.db.vpsInstance.findUniqueOrThrow({ where: { id: theirs.id } })).status).toBe('RUNNING');
  });
});
