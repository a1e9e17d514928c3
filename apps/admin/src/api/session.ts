import type { LoginResponse } from './contracts';

/** The tokens of a signed-in session; `expiresAt` is epoch ms of the access token's end. */
export interface Tokens {
  token: string;
  refreshToken: string;
  expiresAt: number;
}

export interface TokenStore {
  get(): Tokens | null;
  set(tokens: Tokens | null): void;
  subscribe(listener: () => void): () => void;
}

export function tokensFrom(res: Pick<LoginResponse, 'token' | 'refreshToken' | 'expiresIn'>, now = Date.now()): Tokens {
  return { token: res.token, refreshToken: res.refreshToken, expiresAt: now + res.expiresIn * 1000 };
}

export function memoryStore(initial: Tokens | null = null): TokenStore {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(tokens) {
      value = tokens;
      listeners.forEach((l) => l());
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

const KEY = 'mpanel.session';

/**
 * localStorage, so a reload keeps the session and every tab shares the newest token pair: with
 * refresh rotation, a tab holding an old refresh token would end everyone's session.
 */
export function browserStore(storage: Storage = window.localStorage): TokenStore {
  const listeners = new Set<() => void>();
  let cache: { raw: string | null; value: Tokens | null } = { raw: null, value: null };
  const read = (): Tokens | null => {
    const raw = storage.getItem(KEY);
    if (raw === cache.raw) return cache.value;
    let value: Tokens | null = null;
    try {
      const parsed = raw ? (JSON.parse(raw) as Tokens) : null;
      if (parsed && typeof parsed.token === 'string' && typeof parsed.refreshToken === 'string') value = parsed;
    } catch {
      value = null;
    }
    cache = { raw, value };
    return value;
  };
  window.addEventListener('storage', (e) => {
    if (e.key === KEY || e.key === null) listeners.forEach((l) => l());
  });
  return {
    get: read,
    set(tokens) {
      if (tokens) storage.setItem(KEY, JSON.stringify(tokens));
      else storage.removeItem(KEY);
      listeners.forEach((l) => l());
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}
