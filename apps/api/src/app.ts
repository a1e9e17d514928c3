import fs from 'node:fs';
import path from 'node:path';
import cors from 'cors';
import express, { Router } from 'express';
import helmet from 'helmet';
import type { Container } from './container';
import type { RouteEntry } from './core/admin-router';
import { errorHandler, notFoundHandler } from './core/error-handler';
import { requestLog } from './core/request-log';
import { createLimiter } from './core/rate-limit';
import { authenticate, internalKey } from './core/zones';
import { internalKeys } from './config/env';
import { internalOrdersRouter } from './modules/orders/orders.router';
import { internalBackupsRouter } from './modules/backups/backups.router';
import { authRouter } from './modules/auth/auth.router';
import { publicCatalogRouter } from './modules/catalog/catalog.router';
import { publicPlansInput, publicProductsInput } from './modules/catalog/catalog.types';
import { validate } from './core/request-validator';
import { healthRouter } from './modules/health/health.router';
import { adminRoutes } from './routes';

/** Builds the HTTP app from a container. Tests drive it with supertest; server.ts listens. */
export function createApp(c: Container) {
  const { env, logger } = c;
  const app = express();
  const registry: RouteEntry[] = [];

  app.disable('x-powered-by');
  app.set('etag', false); // catalog routes set their own; admin JSON is never cached
  app.set('trust proxy', /^\d+$/.test(env.TRUST_PROXY) ? Number(env.TRUST_PROXY) : env.TRUST_PROXY);

  app.use(requestLog(logger));
  app.use(helmet({ crossOriginResourcePolicy: { policy: 'cross-origin' } }));
  app.use(express.json({ limit: '1mb' }));

  const rateLimitRedis = env.RATE_LIMIT_STORE === 'redis' ? c.redis : undefined;
  const publicLimiter = createLimiter({
    name: 'public',
    windowMs: 60_000,
    limit: env.RATE_LIMIT_PUBLIC_PER_MINUTE,
    redis: rateLimitRedis,
    prefix: env.QUEUE_PREFIX,
    logger,
    message: 'Too many requests, slow down',
  });
  const loginLimiter = createLimiter({
    name: 'login',
    windowMs: 15 * 60_000,
    limit: env.RATE_LIMIT_LOGIN_PER_15_MINUTES,
    redis: rateLimitRedis,
    prefix: env.QUEUE_PREFIX,
    logger,
    message: 'Too many sign-in attempts, try again in 15 minutes',
  });
  const requireUser = authenticate({ db: c.db, tokens: c.tokens });
  const adminCors = cors({ origin: env.CORS_ORIGINS, credentials: false, maxAge: 600 });
  const publicCors = cors({ origin: '*', methods: ['GET', 'HEAD', 'OPTIONS'], maxAge: 86400 });

  const api = Router();

  // Public zone (marketing website).
  const catalog = publicCatalogRouter({ catalog: c.catalog, maxAgeSeconds: env.PUBLIC_CACHE_TTL_SECONDS });
  api.use('/public', publicCors, publicLimiter, healthRouter(c.health), catalog.router);
  // Aliases from spec §6.2, mounted before the admin routers so `/plans/:id` never sees them.
  api.get('/products/public', publicCors, publicLimiter, validate(publicProductsInput), catalog.controller.products);
  api.get('/plans/public', publicCors, publicLimiter, validate(publicPlansInput), catalog.controller.plans);

  // Auth zone.
  api.use('/auth', adminCors, authRouter({ auth: c.auth, authenticate: requireUser, loginLimiter }));

  // Internal zone (srv1, cron scripts on servers): no CORS, a shared key.
  const requireInternal = internalKey(internalKeys(env));
  api.use(internalOrdersRouter({ orders: c.orders, internalKey: requireInternal }));
  api.use(internalBackupsRouter({ backups: c.backups, internalKey: requireInternal }));

  // Admin zone, under /api and /api/admin.
  const admin = adminRoutes(c, { authenticate: requireUser, registry });
  api.use('/admin', adminCors, admin);
  api.use(adminCors, admin);

  api.use(notFoundHandler);
  app.use('/api', api);

  serveAdminSpa(app, env.ADMIN_DIST_DIR);
  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  return Object.assign(app, { routeRegistry: registry });
}

/** Serves the built admin SPA at / with client-side routing; /api stays the API's. */
function serveAdminSpa(app: express.Express, dir: string) {
  if (!dir) return;
  const index = path.join(dir, 'index.html');
  if (!fs.existsSync(index)) return;
  app.use(express.static(dir, { index: false, maxAge: '1h', setHeaders: (res, file) => {
    // Vite fingerprints everything under assets/, so those can be cached for good.
    if (file.includes(`${path.sep}assets${path.sep}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
  } }));
  app.get(/^\/(?!api\/).*/, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}

export type App = ReturnType<typeof createApp>;
