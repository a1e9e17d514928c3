import { Router, type RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createBackupsController } from './backups.controller';
import type { BackupsService } from './backups.service';
import { backupReportInput, createBackupJobInput, getBackupJobInput, listBackupJobsInput, rerunBackupJobInput, updateBackupJobInput } from './backups.types';

/** Admin zone: /api/backups. */
export function backupsRouter(deps: { backups: BackupsService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createBackupsController(deps.backups);
  const r = adminRouter('/backups', deps);
  r.get('/jobs', 'backups.read', validate(listBackupJobsInput), c.list);
  r.post('/jobs', 'backups.write', validate(createBackupJobInput), c.create);
  r.get('/jobs/:id', 'backups.read', validate(getBackupJobInput), c.get);
  r.patch('/jobs/:id', 'backups.write', validate(updateBackupJobInput), c.update);
  r.post('/jobs/:id/rerun', 'backups.run', validate(rerunBackupJobInput), c.rerun);
  return r.router;
}

/**
 * Internal zone: backup scripts on servers report at `POST /api/backups/report` (spec §8.6),
 * also answered at `/api/internal/backups/report`.
 */
export function internalBackupsRouter(deps: { backups: BackupsService; internalKey: RequestHandler }) {
  const c = createBackupsController(deps.backups);
  const r = Router();
  r.post('/backups/report', deps.internalKey, validate(backupReportInput), c.report);
  r.post('/internal/backups/report', deps.internalKey, validate(backupReportInput), c.report);
  return r;
}
