import { Router, type RequestHandler } from 'express';
import type { Container } from './container';
import type { RouteEntry } from './core/admin-router';
import { auditRouter } from './modules/audit/audit.router';
import { tenantsRouter } from './modules/tenants/tenants.router';
import { ordersRouter } from './modules/orders/orders.router';

/**
 * Every admin-zone module router. Mounted at /api and again at /api/admin (spec §11);
 * `registry` collects each route with its role-matrix action.
 */
export function adminRoutes(c: Container, deps: { authenticate: RequestHandler; registry: RouteEntry[] }): Router {
  const r = Router();
  const shared = { authenticate: deps.authenticate, registry: deps.registry };
  r.use('/tenants', tenantsRouter({ ...shared, tenants: c.tenants }));
  r.use('/audit', auditRouter({ ...shared, audit: c.audit }));
  r.use('/orders', ordersRouter({ ...shared, orders: c.orders }));
  return r;
}
