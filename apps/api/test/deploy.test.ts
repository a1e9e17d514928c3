/**
 * The deployment files in deploy/ and docker-compose.yml. The nginx sites are checked with Debian's
 * `nginx -t` and then run for real on loopback in front of a small HTTP server standing in for the
 * API, so the proxy headers, the SPA fallback, caching, gzip and the body limit are observed, not
 * read. The compose file goes through `docker-compose config` when that command exists; the
 * systemd units are parsed and, when systemd-analyze exists, verified by it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { envSchema } from '../src/config/env';

const repo = path.resolve(__dirname, '../../..');
const deployDir = path.join(repo, 'deploy');
const SITE = 'mpanel.migrahosting.com';

function which(cmd: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin']) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* keep looking */
    }
  }
  return undefined;
}

/** Replaces every occurrence of `from`, failing when there is none, so a reshaped config breaks the test loudly. */
function rewrite(text: string, from: string | RegExp, to: string): string {
  const found = typeof from === 'string' ? text.includes(from) : from.test(text);
  if (!found) throw new Error(`expected ${String(from)} in the config`);
  return typeof from === 'string' ? text.split(from).join(to) : text.replace(new RegExp(from.source, from.flags.includes('g') ? from.flags : `${from.flags}g`), to);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A directory nginx's workers (nobody, when the tests run as root) can read. */
function readableDir(...parts: string[]): string {
  const dir = path.join(...parts);
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** A wrapper nginx.conf whose pid, logs and temp files all live in `dir`, around one site file. */
function wrapperConf(dir: string, site: string): string {
  const conf = path.join(dir, 'nginx.conf');
  const mime = fs.existsSync('/etc/nginx/mime.types') ? 'include /etc/nginx/mime.types;' : 'types { text/html html; application/javascript js; }';
  fs.writeFileSync(
    conf,
    `pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
worker_processes 1;
events { worker_connections 64; }
http {
  ${mime}
  default_type application/octet-stream;
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/tmp-body;
  proxy_temp_path ${dir}/tmp-proxy;
  fastcgi_temp_path ${dir}/tmp-fastcgi;
  uwsgi_temp_path ${dir}/tmp-uwsgi;
  scgi_temp_path ${dir}/tmp-scgi;
  include ${site};
}
`,
  );
  return conf;
}

/** `nginx -t -q`: quiet unless something is wrong, so any output is a warning or an error. */
function nginxTest(dir: string, conf: string): { ok: boolean; output: string } {
  const r = spawnSync('nginx', ['-t', '-q', '-p', dir, '-e', path.join(dir, 'error.log'), '-c', conf], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const output = `${r.stdout}${r.stderr}`
    .split('\n')
    // nginx >= 1.25.1 prefers `http2 on;`, which the 1.22 of Debian 12 does not know; the form that works on both warns there.
    .filter((l) => l.trim() && !/"listen \.\.\. http2" directive is deprecated/.test(l))
    .join('\n');
  return { ok: r.status === 0, output };
}

async function startNginx(dir: string, conf: string, port: number): Promise<ChildProcess> {
  const child = spawn('nginx', ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b) => (stderr += b));
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}${fs.readFileSync(path.join(dir, 'error.log'), 'utf8')}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (open) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`nginx did not listen on ${port}: ${stderr}`);
}

async function stopNginx(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Stands in for the API: answers with what it received, and a large JSON body at /api/big. */
interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
}
async function startEcho(): Promise<{ port: number; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      const body = req.url === '/api/big' ? JSON.stringify({ plans: Array.from({ length: 200 }, (_, i) => ({ slug: `plan-${i}`, priceCents: i })) }) : JSON.stringify({ ok: true });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    seen,
    close: () => new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections())),
  };
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<Reply> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      { method: opts.method ?? 'GET', headers: { host: SITE, ...opts.headers }, rejectUnauthorized: false, servername: SITE, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    // nginx may answer 413 and close before the whole body is sent.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    req.end(opts.body);
  });
}

/** A self-signed certificate for the site, made with openssl. */
function selfSignedCert(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${SITE}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) throw new Error(`openssl could not make a test certificate: ${r.stderr || r.error?.message}`);
  return { cert, key };
}

/** A built SPA as nginx would find it. */
function fakeDist(dir: string): string {
  const dist = readableDir(dir, 'dist');
  readableDir(dist, 'assets');
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>mPanel</title><div id="root"></div>');
  fs.writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log("mPanel");\n'.repeat(200));
  for (const f of ['index.html', 'assets/index-abc123.js']) fs.chmodSync(path.join(dist, f), 0o644);
  return dist;
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mpanel-deploy-'));
  fs.chmodSync(tmp, 0o755);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('deploy/nginx/mpanel.conf (panel host)', () => {
  const source = fs.readFileSync(path.join(deployDir, 'nginx/mpanel.conf'), 'utf8');
  let dir: string;
  let cert: { cert: string; key: string };

  /** The site with its certificate and log paths pointed into the test directory. */
  const withTestPaths = (text: string) => {
    let t = rewrite(text, `/etc/letsencrypt/live/${SITE}/fullchain.pem`, cert.cert);
    t = rewrite(t, `/etc/letsencrypt/live/${SITE}/privkey.pem`, cert.key);
    return rewrite(t, '/var/log/nginx/', `${dir}/`);
  };

  beforeAll(() => {
    dir = readableDir(tmp, 'site');
    cert = selfSignedCert(dir);
  });

  it('passes nginx -t as written (only the certificate and log paths moved)', () => {
    const site = path.join(dir, 'mpanel.conf');
    fs.writeFileSync(site, withTestPaths(source));
    const result = nginxTest(dir, wrapperConf(dir, site));
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('rejects a broken copy (the check can fail)', () => {
    const site = path.join(dir, 'broken.conf');
    fs.writeFileSync(site, withTestPaths(source).replace('proxy_pass http://mpanel_api;', 'proxy_pass http://mpanel_api'));
    expect(nginxTest(dir, wrapperConf(dir, site)).ok).toBe(false);
  });

  describe('running on loopback in front of a stand-in API', () => {
    let nginx: ChildProcess | undefined;
    let echo: Awaited<ReturnType<typeof startEcho>>;
    let httpsUrl: string;
    let httpUrl: string;

    beforeAll(async () => {
      echo = await startEcho();
      const [httpPort, httpsPort] = [await freePort(), await freePort()];
      let t = withTestPaths(source);
      t = rewrite(t, /^\s*listen \[::\]:(80|443)[^;]*;\n/m, '');
      t = rewrite(t, 'listen 80;', `listen 127.0.0.1:${httpPort};`);
      t = rewrite(t, 'listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`);
      t = rewrite(t, 'server 127.0.0.1:2271;', `server 127.0.0.1:${echo.port};`);
      t = rewrite(t, 'root /opt/mpanel/apps/admin/dist;', `root ${fakeDist(dir)};`);
      const site = path.join(dir, 'running.conf');
      fs.writeFileSync(site, t);
      nginx = await startNginx(dir, wrapperConf(dir, site), httpsPort);
      httpsUrl = `https://127.0.0.1:${httpsPort}`;
      httpUrl = `http://127.0.0.1:${httpPort}`;
    });
    afterAll(async () => {
      await stopNginx(nginx);
      await echo?.close();
    });

    it('proxies /api with the path, X-Forwarded-* and the caller’s request id', async () => {
      const res = await request(`${httpsUrl}/api/public/plans?type=VPS`, { headers: { 'x-request-id': 'srv1-req-0001', 'x-forwarded-for': '203.0.113.9' } });
      expect(res.status).toBe(200);
      const seen = echo.seen.at(-1)!;
      expect(seen.url).toBe('/api/public/plans?type=VPS');
      expect(seen.headers.host).toBe(SITE);
      expect(seen.headers['x-request-id']).toBe('srv1-req-0001');
      expect(seen.headers['x-forwarded-proto']).toBe('https');
      expect(seen.headers['x-forwarded-host']).toBe(SITE);
      // A client-sent X-Forwarded-For is kept, with the real peer appended: the API trusts only the last hop.
      expect(seen.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
      expect(seen.headers['x-real-ip']).toBe('127.0.0.1');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    });

    it('gives a request without an id one of nginx’s', async () => {
      await request(`${httpsUrl}/api/public/health`);
      expect(echo.seen.at(-1)!.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    });

    it('gzips JSON for clients that accept it', async () => {
      const res = await request(`${httpsUrl}/api/big`, { headers: { 'accept-encoding': 'gzip' } });
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(JSON.parse(zlib.gunzipSync(res.body).toString()).plans).toHaveLength(200);
    });

    it('refuses bodies over client_max_body_size before they reach the API', async () => {
      const before = echo.seen.length;
      const res = await request(`${httpsUrl}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(3 * 1024 * 1024, 0x20) });
      expect(res.status).toBe(413);
      expect(echo.seen.length).toBe(before);
    });

    it('serves the SPA for client-side routes, revalidated', async () => {
      const res = await request(`${httpsUrl}/orders/ord_123`);
      expect(res.status).toBe(200);
      expect(res.body.toString()).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    });

    it('caches fingerprinted assets for good and answers a missing one with 404, not the SPA', async () => {
      const asset = await request(`${httpsUrl}/assets/index-abc123.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers['cache-control']).toContain('immutable');
      expect((await request(`${httpsUrl}/assets/missing-000.js`)).status).toBe(404);
    });

    it('redirects plain HTTP to HTTPS', async () => {
      const res = await request(`${httpUrl}/orders?page=2`);
      expect(res.status).toBe(301);
      expect(res.headers.location).toBe(`https://${SITE}/orders?page=2`);
    });
  });
});

describe('deploy/nginx/docker-admin.conf (admin container)', () => {
  const source = fs.readFileSync(path.join(deployDir, 'nginx/docker-admin.conf'), 'utf8');
  let dir: string;

  beforeAll(() => {
    dir = readableDir(tmp, 'admin');
  });

  // The API is found through Docker's DNS at request time, so the file passes nginx -t unchanged
  // even where the `api` host does not resolve.
  it('passes nginx -t as written', () => {
    const site = path.join(dir, 'default.conf');
    fs.writeFileSync(site, source);
    const result = nginxTest(dir, wrapperConf(dir, site));
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('serves the SPA and proxies /api when the api service is reachable', async () => {
    const echo = await startEcho();
    const port = await freePort();
    let t = rewrite(source, 'listen 8080;', `listen 127.0.0.1:${port};`);
    t = rewrite(t, 'http://api:2271', `http://127.0.0.1:${echo.port}`);
    t = rewrite(t, 'root /usr/share/nginx/html;', `root ${fakeDist(dir)};`);
    const site = path.join(dir, 'running.conf');
    fs.writeFileSync(site, t);
    const nginx = await startNginx(dir, wrapperConf(dir, site), port);
    try {
      const api = await request(`http://127.0.0.1:${port}/api/orders?page=2`, { headers: { 'x-request-id': 'admin-req-0001' } });
      expect(api.status).toBe(200);
      const seen = echo.seen.at(-1)!;
      expect(seen.url).toBe('/api/orders?page=2');
      expect(seen.headers['x-request-id']).toBe('admin-req-0001');
      expect(seen.headers['x-forwarded-proto']).toBe('http');
      const spa = await request(`http://127.0.0.1:${port}/servers/srv_1`);
      expect(spa.status).toBe(200);
      expect(spa.body.toString()).toContain('<div id="root">');
    } finally {
      await stopNginx(nginx);
      await echo.close();
    }
  });
});

describe('docker-compose.yml', () => {
  const composeFile = path.join(repo, 'docker-compose.yml');
  const text = fs.readFileSync(composeFile, 'utf8');
  const compose = which('docker-compose');

  it('starts the entry points the build produces', () => {
    const entries = [...text.matchAll(/"node", "(apps\/api\/dist\/src\/[^"]+)\.js"/g)].map((m) => m[1]);
    expect(entries.sort()).toEqual(['apps/api/dist/src/cli/migrate', 'apps/api/dist/src/server', 'apps/api/dist/src/worker']);
    // dist/src/<x>.js is compiled from src/<x>.ts (apps/api/tsconfig.build.json, rootDir ".").
    for (const e of entries) expect(fs.existsSync(path.join(repo, `${e.replace('/dist/src/', '/src/')}.ts`))).toBe(true);
    for (const f of ['deploy/docker/api.Dockerfile', 'deploy/docker/admin.Dockerfile', 'deploy/nginx/docker-admin.conf']) expect(fs.existsSync(path.join(repo, f))).toBe(true);
  });

  (compose ? it : it.skip)(
    compose ? 'passes docker-compose config, with the six services' : 'docker-compose config — skipped: docker-compose is not installed (apt-get install docker-compose)',
    () => {
      // A project directory of its own, with .env from .env.example: the check does not depend on
      // (or print) a developer's .env.
      const project = readableDir(tmp, 'compose');
      fs.copyFileSync(path.join(repo, '.env.example'), path.join(project, '.env'));
      const run = (...args: string[]) =>
        spawnSync(compose!, ['--project-directory', project, '-f', composeFile, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const quiet = run('config', '-q');
      expect(quiet.stderr.trim()).toBe('');
      expect(quiet.status).toBe(0);
      const services = run('config', '--services');
      expect(services.stdout.trim().split('\n').sort()).toEqual(['admin', 'api', 'migrate', 'postgres', 'redis', 'worker']);
    },
  );
});

describe('deploy/systemd units', () => {
  type Ini = Record<string, Record<string, string[]>>;
  function parseUnit(file: string): Ini {
    const ini: Ini = {};
    let section = '';
    for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#') || line.startsWith(';')) continue;
      const header = /^\[(.+)\]$/.exec(line);
      if (header) {
        section = header[1];
        ini[section] ??= {};
        continue;
      }
      const eq = line.indexOf('=');
      if (eq < 0 || !section) throw new Error(`${path.basename(file)}: cannot parse "${line}"`);
      const key = line.slice(0, eq).trim();
      (ini[section][key] ??= []).push(line.slice(eq + 1).trim());
    }
    return ini;
  }
  const seconds = (v: string) => {
    let total = 0;
    for (const [, n, unit] of v.matchAll(/(\d+)\s*(ms|min|s|m|h)?/g)) total += Number(n) * ({ ms: 0.001, s: 1, min: 60, m: 60, h: 3600 }[unit ?? 's'] ?? 1);
    return total;
  };

  // server.ts exits 10 s after SIGTERM at the latest; worker.ts after WORKER_SHUTDOWN_GRACE_MS + 15 s.
  const workerGraceSec = envSchema.shape.WORKER_SHUTDOWN_GRACE_MS.parse(undefined) / 1000;
  const units = [
    { name: 'mpanel-api.service', entry: 'apps/api/dist/src/server.js', minStopSec: 10 },
    { name: 'mpanel-worker.service', entry: 'apps/api/dist/src/worker.js', minStopSec: workerGraceSec + 15 },
  ];

  it.each(units)('$name runs the entry point as mpanel with the env file, restarts and hardening', ({ name, entry, minStopSec }) => {
    const unit = parseUnit(path.join(deployDir, 'systemd', name));
    const svc = unit.Service;
    const one = (k: string) => {
      expect(svc[k]).toHaveLength(1);
      return svc[k][0];
    };
    expect(one('User')).toBe('mpanel');
    expect(one('EnvironmentFile')).toBe('/etc/mpanel/mpanel.env');
    expect(one('Restart')).toBe('on-failure');
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(seconds(one('TimeoutStopSec'))).toBeGreaterThan(minStopSec);
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(svc.ReadWritePaths.flatMap((v) => v.split(/\s+/))).toContain('/var/log/mpanel');
    const [node, script] = one('ExecStart').split(/\s+/);
    expect(path.isAbsolute(node)).toBe(true);
    expect(script).toBe(`/opt/mpanel/${entry}`);
    expect(fs.existsSync(path.join(repo, entry.replace('/dist/src/', '/src/').replace(/\.js$/, '.ts')))).toBe(true);
    expect(unit.Install.WantedBy).toEqual(['multi-user.target']);
  });

  const analyze = which('systemd-analyze');
  (analyze ? it : it.skip)(analyze ? 'pass systemd-analyze verify without a warning' : 'systemd-analyze verify — skipped: systemd-analyze is not installed', () => {
    const dir = readableDir(tmp, 'units');
    const files = units.map(({ name }) => {
      // The node binary may live elsewhere on this machine; verify checks that it is executable.
      const text = fs.readFileSync(path.join(deployDir, 'systemd', name), 'utf8').replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`);
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    });
    const r = spawnSync(analyze!, ['verify', ...files], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const aboutOurs = `${r.stdout}${r.stderr}`.split('\n').filter((l) => files.some((f) => l.includes(path.basename(f))));
    expect(aboutOurs).toEqual([]);
    expect(r.status).toBe(0);
  });
});
