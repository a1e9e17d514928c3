import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { ctxOf } from '../../core/types';
import type { PlansService } from './plans.service';
import { createPlanInput, listPlansInput, planIdParams, updatePlanInput } from './plans.types';

export function createPlansController(plans: PlansService) {
  return {
    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listPlansInput);
      res.json(await plans.list(ctxOf(req), query));
    },
    async get(req: Request, res: Response) {
      const { params } = inputOf(req, planIdParams);
      res.json(await plans.get(ctxOf(req), params.id));
    },
    async create(req: Request, res: Response) {
      const { body } = inputOf(req, createPlanInput);
      res.status(201).json(await plans.create(ctxOf(req), body));
    },
    async update(req: Request, res: Response) {
      const { params, body } = inputOf(req, updatePlanInput);
      res.json(await plans.update(ctxOf(req), params.id, body));
    },
    async remove(req: Request, res: Response) {
      const { params } = inputOf(req, planIdParams);
      await plans.remove(ctxOf(req), params.id);
      res.status(204).end();
    },
  };
}
