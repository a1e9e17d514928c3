import type { RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createPlansController } from './plans.controller';
import type { PlansService } from './plans.service';
import { createPlanInput, listPlansInput, planIdParams, updatePlanInput } from './plans.types';

/** Admin zone: /api/plans (the website reads /api/public/plans, mounted elsewhere). */
export function plansRouter(deps: { plans: PlansService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createPlansController(deps.plans);
  const r = adminRouter('/plans', deps);
  r.get('/', 'plans.read', validate(listPlansInput), c.list);
  r.post('/', 'plans.write', validate(createPlanInput), c.create);
  r.get('/:id', 'plans.read', validate(planIdParams), c.get);
  r.patch('/:id', 'plans.write', validate(updatePlanInput), c.update);
  // Deletes only a plan no order or subscription refers to; a referenced one answers 409
  // PLAN_IN_USE, unchanged, and is retired with PATCH isActive=false instead.
  r.delete('/:id', 'plans.write', validate(planIdParams), c.remove);
  return r.router;
}
