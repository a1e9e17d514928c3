import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { ctxOf } from '../../core/types';
import type { MailService } from './mail.service';
import { createMailAccountInput, listMailAccountsInput, mailAccountIdParams, resetPasswordInput } from './mail.types';

export function createMailController(mail: MailService) {
  const byId = (run: (ctx: ReturnType<typeof ctxOf>, id: string) => Promise<unknown>) => async (req: Request, res: Response) => {
    const { params } = inputOf(req, mailAccountIdParams);
    res.status(202).json(await run(ctxOf(req), params.id));
  };
  return {
    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listMailAccountsInput);
      res.json(await mail.list(ctxOf(req), query));
    },
    async get(req: Request, res: Response) {
      const { params } = inputOf(req, mailAccountIdParams);
      res.json(await mail.get(ctxOf(req), params.id));
    },
    async create(req: Request, res: Response) {
      const { body } = inputOf(req, createMailAccountInput);
      // The answer carries a password: no cache anywhere may keep it.
      res.setHeader('Cache-Control', 'no-store');
      res.status(202).json(await mail.create(ctxOf(req), body));
    },
    async resetPassword(req: Request, res: Response) {
      const { params, body } = inputOf(req, resetPasswordInput);
      res.setHeader('Cache-Control', 'no-store');
      res.status(202).json(await mail.resetPassword(ctxOf(req), params.id, body));
    },
    disable: byId(mail.disable),
    enable: byId(mail.enable),
    remove: byId(mail.remove),
  };
}
