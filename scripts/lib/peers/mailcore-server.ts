/**
 * The mail-core API of docs/mailcore-api.md, in memory: what tests and `npm start` talk to on
 * loopback where production talks to the company's mail server. Passwords are kept only as scrypt
 * hashes and never leave; the key is compared in constant time.
 */
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { promisify } from 'node:util';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export const MAILCORE_VERSION = '1.0.0';

export interface MailDomainRecord {
  domain: string;
  createdAt: Date;
}

export interface MailAccountRecord {
  email: string;
  domain: string;
  /** `scrypt$<salt>$<hash>`, base64url. */
  passwordHash: string;
  quotaMb: number;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface MailcoreState {
  domains: Map<string, MailDomainRecord>;
  accounts: Map<string, MailAccountRecord>;
  /** Every request after authentication, oldest first (last 1000), for tests to see what a client did. */
  requests: Array<{ method: string; path: string; status: number }>;
  /** While true every authenticated request answers 503 UNAVAILABLE, as during a map rebuild. */
  unavailable: boolean;
  verifyPassword(email: string, password: string): Promise<boolean>;
}

export interface MailcoreServer {
  /** http://127.0.0.1:<port>/api */
  url: string;
  port: number;
  state: MailcoreState;
  stop(): Promise<void>;
}

const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const LOCAL_RE = /^(?!\.)(?!.*\.\.)[a-z0-9._%+-]{1,64}(?<!\.)$/;

/** A missing field says so; a present one of the wrong type names the type wanted. */
const typeError = (wanted: string) => (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : `must be ${wanted}`);

const domainName = z
  .string({ error: typeError('a string') })
  .transform((v) => v.trim().toLowerCase())
  .refine((v) => DOMAIN_RE.test(v), 'must be a domain name like example.com');

const emailAddress = z
  .string({ error: typeError('a string') })
  .transform((v) => v.trim().toLowerCase())
  .refine((v) => {
    const at = v.lastIndexOf('@');
    return v.length <= 254 && at > 0 && LOCAL_RE.test(v.slice(0, at)) && DOMAIN_RE.test(v.slice(at + 1));
  }, 'must be an e-mail address');

const password = z
  .string({ error: typeError('a string') })
  .min(8, 'must be at least 8 characters')
  .max(128, 'must be at most 128 characters')
  // eslint-disable-next-line no-control-regex
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters');

const quotaMb = z.number({ error: typeError('a number') }).int('must be a whole number').min(1, 'must be at least 1').max(1_048_576, 'must be at most 1048576');
const isActive = z.boolean({ error: typeError('true or false') });

const schemas = {
  createDomain: z.object({ domain: domainName }).strict(),
  createAccount: z.object({ email: emailAddress, password, quotaMb: quotaMb.optional() }).strict(),
  updateAccount: z
    .object({ isActive: isActive.optional(), quotaMb: quotaMb.optional() })
    .strict()
    .refine((v) => v.isActive !== undefined || v.quotaMb !== undefined, { message: 'give isActive or quotaMb', path: ['body'] }),
  setPassword: z.object({ password }).strict(),
};

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

function fieldsError(fields: Record<string, string>): ApiError {
  const message = Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  return new ApiError(400, 'VALIDATION_FAILED', message, { fields });
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw fieldsError({ body: 'must be a JSON object' });
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const fields: Record<string, string> = {};
  for (const issue of r.error.issues) {
    if (issue.code === 'unrecognized_keys') for (const k of issue.keys) fields[k] = 'is not a known field';
    else fields[String(issue.path[0] ?? 'body')] ??= issue.message;
  }
  throw fieldsError(fields);
}

function param<S extends z.ZodType>(schema: S, name: string, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw fieldsError({ [name]: r.error.issues[0]?.message ?? 'is invalid' });
  return r.data;
}

async function hashPassword(plain: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(plain, salt, 32);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

async function checkPassword(plain: string, stored: string): Promise<boolean> {
  const [, salt, hash] = stored.split('$');
  if (!salt || !hash) return false;
  const want = Buffer.from(hash, 'base64url');
  const got = await scrypt(plain, Buffer.from(salt, 'base64url'), want.length);
  return crypto.timingSafeEqual(want, got);
}

function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
  return crypto.timingSafeEqual(digest(a), digest(b));
}

function presentDomain(state: MailcoreState, d: MailDomainRecord) {
  let accountCount = 0;
  for (const a of state.accounts.values()) if (a.domain === d.domain) accountCount++;
  return { domain: d.domain, accountCount, createdAt: d.createdAt.toISOString() };
}

function presentAccount(a: MailAccountRecord) {
  return { email: a.email, domain: a.domain, quotaMb: a.quotaMb, isActive: a.isActive, createdAt: a.createdAt.toISOString(), updatedAt: a.updatedAt.toISOString() };
}

function buildApp(apiKey: string, state: MailcoreState) {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const api = express.Router();

  api.use((req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!m || !sameSecret(m[1].trim(), apiKey)) throw new ApiError(401, 'UNAUTHORIZED', 'a valid API key is required');
    res.on('finish', () => {
      state.requests.push({ method: req.method, path: req.originalUrl, status: res.statusCode });
      if (state.requests.length > 1000) state.requests.shift();
    });
    if (state.unavailable) throw new ApiError(503, 'UNAVAILABLE', 'mail-core is not serving requests right now');
    next();
  });
  api.use(express.json({ limit: '64kb' }));

  const findDomain = (raw: unknown) => {
    const name = param(domainName, 'domain', raw);
    const d = state.domains.get(name);
    if (!d) throw new ApiError(404, 'NOT_FOUND', `domain ${name} does not exist`);
    return d;
  };
  const findAccount = (raw: unknown) => {
    const email = param(emailAddress, 'email', raw);
    const a = state.accounts.get(email);
    if (!a) throw new ApiError(404, 'NOT_FOUND', `account ${email} does not exist`);
    return a;
  };
  const notAllowed = (req: Request) => {
    throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here`);
  };

  api.route('/health').get((_req, res) => {
    res.json({ status: 'ok', version: MAILCORE_VERSION, domains: state.domains.size, accounts: state.accounts.size });
  }).all(notAllowed);

  api
    .route('/domains')
    .get((_req, res) => {
      const list = [...state.domains.values()].sort((a, b) => a.domain.localeCompare(b.domain));
      res.json({ domains: list.map((d) => presentDomain(state, d)) });
    })
    .post((req, res) => {
      const { domain } = parse(schemas.createDomain, req.body);
      if (state.domains.has(domain)) throw new ApiError(409, 'ALREADY_EXISTS', `domain ${domain} already exists`);
      const rec = { domain, createdAt: new Date() };
      state.domains.set(domain, rec);
      res.status(201).json(presentDomain(state, rec));
    })
    .all(notAllowed);

  api
    .route('/domains/:domain')
    .get((req, res) => {
      res.json(presentDomain(state, findDomain(req.params.domain)));
    })
    .delete((req, res) => {
      const d = findDomain(req.params.domain);
      const force = req.query.force === 'true';
      const owned = [...state.accounts.values()].filter((a) => a.domain === d.domain);
      if (owned.length && !force) throw new ApiError(409, 'DOMAIN_NOT_EMPTY', `domain ${d.domain} still has ${owned.length} account(s)`);
      for (const a of owned) state.accounts.delete(a.email);
      state.domains.delete(d.domain);
      res.status(204).end();
    })
    .all(notAllowed);

  api
    .route('/accounts')
    .get((req, res) => {
      const filter = req.query.domain === undefined ? undefined : findDomain(req.query.domain).domain;
      const list = [...state.accounts.values()].filter((a) => !filter || a.domain === filter).sort((a, b) => a.email.localeCompare(b.email));
      res.json({ accounts: list.map(presentAccount) });
    })
    .post(async (req, res) => {
      const input = parse(schemas.createAccount, req.body);
      const domain = input.email.slice(input.email.lastIndexOf('@') + 1);
      if (state.accounts.has(input.email)) throw new ApiError(409, 'ALREADY_EXISTS', `account ${input.email} already exists`);
      if (!state.domains.has(domain)) throw new ApiError(422, 'DOMAIN_NOT_FOUND', `domain ${domain} is not hosted here`);
      const passwordHash = await hashPassword(input.password);
      // Checked again: another request may have created it while the hash was computed.
      if (state.accounts.has(input.email)) throw new ApiError(409, 'ALREADY_EXISTS', `account ${input.email} already exists`);
      const now = new Date();
      const rec: MailAccountRecord = { email: input.email, domain, passwordHash, quotaMb: input.quotaMb ?? 1024, isActive: true, createdAt: now, updatedAt: now };
      state.accounts.set(rec.email, rec);
      res.status(201).json(presentAccount(rec));
    })
    .all(notAllowed);

  api
    .route('/accounts/:email')
    .get((req, res) => {
      res.json(presentAccount(findAccount(req.params.email)));
    })
    .patch((req, res) => {
      const a = findAccount(req.params.email);
      const input = parse(schemas.updateAccount, req.body);
      if (input.isActive !== undefined) a.isActive = input.isActive;
      if (input.quotaMb !== undefined) a.quotaMb = input.quotaMb;
      a.updatedAt = new Date();
      res.json(presentAccount(a));
    })
    .delete((req, res) => {
      state.accounts.delete(findAccount(req.params.email).email);
      res.status(204).end();
    })
    .all(notAllowed);

  api
    .route('/accounts/:email/password')
    .post(async (req, res) => {
      const a = findAccount(req.params.email);
      const input = parse(schemas.setPassword, req.body);
      a.passwordHash = await hashPassword(input.password);
      a.updatedAt = new Date();
      res.status(204).end();
    })
    .all(notAllowed);

  api.use((req: Request) => {
    throw new ApiError(404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`);
  });

  app.use('/api', api);
  app.use((req: Request) => {
    throw new ApiError(404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`);
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number };
    let apiErr: ApiError;
    if (err instanceof ApiError) apiErr = err;
    else if (e.type === 'entity.parse.failed') apiErr = fieldsError({ body: 'is not valid JSON' });
    else if (e.type === 'entity.too.large') apiErr = new ApiError(413, 'PAYLOAD_TOO_LARGE', 'the body is over 64 KiB');
    else if (e.status && e.status >= 400 && e.status < 500) apiErr = fieldsError({ body: 'could not be read' });
    else apiErr = new ApiError(500, 'INTERNAL', 'mail-core failed to handle the request');
    res.status(apiErr.status).json({ error: { code: apiErr.code, message: apiErr.message, ...(apiErr.details ? { details: apiErr.details } : {}) } });
  });
  return app;
}

/** Starts mail-core on 127.0.0.1 (`port` 0 or absent: a free one). */
export async function startMailcoreServer(opts: { port?: number; apiKey: string }): Promise<MailcoreServer> {
  if (!opts.apiKey) throw new Error('mail-core needs a non-empty API key');
  const state: MailcoreState = {
    domains: new Map(),
    accounts: new Map(),
    requests: [],
    unavailable: false,
    async verifyPassword(email, plain) {
      const a = state.accounts.get(email.toLowerCase());
      return a ? checkPassword(plain, a.passwordHash) : false;
    },
  };
  const app = buildApp(opts.apiKey, state);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, '127.0.0.1');
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api`,
    port,
    state,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
