/**
 * The SSH integration against a real OpenSSH server on loopback running the repo's host
 * scripts, which write into a sandbox directory (MPANEL_HOST_ROOT) instead of this machine's
 * /etc and /home. The vhosts they write are checked with Debian's `nginx -t`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ZodError } from 'zod';
import { FarSideError } from '../../src/integrations/errors';
import { createSite, healthCheck, suspendSite, terminateSite, unsuspendSite } from '../../src/integrations/ssh/host-scripts';
import { createSshClient, type SshTarget } from '../../src/integrations/ssh/ssh.client';
import { freePort, generateClientKey, nginxConfigTest, prepareHostRoot, startSshd, type SshdPeer } from '../../../../scripts/lib/peers/sshd';

const scriptsDir = path.resolve(__dirname, '../../../../scripts/host');

let tmp: string;
let hostRoot: string;
let peer: SshdPeer;
let privateKeyPath: string;
let target: SshTarget;
const peers: SshdPeer[] = [];

const clientWith = (over: Partial<Parameters<typeof createSshClient>[0]> = {}) =>
  createSshClient({ privateKeyPath, connectTimeoutMs: 5000, commandTimeoutMs: 20000, scriptsDir, useSudo: false, ...over });

const inRoot = (...parts: string[]) => path.join(hostRoot, ...parts);
const passwd = () => fs.readFileSync(inRoot('etc/passwd'), 'utf8');
const shadowOf = (user: string) => fs.readFileSync(inRoot('etc/shadow'), 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
const exists = (p: string) => fs.existsSync(p);

/** Resolves with the error a promise rejects with; fails the test when it resolves. */
async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

async function farSideFailure(p: Promise<unknown>): Promise<FarSideError> {
  const err = await failure(p);
  expect(err).toBeInstanceOf(FarSideError);
  return err as FarSideError;
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mpanel-ssh-'));
  hostRoot = prepareHostRoot(path.join(tmp, 'root')).root;
  const key = generateClientKey(path.join(tmp, 'client'));
  privateKeyPath = key.privateKeyPath;
  peer = await startSshd({ dir: path.join(tmp, 'sshd'), hostRoot, authorizedKeys: [key.publicKey] });
  peers.push(peer);
  target = { host: '127.0.0.1', port: peer.port, username: peer.username, hostKeyFingerprint: peer.hostKeyFingerprint };
  // Nothing below may run unless the scripts see the sandbox: they would otherwise edit this machine.
  const { result } = await healthCheck(clientWith(), target);
  if (result.sandboxRoot !== hostRoot) throw new Error(`sshd sessions do not see MPANEL_HOST_ROOT=${hostRoot}`);
});

afterAll(async () => {
  await Promise.all(peers.map((p) => p.stop()));
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('reaching a web server', () => {
  it('returns the host key fingerprint on first contact (none pinned), equal to what ssh-keygen prints', async () => {
    const { result, hostKeyFingerprint } = await healthCheck(clientWith(), { ...target, hostKeyFingerprint: null });
    expect(hostKeyFingerprint).toBe(peer.hostKeyFingerprint);
    expect(hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(result).toMatchObject({ ok: true, action: 'health', nginx: true, kitVersion: 1, sandboxRoot: hostRoot });
    expect(result.hostname.length).toBeGreaterThan(0);
    expect(result.disk.totalBytes).toBeGreaterThan(0);
  });

  it('probe() runs the health script with the pinned key', async () => {
    const run = await clientWith().probe(target);
    expect(run.hostKeyFingerprint).toBe(peer.hostKeyFingerprint);
    expect(run.result).toMatchObject({ ok: true, action: 'health' });
  });

  it('refuses a server whose host key differs from the pinned one, before anything runs', async () => {
    const pinned = `SHA256:${Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '')}`;
    const err = await farSideFailure(
      createSite(clientWith(), { ...target, hostKeyFingerprint: pinned }, { domain: 'pinned-example.com', systemUser: 'pinned_example' }),
    );
    expect(err.system).toBe('ssh');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(`host key mismatch for 127.0.0.1:${peer.port}: expected ${pinned}, got ${peer.hostKeyFingerprint}`);
    expect(passwd()).not.toContain('pinned_example');
    expect(exists(inRoot('etc/nginx/sites-available/pinned-example.com.conf'))).toBe(false);
    expect(exists(inRoot('home/pinned_example'))).toBe(false);
  });

  it('reports a refused key as final, without the key in the error', async () => {
    const other = generateClientKey(path.join(tmp, 'stranger'));
    const err = await farSideFailure(clientWith({ privateKeyPath: other.privateKeyPath }).probe(target));
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(`127.0.0.1:${peer.port} refused the key for ${peer.username}`);
    const secret = fs.readFileSync(other.privateKeyPath, 'utf8');
    const body = secret.split('\n')[1];
    expect(JSON.stringify({ message: err.message, details: err.opts.details })).not.toContain(body);
  });

  it('reports an unreadable key file as final', async () => {
    const err = await farSideFailure(clientWith({ privateKeyPath: path.join(tmp, 'missing-key') }).probe(target));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/cannot read the SSH private key file/);
  });

  it('treats a closed port as retryable', async () => {
    const port = await freePort();
    const err = await farSideFailure(clientWith().probe({ ...target, port }));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(new RegExp(`connecting to 127.0.0.1:${port} failed: .*ECONNREFUSED`));
  });

  it('times out on a server that never answers, retryably', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const err = await farSideFailure(clientWith({ connectTimeoutMs: 300 }).probe({ ...target, port }));
      expect(err.retryable).toBe(true);
      expect(err.message).toMatch(/timed out/i);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => silent.close(r));
    }
  });
});

describe('a hosting account, end to end', () => {
  const site = { domain: 'shop-example.com', systemUser: 'shop_example', phpVersion: '8.2' };
  const home = () => inRoot('home', site.systemUser);
  const vhost = () => inRoot('etc/nginx/sites-available', `${site.domain}.conf`);
  const enabled = () => inRoot('etc/nginx/sites-enabled', `${site.domain}.conf`);
  const pool = () => inRoot('etc/php/8.2/fpm/pool.d', `${site.systemUser}.conf`);

  it('creates the user, home, web root, vhost and php pool; nginx -t accepts the vhost', async () => {
    const { result, hostKeyFingerprint } = await createSite(clientWith(), target, site);
    expect(hostKeyFingerprint).toBe(peer.hostKeyFingerprint);
    expect(result).toMatchObject({
      ok: true,
      action: 'create',
      domain: site.domain,
      user: site.systemUser,
      homeDir: home(),
      webRoot: path.join(home(), 'public_html'),
      vhost: vhost(),
      phpVersion: '8.2',
      phpPool: pool(),
      state: 'active',
      changed: true,
      reload: 'skipped',
      sandboxRoot: hostRoot,
    });

    const entry = passwd().split('\n').find((l) => l.startsWith(`${site.systemUser}:`));
    expect(entry).toBe(`${site.systemUser}:x:${result.uid}:${result.uid}:mpanel site ${site.domain}:/home/${site.systemUser}:/usr/sbin/nologin`);
    expect(fs.statSync(home()).uid).toBe(result.uid);
    expect(fs.statSync(home()).mode & 0o777).toBe(0o750);
    expect(fs.existsSync(path.join(home(), 'public_html/index.html'))).toBe(true);

    const conf = fs.readFileSync(vhost(), 'utf8');
    expect(conf).toContain(`server_name ${site.domain} www.${site.domain};`);
    expect(conf).toContain(`root ${home()}/public_html;`);
    expect(conf).toContain(`fastcgi_pass unix:${inRoot('run/php', `php8.2-fpm-${site.systemUser}.sock`)};`);
    expect(fs.readlinkSync(enabled())).toBe(`../sites-available/${site.domain}.conf`);
    expect(fs.readFileSync(pool(), 'utf8')).toContain(`[${site.systemUser}]\nuser = ${site.systemUser}\n`);

    const check = nginxConfigTest(hostRoot);
    expect(check.output).toMatch(/test is successful/);
    expect(check.ok).toBe(true);
  });

  it('nginx -t really reads sites-enabled (a broken file there fails it)', () => {
    const broken = inRoot('etc/nginx/sites-enabled/broken.conf');
    fs.writeFileSync(broken, 'server { listen 80; nonsense_directive on; }\n');
    try {
      const check = nginxConfigTest(hostRoot);
      expect(check.ok).toBe(false);
      expect(check.output).toContain('nonsense_directive');
    } finally {
      fs.rmSync(broken);
    }
  });

  it('converges when run again, leaving the customer’s files alone', async () => {
    fs.writeFileSync(path.join(home(), 'public_html/index.html'), 'my own page\n');
    const before = fs.readFileSync(vhost(), 'utf8');
    const { result } = await createSite(clientWith(), target, site);
    expect(result).toMatchObject({ changed: false, reload: 'none', state: 'active' });
    expect(fs.readFileSync(vhost(), 'utf8')).toBe(before);
    expect(fs.readFileSync(path.join(home(), 'public_html/index.html'), 'utf8')).toBe('my own page\n');
    expect(passwd().split('\n').filter((l) => l.startsWith(`${site.systemUser}:`))).toHaveLength(1);
  });

  it('a second site without PHP lives beside the first under nginx -t', async () => {
    const { result } = await createSite(clientWith(), target, { domain: 'blog.example.org', systemUser: 'blog_example' });
    expect(result).toMatchObject({ changed: true, phpVersion: null, phpPool: null, state: 'active' });
    expect(fs.readFileSync(result.vhost, 'utf8')).not.toContain('fastcgi_pass');
    expect(nginxConfigTest(hostRoot).ok).toBe(true);
  });

  it('suspends: the vhost answers 503, the user is locked; again changes nothing', async () => {
    const { result } = await suspendSite(clientWith(), target, site);
    expect(result).toMatchObject({ action: 'suspend', state: 'suspended', locked: true, changed: true, reload: 'skipped' });
    expect(fs.readlinkSync(enabled())).toBe(`../mpanel-suspended/${site.domain}.conf`);
    expect(fs.readFileSync(enabled(), 'utf8')).toContain('return 503');
    expect(shadowOf(site.systemUser)?.split(':')[7]).toBe('1');
    expect(exists(vhost())).toBe(true);
    expect(nginxConfigTest(hostRoot).ok).toBe(true);

    const again = await suspendSite(clientWith(), target, site);
    expect(again.result).toMatchObject({ state: 'suspended', changed: false, reload: 'none' });
  });

  it('create on a suspended site keeps it suspended', async () => {
    const { result } = await createSite(clientWith(), target, site);
    expect(result).toMatchObject({ state: 'suspended', changed: false });
    expect(fs.readlinkSync(enabled())).toBe(`../mpanel-suspended/${site.domain}.conf`);
  });

  it('unsuspends back to the site’s own vhost and unlocks the user; again changes nothing', async () => {
    const { result } = await unsuspendSite(clientWith(), target, site);
    expect(result).toMatchObject({ action: 'unsuspend', state: 'active', locked: false, changed: true });
    expect(fs.readlinkSync(enabled())).toBe(`../sites-available/${site.domain}.conf`);
    expect(exists(inRoot('etc/nginx/mpanel-suspended', `${site.domain}.conf`))).toBe(false);
    expect(shadowOf(site.systemUser)?.split(':')[7]).toBe('');
    expect(nginxConfigTest(hostRoot).ok).toBe(true);

    const again = await unsuspendSite(clientWith(), target, site);
    expect(again.result).toMatchObject({ state: 'active', changed: false });
  });

  it('refuses to suspend a site that is not there (exit 2, final)', async () => {
    const err = await farSideFailure(suspendSite(clientWith(), target, { domain: 'nowhere-example.com', systemUser: 'nowhere_example' }));
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(`suspend_client_site on 127.0.0.1:${peer.port} failed (exit 2): there is no system user nowhere_example on this server`);
  });

  it('refuses to touch a system account or a vhost mPanel did not create for this site', async () => {
    const err = await farSideFailure(terminateSite(clientWith(), target, { domain: 'other-example.com', systemUser: 'www-data' }));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("(exit 2): system user www-data exists and is not mPanel's account for other-example.com");
    expect(passwd()).toContain('www-data:x:33:33:');

    const taken = await farSideFailure(terminateSite(clientWith(), target, { domain: site.domain, systemUser: 'blog_example' }));
    expect(taken.retryable).toBe(false);
    expect(taken.message).toContain(`(exit 2): ${vhost()} exists and is not mPanel's vhost for ${site.domain} and blog_example`);
    expect(exists(vhost())).toBe(true);
    expect(passwd()).toContain('blog_example');
  });

  it('terminates: vhost, pool, user and home are gone, an archive is kept; again changes nothing', async () => {
    const { result } = await terminateSite(clientWith(), target, site);
    expect(result).toMatchObject({ action: 'terminate', changed: true });
    expect(result.archive).toMatch(new RegExp(`^${inRoot('var/backups/mpanel')}/shop-example\\.com-shop_example-\\d{8}T\\d{6}Z\\.tar\\.gz$`));
    const listing = spawnSync('tar', ['-tzf', result.archive!], { encoding: 'utf8' }).stdout;
    expect(listing).toContain('shop_example/public_html/index.html');
    for (const p of [vhost(), enabled(), pool(), home()]) expect(exists(p)).toBe(false);
    expect(passwd()).not.toContain('shop_example');
    expect(fs.readFileSync(inRoot('etc/group'), 'utf8')).not.toContain('shop_example');
    expect(nginxConfigTest(hostRoot).ok).toBe(true);

    const again = await terminateSite(clientWith(), target, site);
    expect(again.result).toMatchObject({ changed: false, archive: null });
  });
});

describe('hostile names', () => {
  const hostile = ['a;rm -rf /', '../../etc', '$(id)', '`id`', 'ex\nample.com', 'example.com\nuser=root', "x' || true", '', 'EXAMPLE.com'];
  const hostileUsers = ['a;rm -rf /', '../../etc', '$(id)', '`id`', 'ab\ncd', 'abc\nphp=8.2', 'root;id', 'x'];

  it('are rejected before any connection is made', async () => {
    let connections = 0;
    const counter = net.createServer((s) => {
      connections += 1;
      s.destroy();
    });
    await new Promise<void>((r) => counter.listen(0, '127.0.0.1', r));
    const port = (counter.address() as net.AddressInfo).port;
    const client = clientWith();
    const t = { ...target, port };
    try {
      for (const domain of hostile) {
        await expect(createSite(client, t, { domain, systemUser: 'safe_user' })).rejects.toBeInstanceOf(ZodError);
        await expect(terminateSite(client, t, { domain, systemUser: 'safe_user' })).rejects.toBeInstanceOf(ZodError);
      }
      for (const systemUser of hostileUsers) {
        await expect(createSite(client, t, { domain: 'example.com', systemUser })).rejects.toBeInstanceOf(ZodError);
        await expect(suspendSite(client, t, { domain: 'example.com', systemUser })).rejects.toBeInstanceOf(ZodError);
      }
      await expect(createSite(client, t, { domain: 'example.com', systemUser: 'safe_user', phpVersion: '8.2;id' })).rejects.toBeInstanceOf(ZodError);
      // runScript itself will not send a value that would become a second line on the script's stdin.
      const err = await farSideFailure(client.runScript(t, 'create_client_site', { domain: 'example.com\nuser=root', user: 'safe_user' }));
      expect(err.retryable).toBe(false);
      expect(connections).toBe(0);
    } finally {
      await new Promise((r) => counter.close(r));
    }
  });

  it('are rejected by the script on the server too (exit 2, final), when sent raw', async () => {
    const err = await farSideFailure(clientWith().runScript(target, 'create_client_site', { domain: 'a;rm -rf /', user: 'safe_user' }));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('failed (exit 2): domain must be a lowercase hostname');
    const err2 = await farSideFailure(clientWith().runScript(target, 'create_client_site', { domain: 'example.com', user: '$(id)' }));
    expect(err2.message).toContain('failed (exit 2): user must be');
    const err3 = await farSideFailure(clientWith().runScript(target, 'create_client_site', { domain: 'example.com', user: 'safe_user', shell: '/bin/bash' }));
    expect(err3.message).toContain('failed (exit 2): unknown argument');
    expect(passwd()).not.toContain('safe_user');
  });

  describe('run directly with bash', () => {
    const scripts = ['create_client_site.sh', 'suspend_client_site.sh', 'unsuspend_client_site.sh', 'terminate_client_site.sh'];
    const runLocal = (script: string, args: string[], input = '') => {
      const r = spawnSync('bash', [path.join(scriptsDir, script), ...args], {
        input,
        encoding: 'utf8',
        env: { ...process.env, MPANEL_HOST_ROOT: hostRoot },
      });
      const lines = r.stdout.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1); // exactly one JSON line, whatever happens
      return { status: r.status, result: JSON.parse(lines[0]) as { ok: boolean; error?: string } };
    };

    it('reject hostile argv with exit 2 and touch nothing', () => {
      const before = passwd();
      const homes = fs.readdirSync(inRoot('home'));
      for (const script of scripts) {
        for (const domain of hostile) {
          const { status, result } = runLocal(script, ['--domain', domain, '--user', 'safe_user']);
          expect({ script, domain, status, ok: result.ok }).toEqual({ script, domain, status: 2, ok: false });
        }
        for (const user of hostileUsers) {
          const { status, result } = runLocal(script, ['--domain', 'example.com', '--user', user]);
          expect({ script, user, status, error: result.error }).toEqual({ script, user, status: 2, error: expect.stringMatching(/user/) });
        }
      }
      expect(passwd()).toBe(before);
      expect(fs.readdirSync(inRoot('home'))).toEqual(homes);
    });

    it('reject hostile stdin lines, unknown keys and repeated keys with exit 2', () => {
      const cases = [
        'domain=$(id).com\nuser=safe_user\n',
        'domain=example.com\nuser=`id`\n',
        'domain=example.com\nuser=safe_user\nuser=root\n',
        'domain=example.com\nuser=safe_user\nexec=/bin/sh\n',
        'domain=../../etc\nuser=safe_user\n',
        'user=safe_user\n',
      ];
      for (const input of cases) {
        const { status, result } = runLocal('create_client_site.sh', [], input);
        expect({ input, status, ok: result.ok }).toEqual({ input, status: 2, ok: false });
      }
      expect(passwd()).not.toContain('safe_user');
    });

    it('refuse a host root that climbs out of its directory', () => {
      const r = spawnSync('bash', [path.join(scriptsDir, 'create_client_site.sh'), '--domain', 'example.com', '--user', 'safe_user'], {
        encoding: 'utf8',
        env: { ...process.env, MPANEL_HOST_ROOT: `${hostRoot}/../..` },
      });
      expect(r.status).toBe(2);
      expect(JSON.parse(r.stdout)).toEqual({ ok: false, error: 'MPANEL_HOST_ROOT must be an absolute path of plain characters' });
    });
  });
});

describe('a server in trouble', () => {
  let broken: SshdPeer;
  let brokenTarget: SshTarget;
  let slowScripts: string;

  beforeAll(async () => {
    // A host root without nginx: the real scripts fail there with exit 1.
    const bare = path.join(tmp, 'bare-root');
    fs.mkdirSync(bare, { recursive: true });
    broken = await startSshd({
      dir: path.join(tmp, 'sshd-broken'),
      hostRoot: bare,
      authorizedKeys: [fs.readFileSync(`${privateKeyPath}.pub`, 'utf8')],
    });
    peers.push(broken);
    brokenTarget = { host: '127.0.0.1', port: broken.port, username: broken.username, hostKeyFingerprint: broken.hostKeyFingerprint };
    // A scripts directory whose health check hangs, to see the command timeout.
    slowScripts = path.join(tmp, 'slow-scripts');
    fs.mkdirSync(slowScripts, { recursive: true });
    fs.writeFileSync(path.join(slowScripts, 'health_check.sh'), '#!/bin/bash\necho "still thinking" >&2\nexec sleep 3\n', { mode: 0o755 });
  });

  it('a failure other than bad input is retryable and carries the stderr tail', async () => {
    const err = await farSideFailure(createSite(clientWith(), brokenTarget, { domain: 'example.com', systemUser: 'example_com' }));
    expect(err.retryable).toBe(true);
    expect(err.message).toBe(`create_client_site on 127.0.0.1:${broken.port} failed (exit 1): nginx is not installed here (${path.join(tmp, 'bare-root')}/etc/nginx is missing)`);
    expect(err.opts.details).toMatchObject({ exitCode: 1, script: 'create_client_site', stderrTail: expect.any(String) });
  });

  it('a script that runs too long is cut off, retryably, with what it said so far', async () => {
    const err = await farSideFailure(clientWith({ scriptsDir: slowScripts, commandTimeoutMs: 500 }).probe(brokenTarget));
    expect(err.retryable).toBe(true);
    expect(err.message).toBe(`health on 127.0.0.1:${broken.port} did not finish within 500ms`);
    expect(err.opts.details).toMatchObject({ stderrTail: 'still thinking\n' });
  });

  it('a script that is missing says so', async () => {
    const err = await farSideFailure(
      clientWith({ scriptsDir: slowScripts }).runScript(brokenTarget, 'create_client_site', { domain: 'example.com', user: 'example_com' }),
    );
    expect(err.message).toMatch(/failed \(exit 127\): .*create_client_site\.sh not found: is mPanel's host kit installed\?/);
    expect(err.opts.details).toMatchObject({ exitCode: 127 });
  });
});
