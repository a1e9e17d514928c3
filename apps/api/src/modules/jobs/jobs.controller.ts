import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { ctxOf } from '../../core/types';
import type { JobsService } from './jobs.service';
import { jobIdParams, listJobsInput, retryJobInput } from './jobs.types';

export function createJobsController(jobs: JobsService) {
  return {
    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listJobsInput);
      res.json(await jobs.list(ctxOf(req), query));
    },
    async get(req: Request, res: Response) {
      const { params } = inputOf(req, jobIdParams);
      res.json(await jobs.get(ctxOf(req), params.id));
    },
    async retry(req: Request, res: Response) {
      const { params } = inputOf(req, retryJobInput);
      res.status(202).json(await jobs.retry(ctxOf(req), params.id));
    },
  };
}
