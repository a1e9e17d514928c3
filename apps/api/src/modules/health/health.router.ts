import { Router, type Request, type Response } from 'express';
import type { HealthService } from './health.service';

export function healthRouter(health: HealthService) {
  const r = Router();
  r.get('/health', async (_req: Request, res: Response) => {
    const report = await health.check();
    res.setHeader('Cache-Control', 'no-store');
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
  return r;
}
