import type { RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createDomainsController } from './domains.controller';
import type { DomainsService } from './domains.service';
import { domainIdParams, listDomainsInput } from './domains.types';

/**
 * Admin zone: /api/domains, read-only. Domains are created by orders (or with a DNS zone);
 * what changes them is their zone, hosting and mail, each in its own module.
 */
export function domainsRouter(deps: { domains: DomainsService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createDomainsController(deps.domains);
  const r = adminRouter('/domains', deps);
  r.get('/', 'domains.read', validate(listDomainsInput), c.list);
  r.get('/:id', 'domains.read', validate(domainIdParams), c.get);
  return r.router;
}
