/**
 * A real OpenSSH server on 127.0.0.1 for tests and the local demo: its own host key, config,
 * authorized_keys and pid file in `dir`, and `MPANEL_HOST_ROOT` set for every session so the
 * host scripts it runs write into a sandbox directory instead of the machine's /etc and /home.
 * Node's standard library only: imported by jest tests and by scripts/start.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface SshdPeer {
  port: number;
  /** `SHA256:<base64, no padding>`, as `ssh-keygen -l` prints it. */
  hostKeyFingerprint: string;
  /** The account sessions log in as: the one running sshd (an sshd not run as root can serve no other). */
  username: string;
  stop(): Promise<void>;
}

/** Paths end up in sshd_config and nginx.conf lines: keep them to characters that need no quoting. */
const PLAIN_PATH = /^\/[A-Za-z0-9._\/-]+$/;

function plainPath(what: string, p: string): string {
  const abs = path.resolve(p);
  if (!PLAIN_PATH.test(abs)) throw new Error(`${what} must be a path of plain characters: ${abs}`);
  return abs;
}

function program(name: string): string {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* keep looking */
    }
  }
  throw new Error(`${name} is not installed (Debian: openssh-server / openssh-client / nginx-light)`);
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  return r.stdout;
}

/** SHA256 fingerprint of a public key file, from ssh-keygen itself. */
export function fingerprintOf(publicKeyPath: string): string {
  const out = run(program('ssh-keygen'), ['-l', '-E', 'sha256', '-f', publicKeyPath]);
  const fp = out.split(/\s+/).find((w) => w.startsWith('SHA256:'));
  if (!fp) throw new Error(`ssh-keygen printed no SHA256 fingerprint for ${publicKeyPath}`);
  return fp;
}

/** A fresh ed25519 key pair in `dir` (no passphrase), for a client mPanel's worker would hold. */
export function generateClientKey(dir: string): { privateKeyPath: string; publicKey: string } {
  fs.mkdirSync(dir, { recursive: true });
  const privateKeyPath = path.join(dir, 'id_ed25519');
  fs.rmSync(privateKeyPath, { force: true });
  fs.rmSync(`${privateKeyPath}.pub`, { force: true });
  run(program('ssh-keygen'), ['-q', '-t', 'ed25519', '-N', '', '-C', 'mpanel-worker', '-f', privateKeyPath]);
  return { privateKeyPath, publicKey: fs.readFileSync(`${privateKeyPath}.pub`, 'utf8').trim() };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something on the port speaks SSH (sends its identification line). */
function sshAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('data', (buf) => done(buf.toString('latin1').startsWith('SSH-')));
    socket.once('error', () => done(false));
  });
}

export async function startSshd(opts: { dir: string; port?: number; hostRoot: string; authorizedKeys: string[] }): Promise<SshdPeer> {
  const dir = plainPath('the sshd directory', opts.dir);
  const hostRoot = plainPath('the host root', opts.hostRoot);
  const sshd = program('sshd'); // absolute: sshd re-executes itself for each connection
  const username = os.userInfo().username;
  fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation directory

  const hostKey = path.join(dir, 'ssh_host_ed25519_key');
  if (!fs.existsSync(hostKey)) run(program('ssh-keygen'), ['-q', '-t', 'ed25519', '-N', '', '-C', 'mpanel-test-sshd', '-f', hostKey]);
  const authorizedKeys = path.join(dir, 'authorized_keys');
  fs.writeFileSync(authorizedKeys, opts.authorizedKeys.map((k) => `${k.trim()}\n`).join(''), { mode: 0o600 });

  const port = opts.port ?? (await freePort());
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      `AllowUsers ${username}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'PermitTTY no',
      'X11Forwarding no',
      'AllowTcpForwarding no',
      'AllowAgentForwarding no',
      'PrintMotd no',
      'LogLevel VERBOSE',
      `SetEnv MPANEL_HOST_ROOT=${hostRoot}`,
      '',
    ].join('\n'),
  );
  // The sandbox is what keeps the host scripts off this machine's /etc: refuse to start without it.
  const effective = run(sshd, ['-T', '-f', config]);
  if (!effective.split('\n').some((l) => l.trim() === `setenv MPANEL_HOST_ROOT=${hostRoot}`)) {
    throw new Error(`sshd did not take "SetEnv MPANEL_HOST_ROOT=${hostRoot}" from ${config}`);
  }

  const child = spawn(sshd, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (b: Buffer) => {
    log = (log + b.toString()).slice(-8000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const until = Date.now() + 10_000;
  while (!(await sshAnswers(port))) {
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`sshd on 127.0.0.1:${port} did not come up:\n${log.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    port,
    hostKeyFingerprint: fingerprintOf(`${hostKey}.pub`),
    username,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Lays out a web server's file system under `root` for the host scripts (MPANEL_HOST_ROOT):
 * passwd/group/shadow/gshadow and login.defs for `useradd --prefix`, nginx's directories with
 * Debian's fastcgi snippets, php-fpm pool directories, and an nginx.conf for `nginx -t` whose
 * pid, logs and temp paths stay inside the sandbox. Idempotent.
 */
export function prepareHostRoot(root: string, opts: { phpVersions?: string[] } = {}): { root: string; nginxConf: string } {
  const r = plainPath('the host root', root);
  const p = (...parts: string[]) => path.join(r, ...parts);
  for (const d of ['etc/skel', 'etc/nginx/sites-available', 'etc/nginx/sites-enabled', 'etc/nginx/snippets', 'home', 'run/lock', 'run/php', 'var/log/nginx', 'var/lib/nginx', 'var/backups']) {
    fs.mkdirSync(p(d), { recursive: true });
  }
  for (const v of opts.phpVersions ?? ['8.2']) fs.mkdirSync(p('etc/php', v, 'fpm/pool.d'), { recursive: true });

  const seed = (file: string, content: string, mode = 0o644) => {
    if (!fs.existsSync(p(file))) fs.writeFileSync(p(file), content, { mode });
  };
  seed('etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');
  seed('etc/group', 'root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n');
  seed('etc/shadow', 'root:*:19000:0:99999:7:::\nwww-data:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n', 0o600);
  seed('etc/gshadow', 'root:*::\nwww-data:*::\nnogroup:*::\n', 0o600);
  seed('etc/login.defs', 'UID_MIN 1000\nUID_MAX 60000\nGID_MIN 1000\nGID_MAX 60000\nUSERGROUPS_ENAB yes\n');

  // Debian's own files where nginx is installed, so the vhost is checked against what production includes.
  const fromDebian = (file: string, fallback: string) => {
    const src = path.join('/etc/nginx', file);
    if (fs.existsSync(src)) fs.copyFileSync(src, p('etc/nginx', file));
    else seed(path.join('etc/nginx', file), fallback);
  };
  fromDebian('mime.types', 'types {\n    text/html html htm;\n    text/css css;\n    application/javascript js;\n}\n');
  fromDebian('fastcgi.conf', 'fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\nfastcgi_param QUERY_STRING $query_string;\nfastcgi_param REQUEST_METHOD $request_method;\n');
  fromDebian(
    'snippets/fastcgi-php.conf',
    'fastcgi_split_path_info ^(.+?\\.php)(/.*)$;\ntry_files $fastcgi_script_name =404;\nset $path_info $fastcgi_path_info;\nfastcgi_param PATH_INFO $path_info;\nfastcgi_index index.php;\ninclude fastcgi.conf;\n',
  );

  const nginxConf = p('etc/nginx/nginx.conf');
  fs.writeFileSync(
    nginxConf,
    [
      '# For `nginx -t` against the sandbox only; never started as a server.',
      `pid ${p('run/nginx.pid')};`,
      `error_log ${p('var/log/nginx/error.log')};`,
      'events {}',
      'http {',
      '    include mime.types;',
      `    access_log ${p('var/log/nginx/access.log')};`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${p('var/lib/nginx', t)};`),
      `    include ${p('etc/nginx/sites-enabled')}/*.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  return { root: r, nginxConf };
}

/** `nginx -t` on the sandbox's nginx.conf (see prepareHostRoot). */
export function nginxConfigTest(root: string): { ok: boolean; output: string } {
  const r = plainPath('the host root', root);
  const res = spawnSync(program('nginx'), ['-t', '-e', path.join(r, 'var/log/nginx/error.log'), '-c', path.join(r, 'etc/nginx/nginx.conf')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { ok: res.status === 0, output: `${res.stdout}${res.stderr}`.trim() };
}
