import type { RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createAuditController } from './audit.controller';
import type { AuditService } from './audit.service';
import { auditIdParams, listAuditInput } from './audit.types';

/** Read-only on purpose: the API offers no way to change or delete an audit row. */
export function auditRouter(deps: { audit: AuditService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createAuditController(deps.audit);
  const r = adminRouter('/audit', deps);
  r.get('/', 'audit.read', validate(listAuditInput), c.list);
  r.get('/:id', 'audit.read', validate(auditIdParams), c.get);
  return r.router;
}
