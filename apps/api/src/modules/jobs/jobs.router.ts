import type { RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createJobsController } from './jobs.controller';
import type { JobsService } from './jobs.service';
import { jobIdParams, listJobsInput, retryJobInput } from './jobs.types';

/** Admin zone: /api/jobs. */
export function jobsRouter(deps: { jobs: JobsService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createJobsController(deps.jobs);
  const r = adminRouter('/jobs', deps);
  r.get('/', 'jobs.read', validate(listJobsInput), c.list);
  r.get('/:id', 'jobs.read', validate(jobIdParams), c.get);
  r.post('/:id/retry', 'jobs.retry', validate(retryJobInput), c.retry);
  return r.router;
}
