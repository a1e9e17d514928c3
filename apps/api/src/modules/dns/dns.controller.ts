import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { ctxOf } from '../../core/types';
import type { DnsService } from './dns.service';
import { createZoneInput, listZonesInput, updateRecordsInput, zoneIdParams } from './dns.types';

/** Every change answers 202 with the job that carries it out. */
export function createDnsController(dns: DnsService) {
  return {
    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listZonesInput);
      res.json(await dns.list(ctxOf(req), query));
    },
    async get(req: Request, res: Response) {
      const { params } = inputOf(req, zoneIdParams);
      res.json(await dns.get(ctxOf(req), params.id));
    },
    async create(req: Request, res: Response) {
      const { body } = inputOf(req, createZoneInput);
      res.status(202).json(await dns.create(ctxOf(req), body));
    },
    async sync(req: Request, res: Response) {
      const { params } = inputOf(req, zoneIdParams);
      res.status(202).json(await dns.sync(ctxOf(req), params.id));
    },
    async updateRecords(req: Request, res: Response) {
      const { params, body } = inputOf(req, updateRecordsInput);
      res.status(202).json(await dns.updateRecords(ctxOf(req), params.id, body));
    },
    async remove(req: Request, res: Response) {
      const { params } = inputOf(req, zoneIdParams);
      res.status(202).json(await dns.remove(ctxOf(req), params.id));
    },
  };
}
