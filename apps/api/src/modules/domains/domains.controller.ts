import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { ctxOf } from '../../core/types';
import type { DomainsService } from './domains.service';
import { domainIdParams, listDomainsInput } from './domains.types';

export function createDomainsController(domains: DomainsService) {
  return {
    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listDomainsInput);
      res.json(await domains.list(ctxOf(req), query));
    },
    async get(req: Request, res: Response) {
      const { params } = inputOf(req, domainIdParams);
      res.json(await domains.get(ctxOf(req), params.id));
    },
  };
}
