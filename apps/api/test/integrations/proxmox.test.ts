import crypto from 'node:crypto';
import axios from 'axios';
import { startProxmoxServer, type ProxmoxServer } from '../../../../scripts/lib/peers/proxmox-server';
import { FarSideError } from '../../src/integrations/errors';
import { proxmoxServerConfig } from '../../src/integrations/vps/proxmox.driver';
import { createVpsDriver, type VpsDriver } from '../../src/integrations/vps/vps-driver';

const NODE = 'pve-test';
const TOKEN_ID = 'mpanel@pve!provisioner';
const TOKEN_SECRET = crypto.randomUUID();
const TEMPLATES = { 'debian-12': 9000, 'ubuntu-24': 9001 };
const FAST = { pollIntervalMs: 10, taskTimeoutMs: 5000, timeoutMs: 5000 };

// A self-signed certificate for 127.0.0.1 only, standing in for the one a fresh Proxmox node serves.
const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgRoxIMGtnYrrdY0HO
VWY9/OU7eEmQ0D4NZqzjVPEBV+mhRANCAARgNyL98kVprN65V0oF5BwjWcjBgWFC
/egzDFmccWINWYl0kxRZqObH/LeRp//SKiEuTFTsk9qY0WD3+aHfyWvz
-----END PRIVATE KEY-----
`;
const TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBnjCCAUSgAwIBAgIUce1Mfw4HOTT3yxnT4g8u2MNeY4QwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQcHZlLXRlc3QuaW52YWxpZDAgFw0yNjExMjMxMDMwMTRaGA8y
MTI2MTAzMDEwMzAxNFowGzEZMBcGA1UEAwwQcHZlLXRlc3QuaW52YWxpZDBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABGA3Iv3yRWms3rlXSgXkHCNZyMGBYUL96DMM
WZxxYg1ZiXSTFFmo5sf8t5Gn/9IqIS5MVOyT2pjRYPf5od/Ja/OjZDBiMB0GA1Ud
DgQWBBTdn6qlVOYvnGB7DacxKm5XEJZNkTAfBgNVHSMEGDAWgBTdn6qlVOYvnGB7
DacxKm5XEJZNkTAPBgNVHRMBAf8EBTADAQH/MA8GA1UdEQQIMAaHBH8AAAEwCgYI
KoZIzj0EAwIDSAAwRQIgERlFgzPytYOunu71MmJyeZniuK2lzXg/Dp+nR/tqUYgC
IQCQZgl8kTpyKyn92VWvayDnbKkDjVMpl0XZaUvfNz526Q==
-----END CERTIFICATE-----
`;

let server: ProxmoxServer;
let driver: VpsDriver;
const env = { PVE_TEST_TOKEN_SECRET: TOKEN_SECRET };

const configFor = (s: ProxmoxServer, extra: Record<string, unknown> = {}) => ({
  driver: 'proxmox',
  apiUrl: s.url,
  node: NODE,
  tokenId: TOKEN_ID,
  tokenSecretEnv: 'PVE_TEST_TOKEN_SECRET',
  templates: TEMPLATES,
  ...extra,
});

beforeAll(async () => {
  server = await startProxmoxServer({ tokenId: TOKEN_ID, tokenSecret: TOKEN_SECRET, node: NODE, templates: TEMPLATES, templateDiskGb: 10, taskDelayMs: 30 });
  driver = createVpsDriver(configFor(server), env, FAST);
});
afterAll(() => server.stop());

async function farSideError(p: Promise<unknown>): Promise<FarSideError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FarSideError);
    return err as FarSideError;
  }
  throw new Error('expected a FarSideError');
}

const since = (mark: number) => server.state.requests.slice(mark).map((r) => `${r.method} ${r.path.replace(/\?.*$/, '').replace(/UPID(:|%3A)[^/]+/i, 'UPID')}`);
const tasksOf = (type: string) => [...server.state.tasks.values()].filter((t) => t.type === type);

describe('Proxmox VE driver against the contract server', () => {
  it('reports the node version', async () => {
    await expect(driver.health()).resolves.toEqual({ version: expect.stringMatching(/^\d+\.\d+/) });
  });

  it('creates an instance: clone of the template, cores and memory, disk grown, started', async () => {
    const mark = server.state.requests.length;
    const vps = await driver.createInstance({ name: 'vps-alpha', template: 'debian-12', cores: 2, memoryMb: 2048, diskGb: 20 });
    expect(vps).toEqual(
      expect.objectContaining({ externalId: expect.stringMatching(/^\d+$/), created: true, template: 'debian-12', state: 'running', name: 'vps-alpha', cores: 2, memoryMb: 2048, diskGb: 20 }),
    );

    const vm = server.state.vms.get(Number(vps.externalId))!;
    expect(vm).toEqual(expect.objectContaining({ name: 'vps-alpha', template: false, status: 'running', cores: 2, memory: 2048, disks: { scsi0: 20 * 1024 ** 3 } }));
    expect(vm.lock).toBeUndefined();

    const calls = since(mark).filter((c) => !c.includes('/tasks/'));
    const vmPath = `/api2/json/nodes/${NODE}/qemu`;
    expect(calls).toEqual([
      `GET ${vmPath}`,
      'GET /api2/json/cluster/nextid',
      `POST ${vmPath}/9000/clone`,
      `POST ${vmPath}/${vps.externalId}/config`,
      `PUT ${vmPath}/${vps.externalId}/resize`,
      `GET ${vmPath}/${vps.externalId}/status/current`,
      `POST ${vmPath}/${vps.externalId}/status/start`,
      `GET ${vmPath}/${vps.externalId}/status/current`,
    ]);
    // Every task was followed to its end before the next call.
    for (const type of ['qmclone', 'qmconfig', 'resize', 'qmstart']) expect(tasksOf(type).every((t) => t.status === 'stopped' && t.exitstatus === 'OK')).toBe(true);
    expect(since(mark).filter((c) => c.includes('/tasks/UPID/status')).length).toBeGreaterThanOrEqual(4);
  });

  it('a retried create finds the machine by name and converges instead of cloning again', async () => {
    const first = await driver.createInstance({ name: 'vps-beta', template: 'ubuntu-24', cores: 1, memoryMb: 1024, diskGb: 10 });
    const clones = tasksOf('qmclone').length;
    const again = await driver.createInstance({ name: 'vps-beta', template: 'ubuntu-24', cores: 4, memoryMb: 4096, diskGb: 30 });
    expect(again).toEqual(expect.objectContaining({ externalId: first.externalId, created: false, state: 'running', cores: 4, memoryMb: 4096, diskGb: 30 }));
    expect(tasksOf('qmclone').length).toBe(clones);
  });

  it('stops, starts and reboots; each call converges on the state asked for', async () => {
    const { externalId } = await driver.createInstance({ name: 'vps-gamma', template: 'debian-12', cores: 1, memoryMb: 512, diskGb: 10 });
    const vm = () => server.state.vms.get(Number(externalId))!;

    await driver.stop(externalId);
    expect(vm().status).toBe('stopped');
    expect(tasksOf('qmshutdown').some((t) => t.id === externalId)).toBe(true);
    await expect(driver.status(externalId)).resolves.toEqual(expect.objectContaining({ externalId, state: 'stopped', uptimeSeconds: 0 }));
    await driver.stop(externalId); // already stopped: nothing to do

    await driver.start(externalId);
    expect(vm().status).toBe('running');
    const starts = tasksOf('qmstart').length;
    await driver.start(externalId); // already running: no second start task (Proxmox would fail it)
    expect(tasksOf('qmstart').length).toBe(starts);

    const bootedAt = vm().startedAt!;
    await new Promise((r) => setTimeout(r, 5));
    await driver.reboot(externalId);
    expect(vm().status).toBe('running');
    expect(vm().startedAt!).toBeGreaterThan(bootedAt);
    expect(tasksOf('qmreboot').some((t) => t.id === externalId && t.exitstatus === 'OK')).toBe(true);

    await driver.stop(externalId, { graceful: false });
    expect(vm().status).toBe('stopped');
    expect(tasksOf('qmstop').some((t) => t.id === externalId)).toBe(true);
    await driver.reboot(externalId); // a stopped machine is started
    expect(vm().status).toBe('running');
  });

  it('destroys a running instance (power off, purge); a second destroy and the status say it is gone', async () => {
    const { externalId } = await driver.createInstance({ name: 'vps-delta', template: 'debian-12', cores: 1, memoryMb: 512, diskGb: 10 });
    await expect(driver.destroy(externalId)).resolves.toBe(true);
    expect(server.state.vms.has(Number(externalId))).toBe(false);
    expect(tasksOf('qmdestroy').some((t) => t.id === externalId && t.exitstatus === 'OK')).toBe(true);
    await expect(driver.destroy(externalId)).resolves.toBe(false);
    await expect(driver.status(externalId)).resolves.toEqual({ externalId, state: 'missing' });
  });

  it('never destroys a template', async () => {
    const err = await farSideError(driver.destroy('9000'));
    expect(err).toMatchObject({ system: 'proxmox', retryable: false });
    expect(server.state.vms.get(9000)?.template).toBe(true);
  });

  it('a failed task is a FarSideError with its exit status; Proxmox leaves no half-made clone', async () => {
    server.state.failNextTask('qmclone', 'clone failed: storage local-lvm is full');
    const before = server.state.vms.size;
    const err = await farSideError(driver.createInstance({ name: 'vps-epsilon', template: 'debian-12', cores: 1, memoryMb: 512, diskGb: 10 }));
    expect(err).toMatchObject({ system: 'proxmox', retryable: false });
    expect(err.message).toContain('storage local-lvm is full');
    expect(err.opts.details).toMatchObject({ type: 'qmclone', exitstatus: 'clone failed: storage local-lvm is full', upid: expect.stringMatching(/^UPID:pve-test:/) });
    expect(server.state.vms.size).toBe(before);
  });

  it('a task that fails on a lock is retryable', async () => {
    const { externalId } = await driver.createInstance({ name: 'vps-zeta', template: 'debian-12', cores: 1, memoryMb: 512, diskGb: 10 });
    await driver.stop(externalId, { graceful: false });
    server.state.failNextTask('qmstart', `can't lock file '/var/lock/qemu-server/lock-${externalId}.conf' - got timeout`);
    const err = await farSideError(driver.start(externalId));
    expect(err).toMatchObject({ retryable: true });
    await driver.start(externalId);
    await expect(driver.status(externalId)).resolves.toEqual(expect.objectContaining({ state: 'running' }));
  });

  it('asking for a disk smaller than the template fails the resize task, naming the machine left behind', async () => {
    const err = await farSideError(driver.createInstance({ name: 'vps-eta', template: 'debian-12', cores: 1, memoryMb: 512, diskGb: 5 }));
    expect(err).toMatchObject({ system: 'proxmox', retryable: false });
    expect(err.message).toContain('shrinking disks is not supported');
    const externalId = (err.opts.details as { externalId: string }).externalId;
    expect(server.state.vms.get(Number(externalId))?.name).toBe('vps-eta');
    await expect(driver.destroy(externalId)).resolves.toBe(true);
  });

  it('Proxmox parameter errors come back as a final 400 naming the parameter', async () => {
    const odd = createVpsDriver(configFor(server, { disk: 'scsi99' }), env, FAST);
    const err = await farSideError(odd.createInstance({ name: 'vps-theta', template: 'debian-12', cores: 1, memoryMb: 512, diskGb: 10 }));
    expect(err).toMatchObject({ status: 400, retryable: false });
    expect(err.message).toContain('disk:');
    expect(err.opts.details).toMatchObject({ errors: { disk: expect.any(String) } });
    await driver.destroy((err.opts.details as { externalId: string }).externalId);
  });

  it('refuses what it cannot do before calling Proxmox', async () => {
    const mark = server.state.requests.length;
    await expect(farSideError(driver.createInstance({ name: 'vps-iota', template: 'windows-11', cores: 1, memoryMb: 512, diskGb: 10 }))).resolves.toMatchObject({
      retryable: false,
    });
    const bad = await farSideError(driver.createInstance({ name: 'Bad Name; rm -rf /', template: 'debian-12', cores: 0, memoryMb: 512, diskGb: 10 }));
    expect(bad).toMatchObject({ retryable: false });
    expect(bad.opts.details).toMatchObject({ fields: { name: expect.any(String), cores: expect.any(String) } });
    await expect(farSideError(driver.start('../../etc'))).resolves.toMatchObject({ retryable: false });
    expect(server.state.requests.length).toBe(mark);
  });

  it('starting a machine that does not exist is a final error', async () => {
    const err = await farSideError(driver.start('123456'));
    expect(err).toMatchObject({ status: 404, retryable: false });
  });

  it('a wrong token secret is a final FarSideError that carries no secret', async () => {
    const wrong = createVpsDriver(configFor(server), { PVE_TEST_TOKEN_SECRET: 'not-the-secret-0000' }, FAST);
    const err = await farSideError(wrong.status('100'));
    expect(err).toMatchObject({ system: 'proxmox', status: 401, retryable: false });
    const text = JSON.stringify({ m: err.message, d: err.opts.details });
    expect(text).not.toContain('not-the-secret-0000');
    expect(text).not.toContain(TOKEN_SECRET);
  });

  it('a node that does not answer is a retryable FarSideError', async () => {
    const gone = await startProxmoxServer({ tokenId: TOKEN_ID, tokenSecret: TOKEN_SECRET, node: NODE, templates: TEMPLATES });
    await gone.stop();
    const offline = createVpsDriver(configFor(gone), env, FAST);
    const err = await farSideError(offline.status('100'));
    expect(err).toMatchObject({ system: 'proxmox', retryable: true, status: undefined });
    expect(JSON.stringify(err.opts.details)).not.toContain(TOKEN_SECRET);
  });

  it('speaks https: trusts a self-signed node only with insecureTls', async () => {
    const tlsNode = await startProxmoxServer({ tokenId: TOKEN_ID, tokenSecret: TOKEN_SECRET, node: NODE, templates: TEMPLATES, taskDelayMs: 10, tls: { key: TLS_KEY, cert: TLS_CERT } });
    try {
      expect(tlsNode.url).toMatch(/^https:/);
      const strict = createVpsDriver(configFor(tlsNode), env, FAST);
      const err = await farSideError(strict.health());
      expect(err).toMatchObject({ retryable: false });

      const lenient = createVpsDriver(configFor(tlsNode, { insecureTls: true }), env, FAST);
      const vps = await lenient.createInstance({ name: 'vps-tls', template: 'debian-12', cores: 1, memoryMb: 512, diskGb: 10 });
      expect(vps.state).toBe('running');
      await expect(lenient.destroy(vps.externalId)).resolves.toBe(true);
    } finally {
      await tlsNode.stop();
    }
  });
});

describe('createVpsDriver and the server config', () => {
  it('parses a Proxmox config with defaults', () => {
    const parsed = proxmoxServerConfig.parse(configFor(server, { apiUrl: 'https://10.1.10.20:8006' }));
    expect(parsed).toEqual(expect.objectContaining({ driver: 'proxmox', disk: 'scsi0', insecureTls: false, templates: TEMPLATES }));
  });

  it('refuses a bad config, naming the fields', () => {
    let err: unknown;
    try {
      createVpsDriver({ driver: 'proxmox', apiUrl: 'http://10.1.10.20:8006', node: 'pve', tokenId: 'root', tokenSecretEnv: 'lower', templates: {} }, env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FarSideError);
    expect((err as FarSideError).retryable).toBe(false);
    expect(Object.keys((err as FarSideError).opts.details!.fields as object).sort()).toEqual(['apiUrl', 'templates', 'tokenId', 'tokenSecretEnv']);
    expect(() => createVpsDriver({ driver: 'vmware' }, env)).toThrow(FarSideError);
  });

  it('needs the token secret in the environment variable the config names', () => {
    expect(() => createVpsDriver(configFor(server), {})).toThrow(/PVE_TEST_TOKEN_SECRET/);
  });
});

describe('Proxmox contract server', () => {
  const call = (method: string, path: string, params?: Record<string, string>, auth = `PVEAPIToken=${TOKEN_ID}=${TOKEN_SECRET}`) =>
    axios.request({
      method,
      url: `${server.url}${path}`,
      headers: { Authorization: auth },
      ...(method === 'GET' || method === 'DELETE' ? { params } : { data: new URLSearchParams(params) }),
      validateStatus: () => true,
      proxy: false,
    });

  it('answers like Proxmox: {data} wrappers, reason phrases, {errors} on bad parameters', async () => {
    const nextid = await call('GET', '/cluster/nextid');
    expect(nextid.data).toEqual({ data: expect.stringMatching(/^\d+$/) });

    const noAuth = await call('GET', '/version', undefined, '');
    expect(noAuth.status).toBe(401);
    expect(noAuth.data).toEqual({ data: null });

    const badParam = await call('POST', `/nodes/${NODE}/qemu/9000/clone`, { newid: '5', bogus: '1' });
    expect(badParam.status).toBe(400);
    expect(badParam.statusText).toBe('Parameter verification failed.');
    expect(badParam.data).toEqual({ data: null, errors: { newid: expect.stringContaining('minimum'), bogus: expect.stringContaining('not defined in schema') } });

    const missing = await call('GET', `/nodes/${NODE}/qemu/4242/status/current`);
    expect(missing.status).toBe(500);
    expect(missing.statusText).toBe(`Configuration file 'nodes/${NODE}/qemu-server/4242.conf' does not exist`);

    const wrongNode = await call('GET', '/nodes/other/qemu');
    expect(wrongNode.status).toBe(500);

    const notImplemented = await call('POST', '/cluster/nextid');
    expect(notImplemented.status).toBe(501);

    const template = await call('POST', `/nodes/${NODE}/qemu/9000/status/start`);
    expect(template.status).toBe(500);
    expect(template.statusText).toContain('template');
  });
});
