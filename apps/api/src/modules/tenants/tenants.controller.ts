import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { ctxOf } from '../../core/types';
import type { TenantsService } from './tenants.service';
import { createTenantInput, listTenantsInput, tenantIdParams, updateTenantInput } from './tenants.types';

export function createTenantsController(tenants: TenantsService) {
  return {
    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listTenantsInput);
      res.json(await tenants.list(query));
    },
    async get(req: Request, res: Response) {
      const { params } = inputOf(req, tenantIdParams);
      res.json(await tenants.get(ctxOf(req), params.id));
    },
    async create(req: Request, res: Response) {
      const { body } = inputOf(req, createTenantInput);
      res.status(201).json(await tenants.create(ctxOf(req), body));
    },
    async update(req: Request, res: Response) {
      const { params, body } = inputOf(req, updateTenantInput);
      res.json(await tenants.update(ctxOf(req), params.id, body));
    },
    async deactivate(req: Request, res: Response) {
      const { params } = inputOf(req, tenantIdParams);
      res.json(await tenants.deactivate(ctxOf(req), params.id));
    },
    async activate(req: Request, res: Response) {
      const { params } = inputOf(req, tenantIdParams);
      res.json(await tenants.activate(ctxOf(req), params.id));
    },
  };
}
