import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { EnvError, loadEnv } from '../src/config/env';

const valid = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/mpanel',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  JWT_SECRET: 'a-jwt-secret-that-is-long-enough-123456',
  SECRETS_KEY: 'a-secrets-key-long-enough',
};

function errorOf(source: Record<string, string>): string {
  try {
    loadEnv(source);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return (err as Error).message;
  }
  throw new Error('expected loadEnv to fail');
}

describe('configuration', () => {
  it('accepts a minimal valid environment and fills the documented defaults', () => {
    const env = loadEnv(valid);
    expect(env.PORT).toBe(2271);
    expect(env.HOST).toBe('127.0.0.1');
    expect(env.DEFAULT_TENANT_SLUG).toBe('migrahosting');
    expect(env.POWERDNS_API_URL).toBe('http://127.0.0.1:8081/api/v1');
    expect(env.DNS_NAMESERVERS).toEqual(['ns1.migrahosting.com', 'ns2.migrahosting.com']);
  });

  it('names a missing variable', () => {
    const { DATABASE_URL: _omit, ...rest } = valid;
    expect(errorOf(rest)).toBe('Invalid configuration: DATABASE_URL is required');
  });

  it('names each malformed variable on its own line', () => {
    const msg = errorOf({ ...valid, PORT: 'eighty', REDIS_URL: 'http://nope', JWT_ACCESS_EXPIRES_IN: 'forever' });
    const lines = msg.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.split(' ')[2]).sort()).toEqual(['JWT_ACCESS_EXPIRES_IN', 'PORT', 'REDIS_URL']);
  });

  it('refuses a short JWT secret', () => {
    expect(errorOf({ ...valid, JWT_SECRET: 'short' })).toMatch(/^Invalid configuration: JWT_SECRET must be at least 32 characters/);
  });

  it('refuses the example secrets in production, and only there', () => {
    const example = { ...valid, JWT_SECRET: 'dev-only-jwt-secret-change-me-in-production-please', INTERNAL_API_KEYS: 'dev-internal-key-change-me' };
    expect(() => loadEnv(example)).not.toThrow();
    const msg = errorOf({ ...example, NODE_ENV: 'production' });
    expect(msg).toContain('JWT_SECRET still holds an example value');
    expect(msg).toContain('INTERNAL_API_KEYS');
  });

  it('stops the API process with one clear line and exit code 78', () => {
    const root = path.resolve(__dirname, '..', '..', '..');
    const { DATABASE_URL: _omit, ...rest } = valid;
    const r = spawnSync(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'apps/api/src/server.ts')], {
      cwd: os.tmpdir(), // no .env there to fill the gap
      env: { PATH: process.env.PATH, ...rest },
      encoding: 'utf8',
      timeout: 20000,
    });
    expect(r.status).toBe(78);
    expect(r.stderr.trim()).toBe('Invalid configuration: DATABASE_URL is required');
  });
});
