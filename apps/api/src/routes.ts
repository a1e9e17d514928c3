import { Router, type RequestHandler } from 'express';
import type { Container } from './container';
import type { RouteEntry } from './core/admin-router';
import { auditRouter } from './modules/audit/audit.router';
import { tenantsRouter } from './modules/tenants/tenants.router';
import { usersRouter } from './modules/users/users.router';
import { productsRouter } from './modules/products/products.router';
import { plansRouter } from './modules/plans/plans.router';
import { customersRouter } from './modules/customers/customers.router';
import { subscriptionsRouter } from './modules/subscriptions/subscriptions.router';
import { ordersRouter } from './modules/orders/orders.router';
import { vpsRouter } from './modules/vps/vps.router';
import { mailRouter } from './modules/mail/mail.router';
import { backupsRouter } from './modules/backups/backups.router';
import { jobsRouter } from './modules/jobs/jobs.router';
import { dashboardRouter } from './modules/dashboard/dashboard.router';
import { serversRouter } from './modules/servers/servers.router';
import { domainsRouter } from './modules/domains/domains.router';
import { dnsRouter } from './modules/dns/dns.router';
import { hostingRouter } from './modules/hosting/hosting.router';

/**
 * Every admin-zone module router. Mounted at /api and again at /api/admin (spec §11);
 * `registry` collects each route with its role-matrix action.
 */
export function adminRoutes(c: Container, deps: { authenticate: RequestHandler; registry: RouteEntry[] }): Router {
  const r = Router();
  const shared = { authenticate: deps.authenticate, registry: deps.registry };
  r.use('/tenants', tenantsRouter({ ...shared, tenants: c.tenants }));
  r.use('/users', usersRouter({ ...shared, users: c.users }));
  r.use('/products', productsRouter({ ...shared, products: c.products }));
  r.use('/plans', plansRouter({ ...shared, plans: c.plans }));
  r.use('/customers', customersRouter({ ...shared, customers: c.customers }));
  r.use('/subscriptions', subscriptionsRouter({ ...shared, subscriptions: c.subscriptions }));
  r.use('/audit', auditRouter({ ...shared, audit: c.audit }));
  r.use('/orders', ordersRouter({ ...shared, orders: c.orders }));
  r.use('/vps', vpsRouter({ ...shared, vps: c.vps }));
  r.use('/mail', mailRouter({ ...shared, mail: c.mail }));
  r.use('/backups', backupsRouter({ ...shared, backups: c.backups }));
  r.use('/jobs', jobsRouter({ ...shared, jobs: c.jobAdmin }));
  r.use('/dashboard', dashboardRouter({ ...shared, dashboard: c.dashboard }));
  r.use('/servers', serversRouter({ ...shared, servers: c.servers }));
  r.use('/domains', domainsRouter({ ...shared, domains: c.domains }));
  r.use('/dns', dnsRouter({ ...shared, dns: c.dns }));
  // Seed §8.3 names them /hosting/accounts; mounted first so "accounts" is never taken for an id.
  r.use('/hosting/accounts', hostingRouter({ ...shared, hosting: c.hosting }, '/hosting/accounts'));
  r.use('/hosting', hostingRouter({ ...shared, hosting: c.hosting }));
  return r;
}
