/**
 * An in-memory stand-in for the API's auth contract, used to drive the client in unit tests:
 * access tokens expire, refresh tokens rotate (a used one is dead, and reusing it ends the
 * family), and every request is recorded. Real-API behaviour is covered by the browser tests.
 */
export interface Call {
  method: string;
  url: string;
  auth?: string;
  body?: unknown;
}

type Handler = (call: Call) => { status: number; body?: unknown } | undefined;

export function fakeApi() {
  let n = 0;
  const valid = new Set<string>();
  const refreshTokens = new Map<string, 'live' | 'used'>();
  const calls: Call[] = [];
  const handlers: Handler[] = [];
  let refreshStatus: number | null = null;

  function issue() {
    n++;
    const token = `access-${n}`;
    const refreshToken = `refresh-token-${n}-${'x'.repeat(20)}`;
    valid.add(token);
    refreshTokens.set(refreshToken, 'live');
    return { token, refreshToken, expiresIn: 900, user: { id: 'u1', email: 'a@example.test', displayName: 'A', role: 'ADMIN', tenantId: 't1' } };
  }

  const fetchFn = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = String(input);
    const headers = new Headers(init.headers);
    const call: Call = { method: init.method ?? 'GET', url, auth: headers.get('authorization') ?? undefined, body: init.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    // Let concurrent requests really overlap, as they do over a network.
    await new Promise((r) => setTimeout(r, 5));
    const json = (status: number, body?: unknown) =>
      new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

    for (const h of handlers) {
      const r = h(call);
      if (r) return json(r.status, r.body);
    }
    const path = new URL(url, 'http://x').pathname;
    if (path === '/api/auth/login') return json(200, issue());
    if (path === '/api/auth/refresh') {
      if (refreshStatus) return json(refreshStatus, { error: { code: 'X', message: 'refresh refused' } });
      const rt = (call.body as { refreshToken: string }).refreshToken;
      if (refreshTokens.get(rt) !== 'live') return json(401, { error: { code: 'TOKEN_REVOKED', message: 'Session has ended' } });
      refreshTokens.set(rt, 'used');
      return json(200, issue());
    }
    const token = call.auth?.replace(/^Bearer /, '');
    if (!token || !valid.has(token)) return json(401, { error: { code: 'TOKEN_EXPIRED', message: 'Access token expired' } });
    return json(200, { ok: true, token });
  };

  return {
    fetch: fetchFn as typeof fetch,
    calls,
    issue,
    /** Makes every access token issued so far stale, as if 15 minutes passed. */
    expireAccessTokens: () => valid.clear(),
    refreshAnswers: (status: number | null) => {
      refreshStatus = status;
    },
    on: (h: Handler) => handlers.push(h),
    refreshCalls: () => calls.filter((c) => c.url.endsWith('/auth/refresh')),
  };
}
