import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import type { TenantsService } from './tenants.service';
import { listTenantsInput } from './tenants.types';

export function createTenantsController(tenants: TenantsService) {
  return {
    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listTenantsInput);
      res.json(await tenants.list(query));
    },
  };
}
