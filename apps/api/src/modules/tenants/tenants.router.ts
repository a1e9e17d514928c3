import type { RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createTenantsController } from './tenants.controller';
import type { TenantsService } from './tenants.service';
import { createTenantInput, listTenantsInput, tenantIdParams, updateTenantInput } from './tenants.types';

/**
 * Admin zone, SUPER_ADMIN only: /api/tenants. A tenant is never deleted (everything it sold
 * hangs off it); deactivating one stops its staff signing in and empties its public catalog.
 */
export function tenantsRouter(deps: { tenants: TenantsService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createTenantsController(deps.tenants);
  const r = adminRouter('/tenants', deps);
  r.get('/', 'tenants.read', validate(listTenantsInput), c.list);
  r.post('/', 'tenants.write', validate(createTenantInput), c.create);
  r.get('/:id', 'tenants.read', validate(tenantIdParams), c.get);
  r.patch('/:id', 'tenants.write', validate(updateTenantInput), c.update);
  r.post('/:id/deactivate', 'tenants.write', validate(tenantIdParams), c.deactivate);
  r.post('/:id/activate', 'tenants.write', validate(tenantIdParams), c.activate);
  return r.router;
}
