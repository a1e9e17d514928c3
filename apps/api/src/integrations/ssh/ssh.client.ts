import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { Client, type ClientChannel } from 'ssh2';
import { FarSideError } from '../errors';

/**
 * Runs mPanel's host scripts on a web server over SSH. The remote command is one of a fixed set
 * of script paths and is never built from input: arguments travel on the script's stdin as
 * `key=value` lines, and the script validates them again. The server's host key is checked
 * against the fingerprint pinned on its row; with none pinned, the one seen is returned so the
 * caller can pin it (trust on first use).
 */

/** The scripts a web server offers, by name → file under the scripts directory. */
export const HOST_SCRIPT_FILES = {
  create_client_site: 'create_client_site.sh',
  suspend_client_site: 'suspend_client_site.sh',
  unsuspend_client_site: 'unsuspend_client_site.sh',
  terminate_client_site: 'terminate_client_site.sh',
  health: 'health_check.sh',
  run_backup: 'run_backup.sh',
} as const;

export type HostScript = keyof typeof HOST_SCRIPT_FILES;

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  /** `SHA256:…` pinned for this server, or null to accept and report the key seen. */
  hostKeyFingerprint: string | null;
}

export interface ScriptRun {
  /** The JSON line the script printed. */
  result: unknown;
  /** The fingerprint of the host key the server presented (equal to the pinned one, if any). */
  hostKeyFingerprint: string;
  stderr: string;
}

export interface SshClientOptions {
  /** File holding the private key; read at each connection, never logged or returned. */
  privateKeyPath: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** Absolute directory on the web server holding the scripts (e.g. /opt/mpanel/host). */
  scriptsDir: string;
  /** Prefix the script with `sudo -n` (an unprivileged login allowed by a sudoers entry). */
  useSudo: boolean;
}

const PLAIN_DIR = /^\/[A-Za-z0-9._\/-]*$/;
const ARG_KEY = /^[a-z][a-z_]{0,31}$/;
const ARG_VALUE = /^[^\0\r\n]{0,1024}$/;
const OUTPUT_LIMIT = 256 * 1024;
const STDERR_TAIL = 2000;

/** `SHA256:<base64 without padding>` of a raw SSH public key blob, as `ssh-keygen -l` prints it. */
export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${crypto.createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

const sameFingerprint = (a: string, b: string) => a.replace(/=+$/, '') === b.replace(/=+$/, '');

/** The last non-empty stdout line as JSON, or undefined when there is none. */
function lastJsonLine(stdout: string): unknown {
  const line = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
  if (!line) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function errorText(result: unknown): string | undefined {
  if (result && typeof result === 'object' && typeof (result as { error?: unknown }).error === 'string') {
    return (result as { error: string }).error;
  }
  return undefined;
}

export function createSshClient(opts: SshClientOptions) {
  if (!PLAIN_DIR.test(opts.scriptsDir)) throw new Error('scriptsDir must be an absolute path of plain characters');
  const scriptsDir = opts.scriptsDir.replace(/\/+$/, '');

  function commandFor(script: HostScript): string {
    const file = HOST_SCRIPT_FILES[script];
    if (!file) throw new FarSideError('ssh', `unknown host script ${String(script)}`, { retryable: false });
    return `${opts.useSudo ? 'sudo -n ' : ''}${scriptsDir}/${file}`;
  }

  function stdinFor(script: HostScript, args: Record<string, string>): string {
    return Object.entries(args)
      .map(([k, v]) => {
        // The typed wrappers validate first; this keeps a caller of runScript from smuggling lines.
        if (!ARG_KEY.test(k) || typeof v !== 'string' || !ARG_VALUE.test(v)) {
          throw new FarSideError('ssh', `refusing to send argument ${JSON.stringify(k)} to ${script}: not a single plain line`, { retryable: false });
        }
        return `${k}=${v}\n`;
      })
      .join('');
  }

  async function privateKey(): Promise<Buffer> {
    if (!opts.privateKeyPath) throw new FarSideError('ssh', 'SSH_PRIVATE_KEY_PATH is not set', { retryable: false });
    try {
      return await fs.readFile(opts.privateKeyPath);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new FarSideError('ssh', `cannot read the SSH private key file named by SSH_PRIVATE_KEY_PATH (${code})`, { retryable: false });
    }
  }

  async function runScript(target: SshTarget, script: HostScript, args: Record<string, string> = {}): Promise<ScriptRun> {
    const command = commandFor(script);
    const input = stdinFor(script, args);
    const key = await privateKey();
    const where = `${target.host}:${target.port}`;

    return new Promise<ScriptRun>((resolve, reject) => {
      const conn = new Client();
      let seen: string | undefined;
      let mismatch = false;
      let phase: 'connect' | 'command' = 'connect';
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let stderr = '';
      let channel: ClientChannel | undefined;

      const finish = (err: FarSideError | null, value?: ScriptRun) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        conn.removeAllListeners('ready');
        conn.on('error', () => {}); // late socket errors after we are done
        conn.end();
        conn.destroy();
        if (err) reject(err);
        else resolve(value!);
      };
      const armTimer = (ms: number, message: string) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          // Stop the script rather than leave it running unattended (a retry converges either way).
          // sshd honours this for unprivileged logins such as `mpanel`, not for root.
          try {
            channel?.signal('TERM');
          } catch {
            /* the channel is already gone */
          }
          const details = { host: target.host, port: target.port, script, stderrTail: stderr.slice(-STDERR_TAIL) };
          finish(new FarSideError('ssh', message, { retryable: true, details }));
        }, ms);
      };

      armTimer(opts.connectTimeoutMs, `connecting to ${where} timed out after ${opts.connectTimeoutMs}ms`);

      conn.on('error', (err: Error & { level?: string }) => {
        if (mismatch) {
          finish(
            new FarSideError('ssh', `host key mismatch for ${where}: expected ${target.hostKeyFingerprint}, got ${seen}`, {
              retryable: false,
              details: { host: target.host, port: target.port, expected: target.hostKeyFingerprint, got: seen },
            }),
          );
        } else if (err.level === 'client-authentication') {
          finish(
            new FarSideError('ssh', `${where} refused the key for ${target.username}`, {
              retryable: false,
              details: { host: target.host, port: target.port, username: target.username },
            }),
          );
        } else {
          const what = phase === 'connect' ? `connecting to ${where}` : `running ${script} on ${where}`;
          finish(new FarSideError('ssh', `${what} failed: ${err.message}`, { retryable: true, details: { host: target.host, port: target.port, script, level: err.level } }));
        }
      });
      conn.on('close', () => finish(new FarSideError('ssh', `${where} closed the connection`, { retryable: true, details: { host: target.host, port: target.port, script } })));

      conn.on('ready', () => {
        phase = 'command';
        armTimer(opts.commandTimeoutMs, `${script} on ${where} did not finish within ${opts.commandTimeoutMs}ms`);
        conn.exec(command, (err: Error | undefined, stream: ClientChannel) => {
          if (err) {
            finish(new FarSideError('ssh', `${where} refused to run ${script}: ${err.message}`, { retryable: true, details: { host: target.host, port: target.port, script } }));
            return;
          }
          channel = stream;
          let stdout = '';
          let exitCode: number | null = null;
          let signal: string | undefined;
          stream.on('data', (b: Buffer) => {
            if (stdout.length < OUTPUT_LIMIT) stdout += b.toString('utf8');
          });
          stream.stderr.on('data', (b: Buffer) => {
            stderr = (stderr + b.toString('utf8')).slice(-OUTPUT_LIMIT);
          });
          stream.on('exit', (code: number | null, sig?: string) => {
            exitCode = code;
            signal = sig;
          });
          stream.on('close', () => {
            const result = lastJsonLine(stdout);
            const stderrTail = stderr.slice(-STDERR_TAIL);
            const details = { host: target.host, port: target.port, script, exitCode, signal, stderrTail };
            if (exitCode === 0) {
              if (result === undefined) {
                finish(new FarSideError('ssh', `${script} on ${where} printed no JSON result`, { retryable: false, details }));
              } else {
                finish(null, { result, hostKeyFingerprint: seen!, stderr });
              }
              return;
            }
            const why = errorText(result) ?? (exitCode === 127 ? `${command} not found: is mPanel's host kit installed?` : stderrTail.trim().split('\n').pop() || 'no message');
            const how = exitCode === null ? `killed by ${signal ?? 'a signal'}` : `exit ${exitCode}`;
            // Exit 2 is the scripts' "this request can never succeed"; anything else may pass on retry.
            finish(new FarSideError('ssh', `${script} on ${where} failed (${how}): ${why}`, { retryable: exitCode !== 2, details: { ...details, result } }));
          });
          stream.end(input);
        });
      });

      conn.connect({
        host: target.host,
        port: target.port,
        username: target.username,
        privateKey: key,
        readyTimeout: opts.connectTimeoutMs,
        keepaliveInterval: 15_000,
        hostVerifier: (keyBlob: Buffer) => {
          seen = sshFingerprint(keyBlob);
          if (target.hostKeyFingerprint && !sameFingerprint(target.hostKeyFingerprint, seen)) {
            mismatch = true;
            return false;
          }
          return true;
        },
      });
    });
  }

  return {
    runScript,
    /** Connects and runs the health script: proves reachability, the key, the host key and the kit. */
    probe(target: SshTarget): Promise<ScriptRun> {
      return runScript(target, 'health', {});
    },
  };
}

export type SshClient = ReturnType<typeof createSshClient>;
