import { describe, expect, it } from 'vitest';
import { fakeApi } from '@/test/fake-api';
import { buildUrl, createApiClient } from './client';
import { ApiError } from './errors';
import { memoryStore, tokensFrom } from './session';

function setup(now = () => Date.now()) {
  const server = fakeApi();
  const store = memoryStore();
  const api = createApiClient({ store, fetch: server.fetch, now });
  return { server, store, api };
}

describe('api client session policy', () => {
  it('signs in, keeps the pair and sends the access token', async () => {
    const { api, store, server } = setup();
    await api.login({ email: 'a@example.test', password: 'pw' });
    expect(store.get()?.token).toBe('access-1');
    const res = await api.get<{ token: string }>('/plans');
    expect(res.token).toBe('access-1');
    expect(server.calls.at(-1)?.auth).toBe('Bearer access-1');
  });

  it('refreshes once on a 401 and replays the request with the new token', async () => {
    const { api, store, server } = setup();
    await api.login({ email: 'a@example.test', password: 'pw' });
    server.expireAccessTokens();
    const res = await api.get<{ token: string }>('/plans');
    expect(res.token).toBe('access-2');
    expect(server.refreshCalls()).toHaveLength(1);
    expect(store.get()).toMatchObject({ token: 'access-2', refreshToken: expect.stringContaining('refresh-token-2') });
  });

  it('collapses concurrent 401s into one refresh (rotation would kill a second one)', async () => {
    const { api, store, server } = setup();
    await api.login({ email: 'a@example.test', password: 'pw' });
    server.expireAccessTokens();
    const results = await Promise.all(['/a', '/b', '/c', '/d', '/e'].map((p) => api.get<{ token: string }>(p)));
    expect(results.map((r) => r.token)).toEqual(Array(5).fill('access-2'));
    expect(server.refreshCalls()).toHaveLength(1);
    expect(store.get()?.token).toBe('access-2');
    // The first refresh token is spent; only the newest pair is kept and it still works.
    server.expireAccessTokens();
    await api.get('/again');
    expect(server.refreshCalls().map((c) => (c.body as { refreshToken: string }).refreshToken)).toEqual([
      expect.stringContaining('refresh-token-1'),
      expect.stringContaining('refresh-token-2'),
    ]);
  });

  it('ends the session when the refresh is refused, without looping', async () => {
    const { api, store, server } = setup();
    await api.login({ email: 'a@example.test', password: 'pw' });
    server.expireAccessTokens();
    server.refreshAnswers(401);
    const err = await api.get('/plans').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect(store.get()).toBeNull();
    expect(api.lastSessionEnd()).toBe('expired');
    expect(server.refreshCalls()).toHaveLength(1);
  });

  it('does not refresh twice when the replayed request is refused again', async () => {
    const { api, store, server } = setup();
    await api.login({ email: 'a@example.test', password: 'pw' });
    server.on((c) => (c.url.endsWith('/disabled') ? { status: 401, body: { error: { code: 'ACCOUNT_DISABLED', message: 'Account is disabled' } } } : undefined));
    const err = (await api.get('/disabled').catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('ACCOUNT_DISABLED');
    expect(server.refreshCalls()).toHaveLength(1);
    expect(store.get()).toBeNull();
  });

  it('keeps the session when the refresh is only rate limited', async () => {
    const { api, store, server } = setup();
    await api.login({ email: 'a@example.test', password: 'pw' });
    server.expireAccessTokens();
    server.refreshAnswers(429);
    const err = (await api.get('/plans').catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(429);
    expect(store.get()?.refreshToken).toContain('refresh-token-1');
  });

  it('uses a pair another tab already refreshed instead of spending its own', async () => {
    const { api, store, server } = setup();
    await api.login({ email: 'a@example.test', password: 'pw' });
    server.expireAccessTokens();
    // Another tab rotated first and wrote the new pair to shared storage.
    const fresh = server.issue();
    server.on((c) => (c.url.endsWith('/plans') && c.auth === 'Bearer access-1' ? { status: 401, body: { error: { code: 'TOKEN_EXPIRED', message: 'expired' } } } : undefined));
    const before = store.get()!;
    const pending = api.get<{ token: string }>('/plans');
    store.set(tokensFrom(fresh));
    const res = await pending;
    expect(before.token).toBe('access-1');
    expect(res.token).toBe(fresh.token);
    expect(server.refreshCalls()).toHaveLength(0);
  });

  it('refreshes ahead of expiry, saving the 401 round trip', async () => {
    let t = 1_000_000;
    const { api, server } = setup(() => t);
    await api.login({ email: 'a@example.test', password: 'pw' });
    t += 895_000; // 5 s before the 15-minute token ends
    const res = await api.get<{ token: string }>('/plans');
    expect(res.token).toBe('access-2');
    expect(server.calls.filter((c) => c.url.endsWith('/plans'))).toHaveLength(1);
  });

  it('sign-out forgets the session at once and revokes the refresh token', async () => {
    const { api, store, server } = setup();
    await api.login({ email: 'a@example.test', password: 'pw' });
    await api.logout();
    expect(store.get()).toBeNull();
    expect(api.lastSessionEnd()).toBe('signed-out');
    expect(server.calls.at(-1)).toMatchObject({ url: '/api/auth/logout', body: { refreshToken: expect.stringContaining('refresh-token-1') } });
  });

  it('turns an error body into an ApiError with field issues', async () => {
    const { api, server } = setup();
    await api.login({ email: 'a@example.test', password: 'pw' });
    server.on((c) =>
      c.url.endsWith('/plans') && c.method === 'POST'
        ? { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'Invalid input: body.slug', details: [{ path: 'body.slug', message: 'must be lowercase' }] } } }
        : undefined,
    );
    const err = (await api.post('/plans', { slug: 'X' }).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.fieldIssues).toEqual([{ path: 'body.slug', message: 'must be lowercase' }]);
  });

  it('builds query strings without empty values', () => {
    expect(buildUrl('/api', '/orders', { page: 2, search: '', status: undefined, from: null, sort: 'createdAt' })).toBe('/api/orders?page=2&sort=createdAt');
  });
});
