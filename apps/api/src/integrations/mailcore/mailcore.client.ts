import axios, { type AxiosResponse, type Method } from 'axios';
import { FarSideError, isRetryableStatus } from '../errors';
import type {
  CreateMailAccountInput,
  CreateMailAccountResult,
  EnsureDomainResult,
  MailAccount,
  MailcoreHealth,
  MailDomain,
} from './mailcore.types';

export type * from './mailcore.types';

export interface MailcoreClientOptions {
  /** e.g. http://127.0.0.1:8080/api */
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
}

export type MailcoreClient = ReturnType<typeof createMailcoreClient>;

interface WireError {
  error?: { code?: string; message?: string };
}

/** A create that hit 409 and then found nothing: someone deletes as fast as we create. Give up after this many rounds. */
const CONVERGE_ROUNDS = 3;

const domainPath = (domain: string) => `/domains/${encodeURIComponent(domain.trim().toLowerCase())}`;
const accountPath = (email: string) => `/accounts/${encodeURIComponent(email.trim().toLowerCase())}`;

/**
 * Thin client for mail-core (docs/mailcore-api.md). Creates converge instead of failing on 409 and
 * deletes of what is already gone succeed, so a retried job ends where the first one meant to.
 * Far-side failures become FarSideError('mailcore'); no error or detail carries a password or the key.
 */
export function createMailcoreClient(opts: MailcoreClientOptions) {
  const http = axios.create({
    baseURL: opts.baseUrl.replace(/\/+$/, ''),
    timeout: opts.timeoutMs ?? 10_000,
    headers: { Authorization: `Bearer ${opts.apiKey}`, Accept: 'application/json' },
    // A proxy from the environment must not see the key, nor route loopback traffic elsewhere.
    proxy: false,
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true },
  });

  async function call<T>(method: Method, path: string, expected: number[], data?: unknown): Promise<AxiosResponse<T>> {
    let res: AxiosResponse<T>;
    try {
      res = await http.request<T>({ method, url: path, data });
    } catch (err) {
      // Only the code and message leave: the axios error carries the request headers and body.
      const e = err as { code?: string; message?: string };
      throw new FarSideError('mailcore', `mail-core ${method} ${path} failed: ${e.code ?? e.message ?? 'no answer'}`, {
        retryable: true,
        details: { method, path, code: e.code },
      });
    }
    if (!expected.includes(res.status)) {
      const body = (res.data ?? {}) as WireError;
      const code = typeof body.error?.code === 'string' ? body.error.code : undefined;
      const text = typeof body.error?.message === 'string' ? body.error.message.slice(0, 500) : '';
      throw new FarSideError('mailcore', `mail-core ${method} ${path} answered ${res.status}${code ? ` ${code}` : ''}${text ? `: ${text}` : ''}`, {
        status: res.status,
        // A domain that still has mailboxes stays that way however often we ask.
        retryable: code === 'DOMAIN_NOT_EMPTY' ? false : isRetryableStatus(res.status),
        details: { method, path, status: res.status, code, error: text || undefined },
      });
    }
    return res;
  }

  const isStatus = (err: unknown, status: number) => err instanceof FarSideError && err.status === status;

  async function health(): Promise<MailcoreHealth> {
    return (await call<MailcoreHealth>('GET', '/health', [200])).data;
  }

  async function getDomain(domain: string): Promise<MailDomain | null> {
    const res = await call<MailDomain>('GET', domainPath(domain), [200, 404]);
    return res.status === 404 ? null : res.data;
  }

  /** Makes mail-core host the domain; an existing one is fine. */
  async function ensureDomain(domain: string): Promise<EnsureDomainResult> {
    for (let round = 1; ; round++) {
      try {
        const res = await call<MailDomain>('POST', '/domains', [201], { domain });
        return { domain: res.data, created: true };
      } catch (err) {
        if (!isStatus(err, 409)) throw err;
      }
      const existing = await getDomain(domain);
      if (existing) return { domain: existing, created: false };
      if (round >= CONVERGE_ROUNDS) throw new FarSideError('mailcore', `mail-core domain ${domain} keeps appearing and disappearing`, { status: 409, retryable: true });
    }
  }

  /** Removes the domain (`force`: with its accounts). Returns false when it was already gone. */
  async function deleteDomain(domain: string, options: { force?: boolean } = {}): Promise<boolean> {
    const res = await call('DELETE', `${domainPath(domain)}${options.force ? '?force=true' : ''}`, [204, 404]);
    return res.status === 204;
  }

  async function listAccounts(domain?: string): Promise<MailAccount[]> {
    const query = domain === undefined ? '' : `?domain=${encodeURIComponent(domain.trim().toLowerCase())}`;
    return (await call<{ accounts: MailAccount[] }>('GET', `/accounts${query}`, [200])).data.accounts;
  }

  async function getAccount(email: string): Promise<MailAccount | null> {
    const res = await call<MailAccount>('GET', accountPath(email), [200, 404]);
    return res.status === 404 ? null : res.data;
  }

  async function updateAccount(email: string, changes: { isActive?: boolean; quotaMb?: number }): Promise<MailAccount> {
    return (await call<MailAccount>('PATCH', accountPath(email), [200], changes)).data;
  }

  async function setActive(email: string, isActive: boolean): Promise<MailAccount> {
    return updateAccount(email, { isActive });
  }

  async function setPassword(email: string, password: string): Promise<void> {
    await call('POST', `${accountPath(email)}/password`, [204], { password });
  }

  /**
   * Creates the mailbox. When it exists already (an earlier attempt, or a mailbox created by hand)
   * it gets the password, quota and active flag asked for, so the caller ends in the same state.
   */
  async function createAccount(input: CreateMailAccountInput): Promise<CreateMailAccountResult> {
    const isActive = input.isActive ?? true;
    for (let round = 1; ; round++) {
      try {
        const res = await call<MailAccount>('POST', '/accounts', [201], { email: input.email, password: input.password, quotaMb: input.quotaMb });
        const account = isActive ? res.data : await setActive(input.email, false);
        return { account, created: true };
      } catch (err) {
        if (!isStatus(err, 409)) throw err;
      }
      try {
        await setPassword(input.email, input.password);
        const account = await updateAccount(input.email, { isActive, ...(input.quotaMb === undefined ? {} : { quotaMb: input.quotaMb }) });
        return { account, created: false };
      } catch (err) {
        // Deleted between our create and update: create it again.
        if (!isStatus(err, 404) || round >= CONVERGE_ROUNDS) throw err;
      }
    }
  }

  /** Returns false when the account was already gone. */
  async function deleteAccount(email: string): Promise<boolean> {
    const res = await call('DELETE', accountPath(email), [204, 404]);
    return res.status === 204;
  }

  return {
    health,
    getDomain,
    ensureDomain,
    deleteDomain,
    listAccounts,
    getAccount,
    createAccount,
    updateAccount,
    setActive,
    setPassword,
    deleteAccount,
  };
}
