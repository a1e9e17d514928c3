import type { RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createServersController } from './servers.controller';
import type { ServersService } from './servers.service';
import { createServerInput, listServersInput, serverIdParams, updateServerInput } from './servers.types';

/**
 * Admin zone: /api/servers (seed §8.1). DELETE is a soft delete (isActive false); a health
 * check is a SERVER_HEALTH_CHECK job answered 202, its result stored on the server row.
 */
export function serversRouter(deps: { servers: ServersService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createServersController(deps.servers);
  const r = adminRouter('/servers', deps);
  r.get('/', 'servers.read', validate(listServersInput), c.list);
  r.post('/', 'servers.write', validate(createServerInput), c.create);
  r.get('/:id', 'servers.read', validate(serverIdParams), c.get);
  r.patch('/:id', 'servers.write', validate(updateServerInput), c.update);
  r.delete('/:id', 'servers.delete', validate(serverIdParams), c.remove);
  r.post('/:id/check', 'servers.check', validate(serverIdParams), c.check);
  return r.router;
}
