import type { LoginBody, LoginResponse } from './contracts';
import { ApiError } from './errors';
import { tokensFrom, type TokenStore } from './session';

export type QueryParams = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: QueryParams;
  signal?: AbortSignal;
  /** Send without the access token (sign-in, public routes). */
  anonymous?: boolean;
  headers?: Record<string, string>;
}

export interface ApiClientOptions {
  store: TokenStore;
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Serialises refreshes across tabs; `navigator.locks` in browsers that have it. */
  locks?: Pick<LockManager, 'request'>;
  /** Refresh ahead of expiry by this much, saving a 401 round trip. */
  refreshLeewayMs?: number;
  now?: () => number;
}

export type SessionEnd = 'signed-out' | 'expired';

export function buildUrl(baseUrl: string, path: string, query?: QueryParams): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return `${baseUrl}${path}${qs ? `?${qs}` : ''}`;
}

async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined;
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The HTTP client every screen uses. It adds the access token, and on a 401 refreshes the
 * session once and replays the request. Refresh tokens rotate (the old one dies), so all
 * refreshes — concurrent requests in this tab, and other tabs via Web Locks — collapse into one,
 * and only the newest pair is kept. When the session cannot be refreshed it is cleared, which
 * the router turns into the sign-in page with a way back.
 */
export function createApiClient(opts: ApiClientOptions) {
  const { store } = opts;
  const baseUrl = opts.baseUrl ?? '/api';
  const doFetch = opts.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const now = opts.now ?? Date.now;
  const leeway = opts.refreshLeewayMs ?? 10_000;
  let inflight: Promise<boolean> | null = null;
  let lastEnd: SessionEnd | null = null;

  function endSession(reason: SessionEnd) {
    lastEnd = reason;
    store.set(null);
  }

  async function exchange(stale: string | undefined): Promise<boolean> {
    const current = store.get();
    if (!current) return false;
    // Another tab (or an earlier refresh in this one) already replaced the token we used.
    if (stale !== undefined && current.token !== stale) return true;
    let res: Response;
    try {
      res = await doFetch(buildUrl(baseUrl, '/auth/refresh'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ refreshToken: current.refreshToken }),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'Cannot reach the server');
    }
    const body = await readBody(res);
    if (res.ok) {
      store.set(tokensFrom(body as LoginResponse, now()));
      return true;
    }
    if (res.status === 401 || res.status === 400) {
      const latest = store.get();
      if (latest && latest.refreshToken !== current.refreshToken) return true;
      endSession('expired');
      return false;
    }
    // 429 or 5xx: the session may well be fine; report without signing out.
    throw ApiError.fromBody(res.status, body, 'Could not refresh the session');
  }

  /** Refreshes once for everyone who saw `stale` fail; resolves false when the session ended. */
  function refresh(stale?: string): Promise<boolean> {
    const current = store.get();
    if (!current) return Promise.resolve(false);
    if (stale !== undefined && current.token !== stale) return Promise.resolve(true);
    if (!inflight) {
      const locks = opts.locks ?? (typeof navigator !== 'undefined' ? navigator.locks : undefined);
      const run = () => exchange(stale);
      inflight = (locks ? locks.request('mpanel.session.refresh', run).then((r) => r) : run()).finally(() => {
        inflight = null;
      });
    }
    return inflight;
  }

  async function send<T>(method: string, path: string, body: unknown, o: RequestOptions = {}, replay = false): Promise<T> {
    let tokens = o.anonymous ? null : store.get();
    if (tokens && !replay && tokens.expiresAt - now() < leeway) {
      await refresh(tokens.token).catch(() => undefined);
      tokens = store.get();
      if (!tokens) throw new ApiError(401, 'SESSION_ENDED', 'Your session has ended; please sign in again');
    }
    const headers: Record<string, string> = { Accept: 'application/json', ...o.headers };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (tokens) headers.Authorization = `Bearer ${tokens.token}`;
    let res: Response;
    try {
      res = await doFetch(buildUrl(baseUrl, path, o.query), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: o.signal,
      });
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err;
      throw new ApiError(0, 'NETWORK', 'Cannot reach the server');
    }
    if (res.status === 401 && tokens) {
      if (!replay && (await refresh(tokens.token))) return send<T>(method, path, body, o, true);
      // Refreshed and still refused (account disabled), or the refresh itself was refused.
      if (store.get()) endSession('expired');
      const data = await readBody(res);
      throw ApiError.fromBody(401, data, 'Your session has ended; please sign in again');
    }
    const data = await readBody(res);
    if (!res.ok) throw ApiError.fromBody(res.status, data, res.statusText || `HTTP ${res.status}`);
    return data as T;
  }

  return {
    store,
    refresh,
    get: <T>(path: string, o?: RequestOptions) => send<T>('GET', path, undefined, o),
    post: <T>(path: string, body?: unknown, o?: RequestOptions) => send<T>('POST', path, body ?? {}, o),
    patch: <T>(path: string, body: unknown, o?: RequestOptions) => send<T>('PATCH', path, body, o),
    put: <T>(path: string, body: unknown, o?: RequestOptions) => send<T>('PUT', path, body, o),
    delete: <T = void>(path: string, o?: RequestOptions) => send<T>('DELETE', path, undefined, o),

    async login(body: LoginBody): Promise<LoginResponse> {
      const res = await send<LoginResponse>('POST', '/auth/login', body, { anonymous: true });
      lastEnd = null;
      store.set(tokensFrom(res, now()));
      return res;
    },

    /** Ends the session here at once; tells the API to revoke the refresh token when it can. */
    async logout(): Promise<void> {
      const current = store.get();
      endSession('signed-out');
      if (!current) return;
      await send('POST', '/auth/logout', { refreshToken: current.refreshToken }, { anonymous: true }).catch(() => undefined);
    },

    /** Why the last session ended, so sign-in can say "your session expired". */
    lastSessionEnd: () => lastEnd,
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
