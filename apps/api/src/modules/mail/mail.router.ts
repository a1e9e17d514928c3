import type { RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createMailController } from './mail.controller';
import type { MailService } from './mail.service';
import { createMailAccountInput, listMailAccountsInput, mailAccountActionInput, mailAccountIdParams, resetPasswordInput } from './mail.types';

/** Admin zone: /api/mail. Every change answers 202 with the job that carries it out on mail-core. */
export function mailRouter(deps: { mail: MailService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createMailController(deps.mail);
  const r = adminRouter('/mail', deps);
  r.get('/accounts', 'mail.read', validate(listMailAccountsInput), c.list);
  r.post('/accounts', 'mail.write', validate(createMailAccountInput), c.create);
  r.get('/accounts/:id', 'mail.read', validate(mailAccountIdParams), c.get);
  r.post('/accounts/:id/disable', 'mail.write', validate(mailAccountActionInput), c.disable);
  r.post('/accounts/:id/enable', 'mail.write', validate(mailAccountActionInput), c.enable);
  r.post('/accounts/:id/reset-password', 'mail.write', validate(resetPasswordInput), c.resetPassword);
  r.delete('/accounts/:id', 'mail.delete', validate(mailAccountIdParams), c.remove);
  return r.router;
}
