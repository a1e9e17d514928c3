import { z } from 'zod';

/** Values shipped in .env.example: fine on a laptop, refused when NODE_ENV=production. */
const EXAMPLE_SECRETS = new Set([
  'CHANGE_ME',
  'super-secret-jwt-key',
  'dev-only-jwt-secret-change-me-in-production-please',
  'dev-internal-key-change-me',
  'dev-secrets-key-change-me-in-production',
  'ChangeMe-Admin-2271!',
]);

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const csv = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const duration = z.string().regex(/^\d+[smhd]$/, 'must look like 15m, 7d, 3600s');

const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a ${protocols.join(' or ')} URL`);

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(2271),
  HOST: z.string().min(1).default('127.0.0.1'),
  TRUST_PROXY: z.string().default('loopback'),
  APP_URL: url(['http:', 'https:']).default('http://127.0.0.1:2271'),
  CORS_ORIGINS: csv.default(['http://127.0.0.1:5173', 'http://localhost:5173']),
  ADMIN_DIST_DIR: z.string().default(''),

  DATABASE_URL: url(['postgresql:', 'postgres:']),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: url(['redis:', 'rediss:']),

  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  JWT_ACCESS_EXPIRES_IN: duration.default('15m'),
  JWT_REFRESH_EXPIRES_IN: duration.default('7d'),
  BCRYPT_ROUNDS: z.coerce.number().int().min(4).max(15).default(12),

  INTERNAL_API_KEYS: csv.default([]),
  MARKETING_WEBHOOK_SECRET: z.string().default(''),
  STRIPE_WEBHOOK_SECRET: z.string().default(''),
  SECRETS_KEY: z.string().min(16, 'must be at least 16 characters'),

  DEFAULT_TENANT_SLUG: z.string().regex(/^[a-z0-9-]+$/).default('migrahosting'),
  PUBLIC_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(86400).default(60),
  RATE_LIMIT_PUBLIC_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_LOGIN_PER_15_MINUTES: z.coerce.number().int().min(1).default(20),
  RATE_LIMIT_STORE: z.enum(['redis', 'memory']).default('redis'),

  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FILE: z.string().default(''),

  EMAIL_FROM: z.string().email().default('no-reply@migrahosting.com'),
  SMTP_HOST: z.string().default('127.0.0.1'),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(2525),
  SMTP_USER: z.string().default(''),
  SMTP_PASS: z.string().default(''),
  SMTP_SECURE: bool.default(false),
  ALERT_EMAILS: csv.default([]),

  POWERDNS_API_URL: url(['http:', 'https:']).default('http://127.0.0.1:8081/api/v1'),
  POWERDNS_API_KEY: z.string().default(''),
  POWERDNS_SERVER_ID: z.string().default('localhost'),
  DNS_NAMESERVERS: csv.default(['ns1.migrahosting.com', 'ns2.migrahosting.com']),
  DNS_HOSTMASTER: z.string().default('hostmaster.migrahosting.com'),
  DNS_DEFAULT_TTL: z.coerce.number().int().min(60).max(86400).default(3600),

  MAILCORE_API_URL: url(['http:', 'https:']).default('http://127.0.0.1:8080/api'),
  MAILCORE_API_KEY: z.string().default(''),

  SSH_PRIVATE_KEY_PATH: z.string().default(''),
  SSH_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10000),
  SSH_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).default(120000),
  HOST_SCRIPTS_DIR: z.string().regex(/^\/[A-Za-z0-9._\/-]*$/, 'must be an absolute path of plain characters').default('/opt/mpanel/host'),
  HOST_SCRIPTS_SUDO: bool.default(false),

  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).default(30000),
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(30000),
  JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  JOB_BACKOFF_MS: z.coerce.number().int().min(10).default(5000),
  OUTBOX_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
  QUEUE_PREFIX: z.string().regex(/^[a-zA-Z0-9:_-]+$/).default('mpanel'),

  SEED_ADMIN_PASSWORD: z.string().default(''),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvError';
  }
}

/**
 * Validates configuration. Throws an EnvError whose message is one line per bad variable,
 * naming it, so a misconfigured process stops with something an operator can act on.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const raw = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  ) as Record<string, string>;
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '');
      const why = i.code === 'invalid_type' && raw[name] === undefined ? 'is required' : i.message;
      return `Invalid configuration: ${name} ${why}`;
    });
    throw new EnvError(lines.join('\n'));
  }
  const env = parsed.data;
  if (env.NODE_ENV === 'production') {
    const weak = (
      [
        'JWT_SECRET',
        'SECRETS_KEY',
        'MARKETING_WEBHOOK_SECRET',
        'STRIPE_WEBHOOK_SECRET',
        'POWERDNS_API_KEY',
        'MAILCORE_API_KEY',
        'SMTP_PASS',
      ] as const
    ).filter((k) => EXAMPLE_SECRETS.has(env[k]));
    const weakKeys = env.INTERNAL_API_KEYS.some((k) => EXAMPLE_SECRETS.has(k) || k.length < 24);
    if (weakKeys) weak.push('INTERNAL_API_KEYS' as never);
    if (weak.length) {
      throw new EnvError(
        weak.map((k) => `Invalid configuration: ${k} still holds an example value; set a real secret for production`).join('\n'),
      );
    }
  }
  return env;
}

/** Every key that authenticates the internal zone: the dedicated list plus the marketing secret. */
export function internalKeys(env: Env): string[] {
  return [...env.INTERNAL_API_KEYS, env.MARKETING_WEBHOOK_SECRET].filter((k) => k.length > 0);
}
