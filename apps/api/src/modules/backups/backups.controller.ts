import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { ctxOf, metaOf } from '../../core/types';
import type { BackupsService } from './backups.service';
import { backupReportInput, createBackupJobInput, getBackupJobInput, listBackupJobsInput, rerunBackupJobInput, updateBackupJobInput } from './backups.types';

export function createBackupsController(backups: BackupsService) {
  return {
    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listBackupJobsInput);
      res.json(await backups.list(ctxOf(req), query));
    },
    async get(req: Request, res: Response) {
      const { params, query } = inputOf(req, getBackupJobInput);
      res.json(await backups.get(ctxOf(req), params.id, query));
    },
    async create(req: Request, res: Response) {
      const { body } = inputOf(req, createBackupJobInput);
      res.status(201).json(await backups.create(ctxOf(req), body));
    },
    async update(req: Request, res: Response) {
      const { params, body } = inputOf(req, updateBackupJobInput);
      res.json(await backups.update(ctxOf(req), params.id, body));
    },
    async rerun(req: Request, res: Response) {
      const { params } = inputOf(req, rerunBackupJobInput);
      res.status(202).json(await backups.rerun(ctxOf(req), params.id));
    },
    /** Internal zone: a backup script on a server reporting a run. */
    async report(req: Request, res: Response) {
      const { body } = inputOf(req, backupReportInput);
      res.status(201).json(await backups.report(body, metaOf(req)));
    },
  };
}
