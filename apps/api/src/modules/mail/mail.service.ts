import type { Db, DbTx } from '../../config/database';
import { AppError, Conflict, NotFound } from '../../core/errors';
import { pageArgs, toPage } from '../../core/pagination';
import { generatePassword, seal } from '../../core/secrets';
import type { Ctx } from '../../core/types';
import type { MailStatus, Prisma } from '../../generated/prisma/client';
import type { JobDispatcher } from '../../jobs/dispatcher';
import type { JobPayload } from '../../jobs/registry';
import { auditFrom, type AuditService } from '../audit/audit.service';
import { jobsAbout, jobView, openJobFor } from '../jobs/jobs.open';
import type { CreateMailAccount, ListMailAccountsQuery } from './mail.types';

/** What a sealed mailbox password is for; bound into the ciphertext so it opens for nothing else. */
export const MAIL_PASSWORD_PURPOSE = 'mail-account-password';

type Action = JobPayload<'MAIL_ACCOUNT_ACTION'>['action'];

const SUMMARY = { domain: { select: { id: true, name: true } } } satisfies Prisma.MailAccountInclude;

/** Which states each action makes sense from; anything else is a 409 naming the state. */
const ALLOWED_FROM: Record<Exclude<Action, 'create'>, readonly MailStatus[]> = {
  disable: ['ACTIVE'],
  enable: ['DISABLED'],
  'reset-password': ['ACTIVE', 'DISABLED'],
  delete: ['ACTIVE', 'DISABLED', 'PENDING'],
};

/**
 * Mailboxes on mail-core. A password is shown once, in the 202 answer that set it; on its way to
 * the worker it is sealed inside the job's payload, and the worker removes it once mail-core has it.
 */
export function createMailService(deps: { db: Db; audit: AuditService; jobs: JobDispatcher; secretsKey: string }) {
  const { db, audit, jobs, secretsKey } = deps;
  const sealed = (password: string) => seal(secretsKey, password, MAIL_PASSWORD_PURPOSE);

  async function find(tx: DbTx, ctx: Ctx, id: string) {
    const account = await tx.mailAccount.findFirst({ where: { id, tenantId: ctx.actor.tenantId } });
    if (!account) throw NotFound('Mail account');
    return account;
  }

  /** Checks the state and that nothing else is under way for the account, then writes the job and its audit row. */
  async function queue(ctx: Ctx, id: string, action: Exclude<Action, 'create'>, password?: string) {
    const { account, job } = await db.$transaction(async (tx) => {
      const account = await find(tx, ctx, id);
      if (!ALLOWED_FROM[action].includes(account.status)) {
        throw Conflict(`Cannot ${action} a mailbox that is ${account.status}`, { status: account.status, allowedFrom: ALLOWED_FROM[action] }, 'INVALID_STATE');
      }
      const open = await openJobFor(tx, ctx.actor.tenantId, ['MAIL_ACCOUNT_ACTION'], 'mailAccountId', id);
      if (open) throw Conflict(`Job ${open.id} is still ${open.status} for this mailbox; wait for it to finish`, { job: open }, 'JOB_IN_PROGRESS');
      const [job] = await jobs.create(tx, ctx.actor.tenantId, [
        { type: 'MAIL_ACCOUNT_ACTION', payload: { mailAccountId: id, action, ...(password !== undefined && { sealedPassword: sealed(password) }) } },
      ]);
      await audit.record(
        auditFrom(ctx.actor, ctx.meta, { action: `mail.account.${action.replace('-', '_')}`, targetType: 'MailAccount', targetId: id, details: { email: account.email, status: account.status, jobId: job.id } }),
        tx,
      );
      return { account, job };
    });
    await jobs.dispatch([job]);
    return { job: jobView(job), mailAccount: account };
  }

  return {
    async list(ctx: Ctx, q: ListMailAccountsQuery) {
      const where: Prisma.MailAccountWhereInput = {
        tenantId: ctx.actor.tenantId,
        ...(q.domainId && { domainId: q.domainId }),
        ...(q.domain && { domain: { name: q.domain } }),
        ...(q.status && { status: q.status }),
        ...(q.search && { email: { contains: q.search.toLowerCase() } }),
      };
      const [total, items] = await Promise.all([
        db.mailAccount.count({ where }),
        db.mailAccount.findMany({ where, orderBy: [{ [q.sort]: q.order }, { id: q.order }], ...pageArgs(q), include: SUMMARY }),
      ]);
      return toPage(items, total, q);
    },

    /** A mailbox with its domain and the jobs that acted on it. */
    async get(ctx: Ctx, id: string) {
      const account = await db.mailAccount.findFirst({ where: { id, tenantId: ctx.actor.tenantId }, include: { domain: { select: { id: true, name: true, status: true } } } });
      if (!account) throw NotFound('Mail account');
      return { ...account, jobs: await jobsAbout(db, ctx.actor.tenantId, ['MAIL_ACCOUNT_ACTION'], 'mailAccountId', id) };
    },

    /** A PENDING row and the job that creates the mailbox; the password comes back here and nowhere else. */
    async create(ctx: Ctx, input: CreateMailAccount) {
      const password = input.password ?? generatePassword();
      const tenantId = ctx.actor.tenantId;
      const { account, job } = await db.$transaction(async (tx) => {
        const domain = await tx.domain.findFirst({ where: { id: input.domainId, tenantId } });
        if (!domain) throw new AppError(404, 'NOT_FOUND', 'Domain not found', [{ path: 'body.domainId', message: 'no such domain in this tenant' }]);
        const email = `${input.localPart}@${domain.name}`;
        if (await tx.mailAccount.findUnique({ where: { email }, select: { id: true } })) {
          throw Conflict(`Mailbox ${email} already exists`, [{ path: 'body.localPart', message: 'is taken on this domain' }], 'ALREADY_EXISTS');
        }
        const account = await tx.mailAccount.create({ data: { tenantId, domainId: domain.id, email, quotaMb: input.quotaMb, status: 'PENDING' }, include: SUMMARY });
        const [job] = await jobs.create(tx, tenantId, [{ type: 'MAIL_ACCOUNT_ACTION', payload: { mailAccountId: account.id, action: 'create', sealedPassword: sealed(password) } }]);
        await audit.record(
          auditFrom(ctx.actor, ctx.meta, {
            action: 'mail.account.created',
            targetType: 'MailAccount',
            targetId: account.id,
            details: { after: { email, domainId: domain.id, quotaMb: account.quotaMb, status: account.status }, passwordGenerated: input.password === undefined, jobId: job.id },
          }),
          tx,
        );
        return { account, job };
      });
      await jobs.dispatch([job]);
      return { job: jobView(job), mailAccount: account, password };
    },

    disable: (ctx: Ctx, id: string) => queue(ctx, id, 'disable'),
    enable: (ctx: Ctx, id: string) => queue(ctx, id, 'enable'),
    remove: (ctx: Ctx, id: string) => queue(ctx, id, 'delete'),

    /** A new password (staff's or generated), shown once in the answer. */
    async resetPassword(ctx: Ctx, id: string, input: { password?: string }) {
      const password = input.password ?? generatePassword();
      return { ...(await queue(ctx, id, 'reset-password', password)), password };
    },
  };
}

export type MailService = ReturnType<typeof createMailService>;
