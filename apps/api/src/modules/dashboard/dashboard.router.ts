import type { RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createDashboardController } from './dashboard.controller';
import type { DashboardService } from './dashboard.service';
import { dashboardInput } from './dashboard.types';

/** Admin zone: GET /api/dashboard. */
export function dashboardRouter(deps: { dashboard: DashboardService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createDashboardController(deps.dashboard);
  const r = adminRouter('/dashboard', deps);
  r.get('/', 'dashboard.read', validate(dashboardInput), c.get);
  return r.router;
}
