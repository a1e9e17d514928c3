import type { RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createVpsController } from './vps.controller';
import type { VpsService } from './vps.service';
import { createVpsInput, listVpsInput, vpsActionInput, vpsIdParams } from './vps.types';

/** Admin zone: /api/vps. Every change answers 202 with the job that carries it out. */
export function vpsRouter(deps: { vps: VpsService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createVpsController(deps.vps);
  const r = adminRouter('/vps', deps);
  r.get('/', 'vps.read', validate(listVpsInput), c.list);
  r.post('/', 'vps.create', validate(createVpsInput), c.create);
  r.get('/:id', 'vps.read', validate(vpsIdParams), c.get);
  r.post('/:id/start', 'vps.control', validate(vpsActionInput), c.start);
  r.post('/:id/stop', 'vps.control', validate(vpsActionInput), c.stop);
  r.post('/:id/reboot', 'vps.control', validate(vpsActionInput), c.reboot);
  // Spec §8.4 names POST …/destroy; DELETE is the same thing.
  r.post('/:id/destroy', 'vps.destroy', validate(vpsActionInput), c.destroy);
  r.delete('/:id', 'vps.destroy', validate(vpsIdParams), c.destroy);
  return r.router;
}
