import https from 'node:https';
import axios, { type AxiosResponse } from 'axios';
import { FarSideError, isRetryableStatus } from '../errors';

export interface ProxmoxApiOptions {
  /** https://pve.example.net:8006, with or without the /api2/json suffix. */
  apiUrl: string;
  /** `user@realm!tokenname` */
  tokenId: string;
  tokenSecret: string;
  /** Accept a self-signed certificate (a fresh Proxmox install has one). */
  insecureTls?: boolean;
  timeoutMs?: number;
}

export type ProxmoxApi = ReturnType<typeof createProxmoxApi>;
type Params = Record<string, string | number | boolean | undefined>;
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface WireAnswer<T> {
  data?: T;
  message?: string;
  errors?: Record<string, string>;
}

const TLS_REFUSED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Proxmox answers a VMID it has no config for with 500 and this message. */
const MISSING_RE = /Configuration file '[^']*' does not exist/;

export function apiRoot(apiUrl: string): string {
  return `${apiUrl.replace(/\/+$/, '').replace(/\/api2\/json$/, '')}/api2/json`;
}

/** Proxmox reads booleans as 0/1 and every parameter as a form field. */
function formOf(params: Params | undefined): URLSearchParams {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined) form.append(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  return form;
}

/** A FarSideError for a VMID Proxmox does not know. */
export function isMissingVm(err: unknown): boolean {
  return err instanceof FarSideError && err.system === 'proxmox' && err.opts.details?.missing === true;
}

/**
 * Calls to one Proxmox VE API endpoint with an API token. Answers are unwrapped from `{data}`;
 * failures become FarSideError('proxmox') carrying Proxmox's message (the reason phrase, or the
 * per-parameter `errors` of a 400) and never the token.
 */
export function createProxmoxApi(opts: ProxmoxApiOptions) {
  const http = axios.create({
    baseURL: apiRoot(opts.apiUrl),
    timeout: opts.timeoutMs ?? 30_000,
    headers: { Authorization: `PVEAPIToken=${opts.tokenId}=${opts.tokenSecret}`, Accept: 'application/json' },
    proxy: false,
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true },
    ...(opts.insecureTls ? { httpsAgent: new https.Agent({ rejectUnauthorized: false }) } : {}),
  });

  async function call<T>(method: Method, path: string, params?: Params): Promise<T> {
    const inBody = method === 'POST' || method === 'PUT';
    let res: AxiosResponse<WireAnswer<T>>;
    try {
      res = await http.request<WireAnswer<T>>({
        method,
        url: path,
        ...(inBody ? { data: formOf(params) } : { params: formOf(params) }),
      });
    } catch (err) {
      // Only the code and message leave: the axios error carries the request headers.
      const e = err as { code?: string; message?: string };
      throw new FarSideError('proxmox', `Proxmox ${method} ${path} failed: ${e.code ?? e.message ?? 'no answer'}`, {
        // A certificate we do not trust stays untrusted until someone changes the config.
        retryable: !TLS_REFUSED.has(e.code ?? ''),
        details: { method, path, code: e.code },
      });
    }
    if (res.status >= 200 && res.status < 300) return (res.data?.data ?? null) as T;

    const body = (res.data && typeof res.data === 'object' ? res.data : {}) as WireAnswer<T>;
    const reason = (body.message ?? res.statusText ?? '').trim().slice(0, 500);
    const errors = body.errors && typeof body.errors === 'object' ? body.errors : undefined;
    const fieldText = errors ? ` (${Object.entries(errors).map(([k, v]) => `${k}: ${String(v).trim()}`).join('; ')})` : '';
    const missing = res.status === 500 && MISSING_RE.test(reason);
    throw new FarSideError('proxmox', `Proxmox ${method} ${path} answered ${res.status}${reason ? `: ${reason}` : ''}${fieldText}`, {
      status: res.status,
      retryable: missing ? false : isRetryableStatus(res.status),
      details: { method, path, status: res.status, error: reason || undefined, errors, missing },
    });
  }

  return {
    get: <T>(path: string, params?: Params) => call<T>('GET', path, params),
    post: <T>(path: string, params?: Params) => call<T>('POST', path, params),
    put: <T>(path: string, params?: Params) => call<T>('PUT', path, params),
    del: <T>(path: string, params?: Params) => call<T>('DELETE', path, params),
  };
}

interface WireTaskStatus {
  upid: string;
  type: string;
  id?: string;
  status: 'running' | 'stopped';
  exitstatus?: string;
}

export interface TaskWaitOptions {
  timeoutMs: number;
  pollIntervalMs: number;
}

/** Exit statuses that say the node was busy rather than that the request cannot work. */
const TRANSIENT_EXIT_RE = /lock|timeout|timed out|temporar|busy|try again/i;

/**
 * Waits until a worker task (its UPID) has stopped; an exit status other than OK (or the
 * "WARNINGS: n" of a task that finished with warnings) is a FarSideError with that status.
 */
export async function waitForTask(api: ProxmoxApi, upid: string, opts: TaskWaitOptions): Promise<void> {
  // A task runs on the node named in its UPID: UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:
  const node = upid.split(':')[1];
  if (!upid.startsWith('UPID:') || !node) {
    throw new FarSideError('proxmox', 'Proxmox answered something that is not a task id', { retryable: false, details: { upid: upid.slice(0, 200) } });
  }
  const path = `/nodes/${encodeURIComponent(node)}/tasks/${encodeURIComponent(upid)}/status`;
  const deadline = Date.now() + opts.timeoutMs;
  let delay = opts.pollIntervalMs;
  for (;;) {
    const task = await api.get<WireTaskStatus>(path);
    if (task.status === 'stopped') {
      const exit = (task.exitstatus ?? '').trim();
      if (exit === 'OK' || /^WARNINGS: \d+$/.test(exit)) return;
      throw new FarSideError('proxmox', `Proxmox task ${task.type}${task.id ? ` ${task.id}` : ''} failed: ${exit || 'no exit status'}`, {
        retryable: TRANSIENT_EXIT_RE.test(exit),
        details: { upid, type: task.type, exitstatus: exit },
      });
    }
    if (Date.now() + delay > deadline) {
      throw new FarSideError('proxmox', `Proxmox task ${task.type} still running after ${Math.round(opts.timeoutMs / 1000)}s`, {
        retryable: true,
        details: { upid, type: task.type },
      });
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 1.5, Math.max(opts.pollIntervalMs, 5000));
  }
}
