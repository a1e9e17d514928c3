import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { ctxOf } from '../../core/types';
import type { HostingService } from './hosting.service';
import { accountIdParams, createHostingInput, listHostingInput, terminateHostingInput } from './hosting.types';

/** Every change answers 202 with the job that carries it out on the web server. */
export function createHostingController(hosting: HostingService) {
  return {
    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listHostingInput);
      res.json(await hosting.list(ctxOf(req), query));
    },
    async get(req: Request, res: Response) {
      const { params } = inputOf(req, accountIdParams);
      res.json(await hosting.get(ctxOf(req), params.id));
    },
    async create(req: Request, res: Response) {
      const { body } = inputOf(req, createHostingInput);
      res.status(202).json(await hosting.create(ctxOf(req), body));
    },
    async suspend(req: Request, res: Response) {
      const { params } = inputOf(req, accountIdParams);
      res.status(202).json(await hosting.suspend(ctxOf(req), params.id));
    },
    async unsuspend(req: Request, res: Response) {
      const { params } = inputOf(req, accountIdParams);
      res.status(202).json(await hosting.unsuspend(ctxOf(req), params.id));
    },
    async terminate(req: Request, res: Response) {
      const { params, body } = inputOf(req, terminateHostingInput);
      res.status(202).json(await hosting.terminate(ctxOf(req), params.id, body));
    },
  };
}
