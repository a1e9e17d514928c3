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
  return r;
}
