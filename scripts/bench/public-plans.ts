/**
 * The marketing website's hottest read: GET /api/public/plans through the whole public zone
 * (request id + logging, helmet, CORS, Redis rate limit, query validation, catalog cache) against
 * a bare Express 5 route answering the same JSON. Also the revalidation path: If-None-Match → 304.
 */
import express from 'express';
import { baselineRow, compareRow, type Goal, type ResultRow } from './report';
import { loadInterleaved, type HttpLoad } from './runner';
import type { Scenario } from './scenario';

const GOAL: Goal = { minRatio: 0.9, maxP99Ms: 15 };
const PATH = '/api/public/plans';

export const publicPlans: Scenario = {
  name: 'public-plans',
  description: `GET ${PATH} (200 and 304) vs a bare Express 5 route with the same JSON`,
  async run(ctx) {
    const first = await fetch(`${ctx.apiUrl}${PATH}`);
    const body = await first.text();
    const etag = first.headers.get('etag');
    if (first.status !== 200 || !etag) throw new Error(`${PATH} answered ${first.status} ${body.slice(0, 200)}`);
    const plans = JSON.parse(body) as { plans: unknown[] };
    if (!plans.plans.length) throw new Error(`${PATH} lists no plans: the demo seed did not run`);

    // What an Express 5 app does with no middleware at all: res.json with the framework's defaults.
    const bare = express();
    bare.get(PATH, (_req, res) => {
      res.json(plans);
    });
    const bareUrl = await ctx.serve(bare);

    const loads: HttpLoad[] = [
      { target: 'bare express', url: `${bareUrl}${PATH}`, expectStatus: 200 },
      { target: 'mpanel 200', url: `${ctx.apiUrl}${PATH}`, expectStatus: 200 },
      { target: 'mpanel 304', url: `${ctx.apiUrl}${PATH}`, headers: { 'if-none-match': etag }, expectStatus: 304 },
    ];
    ctx.log(`${this.name}: ${loads.map((l) => l.target).join(', ')} in ${ctx.config.rounds} rounds…`);
    const [baseline, ok, notModified] = await loadInterleaved(loads, ctx.config);
    const rows: ResultRow[] = [
      baselineRow(this.name, baseline),
      compareRow(this.name, ok, baseline, GOAL),
      compareRow(this.name, notModified, baseline, GOAL),
    ];
    return rows;
  },
};
