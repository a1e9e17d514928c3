/**
 * Makes sure the services mPanel needs answer: the PostgreSQL and Redis named in .env when they
 * answer, else local ones started under .data/ (only ever for 127.0.0.1 addresses), plus the
 * Debian programs the tests talk to. Idempotent: a second run reuses what the first started.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

export const root = path.resolve(__dirname, '..', '..');
export const dataDir = path.join(root, '.data');

export function log(msg: string) {
  console.log(`[mpanel] ${msg}`);
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function which(cmd: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin', ...extraDirs];
  for (const d of dirs) {
    const p = path.join(d, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* keep looking */
    }
  }
  return undefined;
}

let aptUpdated = false;

/** Installs Debian packages for the commands that are missing (root + apt only), else says what to install. */
export function ensureCommands(needs: Array<{ cmd: string; pkg: string; dirs?: string[] }>) {
  const missing = needs.filter((n) => !which(n.cmd, n.dirs));
  if (!missing.length) return;
  const pkgs = [...new Set(missing.flatMap((m) => m.pkg.split(' ')))];
  if (!isRoot() || !which('apt-get')) {
    throw new Error(`Missing programs: ${missing.map((m) => m.cmd).join(', ')}. Install the packages ${pkgs.join(' ')} and run again.`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    log('apt-get update…');
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    aptUpdated = true;
  }
  log(`installing ${pkgs.join(' ')}…`);
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: ['ignore', 'ignore', 'inherit'], env });
}

export function tcpOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000}s`);
}

async function postgresAnswers(url: string): Promise<boolean> {
  const u = new URL(url);
  u.pathname = '/postgres';
  const client = new Client({ connectionString: u.toString(), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function postgresBinDir(): string | undefined {
  const fromPath = which('pg_ctl');
  if (fromPath && which('initdb')) return path.dirname(fs.realpathSync(fromPath));
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return undefined;
  const versions = fs.readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (fs.existsSync(path.join(base, v, 'bin', 'pg_ctl'))) return path.join(base, v, 'bin');
  return undefined;
}

/** Runs a command as `nobody` when we are root: PostgreSQL refuses to run as root. */
function asServiceUser(cmd: string, args: string[]) {
  const full = isRoot() ? ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', cmd, ...args]] as const : [cmd, args] as const;
  const r = spawnSync(full[0], [...full[1]], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr || r.stdout}`);
  return r.stdout;
}

export async function ensurePostgres(url: string): Promise<'reused' | 'started'> {
  if (await postgresAnswers(url)) return 'reused';
  const u = new URL(url);
  if (!LOOPBACK.has(u.hostname)) throw new Error(`PostgreSQL at ${u.hostname}:${u.port || 5432} does not answer (DATABASE_URL); start it or point DATABASE_URL elsewhere`);
  const port = Number(u.port || 5432);
  let bin = postgresBinDir();
  if (!bin) {
    ensureCommands([{ cmd: 'pg_ctl', pkg: 'postgresql', dirs: fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin`) : [] }]);
    bin = postgresBinDir();
    if (!bin) throw new Error('PostgreSQL binaries not found after installing them');
  }
  const dir = path.join(dataDir, `postgres-${port}`);
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    log(`initialising a local PostgreSQL in ${path.relative(root, dir)}…`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (isRoot()) execFileSync('chown', ['-R', 'nobody:nogroup', dir]);
    asServiceUser(path.join(bin, 'initdb'), ['-D', dir, '-U', u.username || 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  }
  log(`starting local PostgreSQL on 127.0.0.1:${port}…`);
  asServiceUser(path.join(bin, 'pg_ctl'), ['-D', dir, '-w', '-l', path.join(dir, 'server.log'), '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir}`, 'start']);
  await waitFor('PostgreSQL', () => postgresAnswers(url));
  return 'started';
}

async function redisAnswers(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1500, () => done(false));
    socket.once('connect', () => socket.write(u.password ? `AUTH ${decodeURIComponent(u.password)}\r\nPING\r\n` : 'PING\r\n'));
    socket.on('data', (buf) => done(buf.toString().includes('+PONG')));
    socket.once('error', () => done(false));
  });
}

export async function ensureRedis(url: string): Promise<'reused' | 'started'> {
  if (await redisAnswers(url)) return 'reused';
  const u = new URL(url);
  if (!LOOPBACK.has(u.hostname)) throw new Error(`Redis at ${u.hostname}:${u.port || 6379} does not answer (REDIS_URL); start it or point REDIS_URL elsewhere`);
  const port = Number(u.port || 6379);
  ensureCommands([{ cmd: 'redis-server', pkg: 'redis-server' }]);
  const dir = path.join(dataDir, `redis-${port}`);
  fs.mkdirSync(dir, { recursive: true });
  log(`starting local Redis on 127.0.0.1:${port}…`);
  execFileSync(which('redis-server')!, [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction',
    '--daemonize', 'yes', '--dir', dir, '--logfile', path.join(dir, 'redis.log'), '--pidfile', path.join(dir, 'redis.pid'),
  ]);
  await waitFor('Redis', () => redisAnswers(url));
  return 'started';
}

/** Programs the test suite runs for real on loopback. */
export const TEST_PROGRAMS = [
  { cmd: 'pdns_server', pkg: 'pdns-server pdns-backend-lmdb' },
  { cmd: 'sshd', pkg: 'openssh-server' },
  { cmd: 'ssh-keygen', pkg: 'openssh-client' },
  { cmd: 'nginx', pkg: 'nginx-light' },
  { cmd: 'dig', pkg: 'dnsutils' },
  { cmd: 'chromium', pkg: 'chromium' },
];

export function loadDotenv() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('dotenv').config({ path: path.join(root, '.env'), quiet: true });
}

export const cpuCount = () => os.availableParallelism?.() ?? os.cpus().length;
