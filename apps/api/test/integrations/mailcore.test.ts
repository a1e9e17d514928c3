import axios from 'axios';
import { startMailcoreServer, type MailcoreServer } from '../../../../scripts/lib/peers/mailcore-server';
import { FarSideError } from '../../src/integrations/errors';
import { createMailcoreClient, type MailcoreClient } from '../../src/integrations/mailcore/mailcore.client';

const API_KEY = 'test-mailcore-key-0123456789abcdef';
const PASSWORD = 'Correct-Horse-Battery-9';

let server: MailcoreServer;
let client: MailcoreClient;

beforeAll(async () => {
  server = await startMailcoreServer({ apiKey: API_KEY });
  client = createMailcoreClient({ baseUrl: server.url, apiKey: API_KEY, timeoutMs: 5000 });
});
afterAll(() => server.stop());

/** Calls the server directly, the way another client of the contract would. */
const raw = (method: string, path: string, data?: unknown, key = API_KEY) =>
  axios.request({ method, url: `${server.url}${path}`, data, headers: { Authorization: `Bearer ${key}` }, validateStatus: () => true, proxy: false });

async function farSideError(p: Promise<unknown>): Promise<FarSideError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FarSideError);
    return err as FarSideError;
  }
  throw new Error('expected a FarSideError');
}

describe('mail-core client against the contract server', () => {
  it('reports health with a working key', async () => {
    await expect(client.health()).resolves.toEqual(expect.objectContaining({ status: 'ok', version: expect.any(String) }));
  });

  it('ensures a domain, and a second ensure converges on the existing one', async () => {
    const first = await client.ensureDomain('Shop-One.example');
    expect(first).toEqual({ created: true, domain: expect.objectContaining({ domain: 'shop-one.example', accountCount: 0 }) });
    const again = await client.ensureDomain('shop-one.example');
    expect(again.created).toBe(false);
    expect(again.domain.domain).toBe('shop-one.example');
    expect(server.state.domains.size).toBeGreaterThanOrEqual(1);
    await expect(client.getDomain('shop-one.example')).resolves.toEqual(expect.objectContaining({ domain: 'shop-one.example' }));
    await expect(client.getDomain('absent.example')).resolves.toBeNull();
  });

  it('creates an account, reads it back and keeps only a hash of the password', async () => {
    await client.ensureDomain('mail-a.example');
    const { account, created } = await client.createAccount({ email: 'Info@Mail-A.example', password: PASSWORD, quotaMb: 2048 });
    expect(created).toBe(true);
    expect(account).toEqual({
      email: 'info@mail-a.example',
      domain: 'mail-a.example',
      quotaMb: 2048,
      isActive: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    await expect(client.getAccount('info@mail-a.example')).resolves.toEqual(account);
    await expect(client.getAccount('nobody@mail-a.example')).resolves.toBeNull();
    await expect(client.listAccounts('mail-a.example')).resolves.toEqual([account]);

    const stored = server.state.accounts.get('info@mail-a.example')!;
    expect(stored.passwordHash).not.toContain(PASSWORD);
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    await expect(server.state.verifyPassword('info@mail-a.example', PASSWORD)).resolves.toBe(true);
    await expect(server.state.verifyPassword('info@mail-a.example', 'something-else')).resolves.toBe(false);
  });

  it('converges on 409: an existing account gets the password, quota and active flag asked for', async () => {
    await client.ensureDomain('mail-b.example');
    await client.createAccount({ email: 'sales@mail-b.example', password: 'Old-Password-123', quotaMb: 100 });
    await client.setActive('sales@mail-b.example', false);

    const { account, created } = await client.createAccount({ email: 'sales@mail-b.example', password: PASSWORD, quotaMb: 4096 });
    expect(created).toBe(false);
    expect(account).toEqual(expect.objectContaining({ email: 'sales@mail-b.example', quotaMb: 4096, isActive: true }));
    await expect(server.state.verifyPassword('sales@mail-b.example', PASSWORD)).resolves.toBe(true);
    await expect(server.state.verifyPassword('sales@mail-b.example', 'Old-Password-123')).resolves.toBe(false);
    const posts = server.state.requests.filter((r) => r.method === 'POST' && r.path === '/api/accounts' && r.status === 409);
    expect(posts.length).toBeGreaterThanOrEqual(1);
  });

  it('creates an account that should start disabled, and converges to disabled too', async () => {
    await client.ensureDomain('mail-c.example');
    const fresh = await client.createAccount({ email: 'held@mail-c.example', password: PASSWORD, isActive: false });
    expect(fresh.account.isActive).toBe(false);
    expect(fresh.account.quotaMb).toBe(1024);
    const again = await client.createAccount({ email: 'held@mail-c.example', password: PASSWORD, isActive: false });
    expect(again).toEqual({ created: false, account: expect.objectContaining({ isActive: false, quotaMb: 1024 }) });
  });

  it('suspends and resumes an account, changes its quota and its password', async () => {
    await client.ensureDomain('mail-d.example');
    await client.createAccount({ email: 'ops@mail-d.example', password: PASSWORD });
    await expect(client.setActive('ops@mail-d.example', false)).resolves.toEqual(expect.objectContaining({ isActive: false }));
    expect(server.state.accounts.get('ops@mail-d.example')!.isActive).toBe(false);
    await expect(client.setActive('ops@mail-d.example', true)).resolves.toEqual(expect.objectContaining({ isActive: true }));
    await expect(client.updateAccount('ops@mail-d.example', { quotaMb: 512 })).resolves.toEqual(expect.objectContaining({ quotaMb: 512 }));

    await client.setPassword('ops@mail-d.example', 'A-New-Password-456');
    await expect(server.state.verifyPassword('ops@mail-d.example', 'A-New-Password-456')).resolves.toBe(true);
    await expect(server.state.verifyPassword('ops@mail-d.example', PASSWORD)).resolves.toBe(false);
  });

  it('deletes an account; deleting it again is fine', async () => {
    await client.ensureDomain('mail-e.example');
    await client.createAccount({ email: 'gone@mail-e.example', password: PASSWORD });
    await expect(client.deleteAccount('gone@mail-e.example')).resolves.toBe(true);
    expect(server.state.accounts.has('gone@mail-e.example')).toBe(false);
    await expect(client.deleteAccount('gone@mail-e.example')).resolves.toBe(false);
  });

  it('refuses to delete a domain with accounts unless forced; a second delete is fine', async () => {
    await client.ensureDomain('mail-f.example');
    await client.createAccount({ email: 'a@mail-f.example', password: PASSWORD });
    const err = await farSideError(client.deleteDomain('mail-f.example'));
    expect(err).toMatchObject({ system: 'mailcore', status: 409, retryable: false });
    expect(err.opts.details).toMatchObject({ code: 'DOMAIN_NOT_EMPTY' });
    await expect(client.deleteDomain('mail-f.example', { force: true })).resolves.toBe(true);
    expect(server.state.accounts.has('a@mail-f.example')).toBe(false);
    await expect(client.deleteDomain('mail-f.example')).resolves.toBe(false);
  });

  it('an account for a domain mail-core does not host is a final 422', async () => {
    const err = await farSideError(client.createAccount({ email: 'x@unhosted.example', password: PASSWORD }));
    expect(err).toMatchObject({ system: 'mailcore', status: 422, retryable: false });
    expect(err.opts.details).toMatchObject({ code: 'DOMAIN_NOT_FOUND' });
  });

  it('bad input is a final 400 that names the field and never echoes the password', async () => {
    await client.ensureDomain('mail-g.example');
    const err = await farSideError(client.createAccount({ email: 'not an address', password: 'short' }));
    expect(err).toMatchObject({ status: 400, retryable: false });
    expect(err.message).toContain('email');
    expect(err.message).toContain('password');
    expect(err.message).not.toContain('short');
    expect(JSON.stringify(err.opts.details)).not.toContain('short');
  });

  it('a wrong key is a final FarSideError that does not carry the key', async () => {
    const wrong = createMailcoreClient({ baseUrl: server.url, apiKey: 'not-the-key-0123456789', timeoutMs: 2000 });
    const err = await farSideError(wrong.health());
    expect(err).toMatchObject({ system: 'mailcore', status: 401, retryable: false });
    expect(JSON.stringify({ m: err.message, d: err.opts.details })).not.toContain('not-the-key-0123456789');
  });

  it('a busy mail-core (503) is retryable', async () => {
    server.state.unavailable = true;
    try {
      const err = await farSideError(client.ensureDomain('busy.example'));
      expect(err).toMatchObject({ status: 503, retryable: true });
    } finally {
      server.state.unavailable = false;
    }
  });

  it('a mail-core that is down is a retryable FarSideError without the key or the password', async () => {
    const down = await startMailcoreServer({ apiKey: API_KEY });
    const url = down.url;
    await down.stop();
    const offline = createMailcoreClient({ baseUrl: url, apiKey: API_KEY, timeoutMs: 2000 });
    const err = await farSideError(offline.createAccount({ email: 'a@b.example', password: PASSWORD }));
    expect(err).toMatchObject({ system: 'mailcore', retryable: true, status: undefined });
    const text = JSON.stringify({ m: err.message, d: err.opts.details });
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(PASSWORD);
  });
});

describe('mail-core contract server', () => {
  it('never returns a password in any response body', async () => {
    await raw('POST', '/domains', { domain: 'secret.example' });
    const bodies = [
      await raw('POST', '/accounts', { email: 'who@secret.example', password: PASSWORD, quotaMb: 10 }),
      await raw('POST', '/accounts', { email: 'who@secret.example', password: PASSWORD }),
      await raw('GET', '/accounts/who%40secret.example'),
      await raw('GET', '/accounts?domain=secret.example'),
      await raw('GET', '/accounts'),
      await raw('PATCH', '/accounts/who@secret.example', { quotaMb: 20 }),
      await raw('POST', '/accounts/who@secret.example/password', { password: PASSWORD }),
      await raw('POST', '/accounts/who@secret.example/password', { password: 'x' }),
      await raw('POST', '/accounts', { email: 'who@secret.example', password: PASSWORD, extra: PASSWORD }),
    ];
    expect(bodies.map((b) => b.status)).toEqual([201, 409, 200, 200, 200, 200, 204, 400, 400]);
    for (const b of bodies) {
      const text = JSON.stringify(b.data ?? '');
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('scrypt');
      if (b.status < 300) expect(text).not.toMatch(/"password(Hash)?"/i);
    }
  });

  it('answers errors in the documented shape', async () => {
    const unauth = await raw('GET', '/domains', undefined, 'wrong');
    expect(unauth.status).toBe(401);
    expect(unauth.data).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });

    const missing = await raw('GET', '/domains/nope.example');
    expect(missing.status).toBe(404);
    expect(missing.data.error.code).toBe('NOT_FOUND');

    const badJson = await axios.post(`${server.url}/domains`, '{"domain":', {
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
      validateStatus: () => true,
      proxy: false,
    });
    expect(badJson.status).toBe(400);
    expect(badJson.data.error).toEqual({ code: 'VALIDATION_FAILED', message: expect.any(String), details: { fields: { body: 'is not valid JSON' } } });

    const missingField = await raw('POST', '/accounts', { password: PASSWORD });
    expect(missingField.data.error.details.fields).toEqual({ email: 'is required' });

    const emptyPatch = await raw('PATCH', '/accounts/who@secret.example', {});
    expect(emptyPatch.status).toBe(400);

    const badQuota = await raw('PATCH', '/accounts/who@secret.example', { quotaMb: 0.5 });
    expect(badQuota.data.error.details.fields).toEqual({ quotaMb: 'must be a whole number' });

    const badDomain = await raw('POST', '/domains', { domain: '-bad-.example' });
    expect(badDomain.data.error.details.fields).toEqual({ domain: expect.stringContaining('domain name') });

    const method = await raw('PUT', '/domains');
    expect(method.status).toBe(405);
    expect(method.data.error.code).toBe('METHOD_NOT_ALLOWED');

    const route = await raw('GET', '/mailboxes');
    expect(route.status).toBe(404);
  });
});
