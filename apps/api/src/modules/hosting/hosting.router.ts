import type { RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createHostingController } from './hosting.controller';
import type { HostingService } from './hosting.service';
import { accountIdParams, createHostingInput, listHostingInput, terminateHostingInput } from './hosting.types';

/**
 * Admin zone: hosting accounts at `base` — /hosting, and /hosting/accounts as seed §8.3 names
 * them. Suspend, unsuspend and terminate are jobs running the host scripts (202).
 */
export function hostingRouter(deps: { hosting: HostingService; authenticate: RequestHandler; registry: RouteEntry[] }, base = '/hosting') {
  const c = createHostingController(deps.hosting);
  const r = adminRouter(base, deps);
  r.get('/', 'hosting.read', validate(listHostingInput), c.list);
  r.post('/', 'hosting.create', validate(createHostingInput), c.create);
  r.get('/:id', 'hosting.read', validate(accountIdParams), c.get);
  r.post('/:id/suspend', 'hosting.suspend', validate(accountIdParams), c.suspend);
  r.post('/:id/unsuspend', 'hosting.suspend', validate(accountIdParams), c.unsuspend);
  r.post('/:id/terminate', 'hosting.terminate', validate(terminateHostingInput), c.terminate);
  return r.router;
}
