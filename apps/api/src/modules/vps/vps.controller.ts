import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { ctxOf } from '../../core/types';
import type { VpsService } from './vps.service';
import { createVpsInput, listVpsInput, vpsIdParams, type VpsAction } from './vps.types';

export function createVpsController(vps: VpsService) {
  const action = (name: VpsAction) => async (req: Request, res: Response) => {
    const { params } = inputOf(req, vpsIdParams);
    res.status(202).json(await vps.act(ctxOf(req), params.id, name));
  };
  return {
    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listVpsInput);
      res.json(await vps.list(ctxOf(req), query));
    },
    async get(req: Request, res: Response) {
      const { params } = inputOf(req, vpsIdParams);
      res.json(await vps.get(ctxOf(req), params.id));
    },
    async create(req: Request, res: Response) {
      const { body } = inputOf(req, createVpsInput);
      res.status(202).json(await vps.create(ctxOf(req), body));
    },
    start: action('start'),
    stop: action('stop'),
    reboot: action('reboot'),
    destroy: action('destroy'),
  };
}

