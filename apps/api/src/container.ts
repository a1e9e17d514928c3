import { createTokenSigner } from './config/auth';
import { createDb, type Db } from './config/database';
import type { Env } from './config/env';
import { createLogger, type Logger } from './config/logger';
import { createRedis, type Redis } from './config/redis';
import { createAuditService } from './modules/audit/audit.service';
import { createAuthService } from './modules/auth/auth.service';
import { createCatalogCache } from './modules/catalog/catalog.cache';
import { createCatalogService } from './modules/catalog/catalog.service';
import { createHealthService } from './modules/health/health.service';
import { createTenantsService } from './modules/tenants/tenants.service';
import { createUsersService } from './modules/users/users.service';
import { createProductsService } from './modules/products/products.service';
import { createPlansService } from './modules/plans/plans.service';
import { createCustomersService } from './modules/customers/customers.service';
import { createSubscriptionsService } from './modules/subscriptions/subscriptions.service';
import { createOrdersService } from './modules/orders/orders.service';
import { createServersService } from './modules/servers/servers.service';
import { createDomainsService } from './modules/domains/domains.service';
import { createDnsService } from './modules/dns/dns.service';
import { createHostingService } from './modules/hosting/hosting.service';
import { createPowerDnsClient } from './integrations/powerdns/powerdns.client';
import { createVpsService } from './modules/vps/vps.service';
import { createMailService } from './modules/mail/mail.service';
import { createBackupsService } from './modules/backups/backups.service';
import { createJobsService } from './modules/jobs/jobs.service';
import { createDashboardService } from './modules/dashboard/dashboard.service';
import { createJobDispatcher } from './jobs/dispatcher';
import { createJobQueue } from './jobs/queue';
import { VERSION } from './version';

export interface ContainerOptions {
  logger?: Logger;
  /** Listen for catalog invalidations from other API instances (the HTTP server does). */
  subscribeCatalog?: boolean;
}

/** The one place that builds every service from configuration; server, worker and tests share it. */
export function createContainer(env: Env, opts: ContainerOptions = {}) {
  const logger = opts.logger ?? createLogger(env);
  const db: Db = createDb(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
  const redis: Redis = createRedis(env.REDIS_URL, 'api');
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis connection error'));
  const closers: Array<() => Promise<unknown>> = [];

  const tokens = createTokenSigner({ secret: env.JWT_SECRET, accessTtl: env.JWT_ACCESS_EXPIRES_IN, refreshTtl: env.JWT_REFRESH_EXPIRES_IN });
  const audit = createAuditService({ db });
  const auth = createAuthService({ db, tokens, audit, logger, defaultTenantSlug: env.DEFAULT_TENANT_SLUG });

  const catalogChannel = `${env.QUEUE_PREFIX}:catalog:invalidate`;
  const catalogCache = createCatalogCache(env.PUBLIC_CACHE_TTL_SECONDS * 1000);
  const catalog = createCatalogService({
    db,
    cache: catalogCache,
    logger,
    defaultTenantSlug: env.DEFAULT_TENANT_SLUG,
    broadcast: async (tenantId) => {
      await redis.publish(catalogChannel, tenantId);
    },
  });
  if (opts.subscribeCatalog) {
    const sub = createRedis(env.REDIS_URL, 'blocking');
    sub.on('error', (err) => logger.debug({ err: err.message }, 'redis subscriber error'));
    sub.subscribe(catalogChannel).catch((err) => logger.warn({ err }, 'catalog subscription failed'));
    sub.on('message', (_channel, tenantId: string) => catalogCache.invalidate(tenantId));
    closers.push(async () => sub.quit().catch(() => sub.disconnect()));
  }

  const health = createHealthService({ db, redis, version: VERSION });
  const tenants = createTenantsService({ db, audit, catalog });
  const users = createUsersService({ db, audit, bcryptRounds: env.BCRYPT_ROUNDS });
  const products = createProductsService({ db, audit, catalog });
  const plans = createPlansService({ db, audit, catalog });
  const customers = createCustomersService({ db, audit });
  const subscriptions = createSubscriptionsService({ db, audit });

  const jobQueue = createJobQueue({ redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, backoffMs: env.JOB_BACKOFF_MS, logger });
  closers.push(() => jobQueue.close());
  const jobs = createJobDispatcher({ db, queue: jobQueue, logger, maxAttempts: env.JOB_MAX_ATTEMPTS });
  const orders = createOrdersService({ db, audit, jobs, logger, defaultTenantSlug: env.DEFAULT_TENANT_SLUG });
  const vps = createVpsService({ db, audit, jobs });
  const mail = createMailService({ db, audit, jobs, secretsKey: env.SECRETS_KEY });
  const backups = createBackupsService({ db, audit, jobs });
  const jobAdmin = createJobsService({ db, audit, queue: jobQueue, logger });
  const dashboard = createDashboardService({ db });
  // The API reads zones from PowerDNS for the record editor; every write goes through a job.
  const powerdns = createPowerDnsClient({ baseUrl: env.POWERDNS_API_URL, apiKey: env.POWERDNS_API_KEY, serverId: env.POWERDNS_SERVER_ID });
  const servers = createServersService({ db, audit, jobs });
  const domains = createDomainsService({ db });
  const dns = createDnsService({ db, audit, jobs, powerdns, logger });
  const hosting = createHostingService({ db, audit, jobs });

  return {
    env,
    logger,
    db,
    redis,
    tokens,
    audit,
    auth,
    catalog,
    catalogCache,
    health,
    tenants,
    users,
    products,
    plans,
    customers,
    subscriptions,
    jobQueue,
    jobs,
    orders,
    vps,
    mail,
    backups,
    jobAdmin,
    dashboard,
    servers,
    domains,
    dns,
    hosting,
    /** Resolves once Redis is connected, or after `timeoutMs` (the API still serves; health says why). */
    async ready(timeoutMs = 5000): Promise<boolean> {
      if (redis.status === 'ready') return true;
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async close() {
      for (const close of closers.reverse()) await close();
      await redis.quit().catch(() => redis.disconnect());
      await db.$disconnect();
    },
  };
}

export type Container = ReturnType<typeof createContainer>;
