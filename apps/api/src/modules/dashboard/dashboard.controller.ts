import type { Request, Response } from 'express';
import { ctxOf } from '../../core/types';
import type { DashboardService } from './dashboard.service';

export function createDashboardController(dashboard: DashboardService) {
  return {
    async get(req: Request, res: Response) {
      res.json(await dashboard.get(ctxOf(req)));
    },
  };
}
