import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { ctxOf } from '../../core/types';
import type { AuditService } from './audit.service';
import { auditIdParams, listAuditInput } from './audit.types';

export function createAuditController(audit: AuditService) {
  return {
    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listAuditInput);
      res.json(await audit.list(ctxOf(req).actor, query));
    },
    async get(req: Request, res: Response) {
      const { params } = inputOf(req, auditIdParams);
      res.json(await audit.get(ctxOf(req).actor, params.id));
    },
  };
}
