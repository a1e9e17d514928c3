/**
 * A real PowerDNS Authoritative server (LMDB backend) on loopback, for the tests and for
 * `npm start`. Everything it writes — config, database, control socket, log, pid — stays under
 * the given directory. Standard library only: scripts and jest tests both import this file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

export const PDNS_SERVER = '/usr/sbin/pdns_server';
const DEFAULT_SOA = 'ns1.example.net. hostmaster.@ 0 10800 3600 604800 3600';
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export interface PowerDnsOptions {
  /** Directory of this instance; created when missing. */
  dir: string;
  /** DNS (UDP + TCP) port on 127.0.0.1; a free one when omitted. */
  dnsPort?: number;
  /** HTTP API port on 127.0.0.1; a free one when omitted. */
  apiPort?: number;
  apiKey: string;
  /** SOA of zones created without one; `@` stands for the zone name. */
  defaultSoaContent?: string;
}

export interface PowerDnsInstance {
  dnsPort: number;
  apiPort: number;
  /** http://127.0.0.1:<apiPort>/api/v1 */
  apiUrl: string;
  apiKey: string;
  pid: number;
  stop(): Promise<void>;
}

/** A port free for both TCP and UDP on 127.0.0.1 right now (DNS listens on both). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const { port: p } = srv.address() as net.AddressInfo;
        srv.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const sock = dgram.createSocket('udp4');
      sock.once('error', () => resolve(false));
      sock.bind(port, '127.0.0.1', () => sock.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free port for PowerDNS on 127.0.0.1');
}

function configText(opts: { dir: string; dnsPort: number; apiPort: number; apiKey: string; soa: string }): string {
  // One setting per line: a newline in a value would let it write settings of its own.
  if (!/^[\x21-\x7e]+$/.test(opts.apiKey)) throw new Error('PowerDNS API key must be printable ASCII without spaces');
  if (!/^[A-Za-z0-9.@ -]+$/.test(opts.soa)) throw new Error(`invalid default SOA content: ${opts.soa}`);
  if (/[\s#]/.test(opts.dir)) throw new Error(`PowerDNS directory must not contain spaces or #: ${opts.dir}`);
  return [
    'launch=lmdb',
    `lmdb-filename=${path.join(opts.dir, 'pdns.lmdb')}`,
    'lmdb-shards=1',
    `local-address=127.0.0.1:${opts.dnsPort}`,
    'api=yes',
    `api-key=${opts.apiKey}`,
    'webserver=yes',
    'webserver-address=127.0.0.1',
    `webserver-port=${opts.apiPort}`,
    'webserver-allow-from=127.0.0.1',
    `socket-dir=${opts.dir}`,
    'daemon=no',
    'guardian=no',
    'disable-syslog=yes',
    'security-poll-suffix=',
    `default-soa-content=${opts.soa}`,
    '',
  ].join('\n');
}

/** True when the API on `port` answers 200 to `apiKey`. */
export function powerDnsAnswers(apiPort: number, apiKey: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: '127.0.0.1', port: apiPort, path: '/api/v1/servers/localhost', headers: { 'X-API-Key': apiKey }, timeout: timeoutMs },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Only a pdns_server started for `dir` may be stopped by a pid read back from disk: pids get reused. */
function isOurServer(pid: number, dir: string): boolean {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return path.basename(argv[0]) === 'pdns_server' && argv.includes(`--config-dir=${dir}`);
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function stopPid(pid: number): Promise<void> {
  if (!alive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const until = Date.now() + STOP_TIMEOUT_MS;
  while (Date.now() < until) {
    if (!alive(pid)) return;
    await sleep(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  while (alive(pid)) await sleep(20);
}

function logTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-8).join('\n');
  } catch {
    return '';
  }
}

interface Launch {
  child: ChildProcess;
  dnsPort: number;
  apiPort: number;
}

/** Writes the config and starts pdns_server; resolves once the API answers, rejects if it exits first. */
async function launch(opts: PowerDnsOptions & { dnsPort: number; apiPort: number; detached: boolean }): Promise<Launch> {
  if (!fs.existsSync(PDNS_SERVER)) throw new Error(`${PDNS_SERVER} not found: install pdns-server and pdns-backend-lmdb`);
  fs.mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const conf = configText({ ...opts, soa: opts.defaultSoaContent ?? DEFAULT_SOA });
  fs.writeFileSync(path.join(opts.dir, 'pdns.conf'), conf, { mode: 0o600 });
  const logFile = path.join(opts.dir, 'pdns.log');
  const logFd = fs.openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(PDNS_SERVER, [`--config-dir=${opts.dir}`], { stdio: ['ignore', logFd, logFd], detached: opts.detached });
  } finally {
    fs.closeSync(logFd);
  }
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = signal ?? String(code)));
  child.once('error', (err) => (exited = err.message));

  const until = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < until) {
    if (exited !== undefined) throw new Error(`pdns_server exited (${exited}) before answering:\n${logTail(logFile)}`);
    if (await powerDnsAnswers(opts.apiPort, opts.apiKey, 500)) return { child, dnsPort: opts.dnsPort, apiPort: opts.apiPort };
    await sleep(50);
  }
  if (child.pid) await stopPid(child.pid);
  throw new Error(`pdns_server did not answer on 127.0.0.1:${opts.apiPort} within ${READY_TIMEOUT_MS / 1000}s:\n${logTail(logFile)}`);
}

/** Starts with the given ports, or with free ones, trying again if another process took them first. */
async function launchOnPorts(opts: PowerDnsOptions, detached: boolean): Promise<Launch> {
  const fixed = opts.dnsPort !== undefined && opts.apiPort !== undefined;
  for (let attempt = 1; ; attempt++) {
    const dnsPort = opts.dnsPort ?? (await freePort());
    let apiPort = opts.apiPort ?? (await freePort());
    while (apiPort === dnsPort) apiPort = await freePort();
    try {
      return await launch({ ...opts, dnsPort, apiPort, detached });
    } catch (err) {
      if (fixed || attempt >= 3) throw err;
    }
  }
}

const instance = (l: Launch, apiKey: string, stop: () => Promise<void>): PowerDnsInstance => ({
  dnsPort: l.dnsPort,
  apiPort: l.apiPort,
  apiUrl: `http://127.0.0.1:${l.apiPort}/api/v1`,
  apiKey,
  pid: l.child.pid!,
  stop,
});

/**
 * A pdns_server owned by the calling process (tests): it is stopped by `stop()`, and killed
 * when this process exits without calling it.
 */
export async function startPowerDns(opts: PowerDnsOptions): Promise<PowerDnsInstance> {
  opts = { ...opts, dir: path.resolve(opts.dir) };
  const l = await launchOnPorts(opts, false);
  const pid = l.child.pid!;
  const killOnExit = () => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', killOnExit);
  return instance(l, opts.apiKey, async () => {
    process.removeListener('exit', killOnExit);
    await stopPid(pid);
  });
}

interface SavedState {
  pid: number;
  dnsPort: number;
  apiPort: number;
}

function readState(file: string): SavedState | undefined {
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedState;
    return Number.isInteger(s.pid) && Number.isInteger(s.dnsPort) && Number.isInteger(s.apiPort) ? s : undefined;
  } catch {
    return undefined;
  }
}

/**
 * For `npm start`: a pdns_server that outlives the starting process, recorded in `<dir>/pdns.pid`
 * (JSON: pid and ports). A second call reuses the running one when it still answers with the
 * same key, ports and config; otherwise that one is stopped and a fresh one started on the same
 * LMDB file, so zones survive restarts.
 */
export async function ensurePowerDnsRunning(opts: PowerDnsOptions): Promise<PowerDnsInstance & { status: 'reused' | 'started' }> {
  opts = { ...opts, dir: path.resolve(opts.dir) };
  const pidFile = path.join(opts.dir, 'pdns.pid');
  const saved = readState(pidFile);
  if (saved && alive(saved.pid) && isOurServer(saved.pid, opts.dir)) {
    const dnsPort = opts.dnsPort ?? saved.dnsPort;
    const apiPort = opts.apiPort ?? saved.apiPort;
    const wanted = configText({ dir: opts.dir, dnsPort, apiPort, apiKey: opts.apiKey, soa: opts.defaultSoaContent ?? DEFAULT_SOA });
    let current = '';
    try {
      current = fs.readFileSync(path.join(opts.dir, 'pdns.conf'), 'utf8');
    } catch {
      /* no config: not ours to reuse */
    }
    const same = current === wanted && dnsPort === saved.dnsPort && apiPort === saved.apiPort;
    if (same && (await powerDnsAnswers(apiPort, opts.apiKey))) {
      return {
        dnsPort,
        apiPort,
        apiUrl: `http://127.0.0.1:${apiPort}/api/v1`,
        apiKey: opts.apiKey,
        pid: saved.pid,
        stop: () => stopPid(saved.pid),
        status: 'reused',
      };
    }
    await stopPid(saved.pid);
  }
  let l: Launch;
  try {
    // Keep the ports of the last run when none are asked for, so URLs in .env stay valid.
    l = await launchOnPorts({ ...opts, dnsPort: opts.dnsPort ?? saved?.dnsPort, apiPort: opts.apiPort ?? saved?.apiPort }, true);
  } catch (err) {
    if (!saved || (opts.dnsPort !== undefined && opts.apiPort !== undefined)) throw err;
    l = await launchOnPorts(opts, true);
  }
  l.child.unref();
  const pid = l.child.pid!;
  fs.writeFileSync(pidFile, `${JSON.stringify({ pid, dnsPort: l.dnsPort, apiPort: l.apiPort })}\n`);
  return { ...instance(l, opts.apiKey, () => stopPid(pid)), status: 'started' };
}
