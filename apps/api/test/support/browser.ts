import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { makeApp, type TestApp } from './app';

export const ADMIN_DIR = path.resolve(__dirname, '../../../admin');
export const ADMIN_DIST = path.join(ADMIN_DIR, 'dist');
export const SCREENSHOT_DIR = path.resolve(__dirname, '../../test-output/screenshots');
const API_SRC = path.resolve(__dirname, '../../src');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
  '--disable-quic',
];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) {
    if (entry === 'node_modules' || entry === 'dist' || entry === 'generated') continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

function isStale(): boolean {
  const index = path.join(ADMIN_DIST, 'index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const sources = Math.max(
    ...['src', 'index.html', 'vite.config.ts', 'package.json', 'postcss.config.cjs'].map((f) => newestMtime(path.join(ADMIN_DIR, f))),
    newestMtime(path.join(API_SRC, 'modules')),
    newestMtime(path.join(API_SRC, 'core')),
  );
  return built <= sources;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Builds the admin SPA when dist/ is missing or older than its sources (the SPA bundles the
 * API's zod schemas, so API sources count too). Vite only: the type-check is `npm run build`'s job.
 * Jest runs test files in parallel, so one process builds while the others wait for it.
 */
export function ensureAdminBuild(): string {
  if (!isStale()) return ADMIN_DIST;
  const lock = path.join(os.tmpdir(), `mpanel-admin-build-${ADMIN_DIR.replace(/[^A-Za-z0-9]+/g, '_')}.lock`);
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // A lock left by a process that died mid-build is not waited on for ever.
      if (fs.existsSync(lock) && Date.now() - fs.statSync(lock).mtimeMs > 120_000) fs.rmSync(lock, { recursive: true, force: true });
      else sleep(250);
    }
  }
  try {
    if (!isStale()) return ADMIN_DIST;
    const vite = path.resolve(ADMIN_DIR, '../../node_modules/.bin/vite');
    const r = spawnSync(vite, ['build', '--logLevel', 'error'], { cwd: ADMIN_DIR, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
    if (r.status !== 0) throw new Error(`admin SPA build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    return ADMIN_DIST;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export interface AdminServer {
  t: TestApp;
  baseUrl: string;
  close: () => Promise<void>;
}

/** Serves `app` (built with ADMIN_DIST_DIR) on a free loopback port. */
export async function listen(app: TestApp['app']): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The real API (test DB, Redis) serving the built SPA on a free loopback port. */
export async function startAdminServer(overrides: Record<string, string> = {}): Promise<AdminServer> {
  const t = await makeApp({ ADMIN_DIST_DIR: ensureAdminBuild(), ...overrides });
  const http = await listen(t.app);
  return {
    t,
    baseUrl: http.baseUrl,
    close: async () => {
      await http.close();
      await t.close();
    },
  };
}

/** Fills the sign-in form and submits it. */
export async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and failed requests the page saw, for assertions and for debugging. */
  problems: string[];
  close: () => Promise<void>;
}

/** Debian's Chromium, headless, with a throw-away profile. */
export async function launchBrowser(opts: { viewport?: { width: number; height: number } } = {}): Promise<BrowserSession> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpanel-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: opts.viewport ?? { width: 1366, height: 860 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return {
    context,
    page,
    problems,
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page PNG under apps/api/test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  // Let loaders, toasts and chart animations settle so the picture shows the real screen.
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForTimeout(400);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
