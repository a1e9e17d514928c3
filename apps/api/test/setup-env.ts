// Defaults for variables scripts/test.ts does not set, so a test file can also run on its own
// (`npx jest` with DATABASE_URL pointing at a migrated database).
const defaults: Record<string, string> = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  LOG_FILE: '',
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/mpanel_test',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  JWT_SECRET: 'test-jwt-secret-that-is-at-least-32-characters',
  SECRETS_KEY: 'test-secrets-key-0123456789',
  INTERNAL_API_KEYS: 'test-internal-key-0123456789abcdef',
  MARKETING_WEBHOOK_SECRET: 'test-marketing-secret-0123456789',
  BCRYPT_ROUNDS: '4',
  RATE_LIMIT_LOGIN_PER_15_MINUTES: '100000',
  RATE_LIMIT_PUBLIC_PER_MINUTE: '100000',
  SEED_ADMIN_PASSWORD: 'Test-Admin-Password-1',
  QUEUE_PREFIX: 'mpanel_test',
};
for (const [k, v] of Object.entries(defaults)) if (!process.env[k]) process.env[k] = v;
// Secrets from a developer's .env must not leak into tests that assert on them.
process.env.JWT_SECRET = defaults.JWT_SECRET;
process.env.INTERNAL_API_KEYS = defaults.INTERNAL_API_KEYS;
process.env.MARKETING_WEBHOOK_SECRET = defaults.MARKETING_WEBHOOK_SECRET;
process.env.BCRYPT_ROUNDS = defaults.BCRYPT_ROUNDS;
process.env.RATE_LIMIT_LOGIN_PER_15_MINUTES = defaults.RATE_LIMIT_LOGIN_PER_15_MINUTES;
process.env.RATE_LIMIT_PUBLIC_PER_MINUTE = defaults.RATE_LIMIT_PUBLIC_PER_MINUTE;
// Failure notices go to an SMTP receiver only in the test that starts one.
process.env.ALERT_EMAILS = '';
