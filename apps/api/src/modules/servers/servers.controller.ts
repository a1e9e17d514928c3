import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { ctxOf } from '../../core/types';
import type { ServersService } from './servers.service';
import { createServerInput, listServersInput, serverIdParams, updateServerInput } from './servers.types';

export function createServersController(servers: ServersService) {
  return {
    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listServersInput);
      res.json(await servers.list(ctxOf(req), query));
    },
    async get(req: Request, res: Response) {
      const { params } = inputOf(req, serverIdParams);
      res.json(await servers.get(ctxOf(req), params.id));
    },
    async create(req: Request, res: Response) {
      const { body } = inputOf(req, createServerInput);
      res.status(201).json(await servers.create(ctxOf(req), body));
    },
    async update(req: Request, res: Response) {
      const { params, body } = inputOf(req, updateServerInput);
      res.json(await servers.update(ctxOf(req), params.id, body));
    },
    async remove(req: Request, res: Response) {
      const { params } = inputOf(req, serverIdParams);
      res.json(await servers.deactivate(ctxOf(req), params.id));
    },
    async check(req: Request, res: Response) {
      const { params } = inputOf(req, serverIdParams);
      res.status(202).json(await servers.check(ctxOf(req), params.id));
    },
  };
}
