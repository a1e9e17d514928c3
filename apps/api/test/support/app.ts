import request from 'supertest';
import { createApp } from '../../src/app';
import { loadEnv, type Env } from '../../src/config/env';
import { createContainer, type Container } from '../../src/container';

export const TEST_INTERNAL_KEY = 'test-internal-key-0123456789abcdef';

export function testEnv(overrides: Record<string, string> = {}): Env {
  return loadEnv({ ...process.env, ...overrides });
}

export interface TestApp {
  c: Container;
  app: ReturnType<typeof createApp>;
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

/** The real app on the real test database and Redis (connected); call close() in afterAll. */
export async function makeApp(overrides: Record<string, string> = {}, opts: { waitForRedis?: boolean } = {}): Promise<TestApp> {
  const c = createContainer(testEnv(overrides));
  const app = createApp(c);
  if (opts.waitForRedis !== false) await c.ready(3000);
  return { c, app, http: () => request(app), close: () => c.close() };
}
