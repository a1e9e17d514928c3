import type { RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createTenantsController } from './tenants.controller';
import type { TenantsService } from './tenants.service';
import { listTenantsInput } from './tenants.types';

export function tenantsRouter(deps: { tenants: TenantsService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createTenantsController(deps.tenants);
  const r = adminRouter('/tenants', deps);
  r.get('/', 'tenants.read', validate(listTenantsInput), c.list);
  return r.router;
}
