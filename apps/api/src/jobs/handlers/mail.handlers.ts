import type { Db } from '../../config/database';
import { open, SecretError } from '../../core/secrets';
import type { Job, Prisma } from '../../generated/prisma/client';
import type { MailcoreClient } from '../../integrations/mailcore/mailcore.client';
import { MAIL_PASSWORD_PURPOSE } from '../../modules/mail/mail.service';
import { PermanentJobError } from '../errors';
import type { Handlers } from '../runner';

export interface MailHandlerDeps {
  db: Db;
  mailcore: Pick<MailcoreClient, 'ensureDomain' | 'createAccount' | 'getAccount' | 'setActive' | 'setPassword' | 'deleteAccount' | 'updateAccount'>;
  secretsKey: string;
}

/**
 * Mail domains and mailboxes on mail-core. What an order gets (PROVISION_MAIL): mail-core accepts
 * mail for the domain — the DNS template already points its MX there. No mailbox is made for it:
 * a mailbox needs a password someone is shown, so staff create mailboxes (POST /api/mail/accounts)
 * and hand the password over; the job leaves existing mailboxes alone.
 */
export function mailHandlers(deps: MailHandlerDeps): Handlers {
  const { db, mailcore, secretsKey } = deps;

  /** The password a job carries, opened; null when an earlier run already handed it over and removed it. */
  function passwordOf(sealedPassword: string | undefined): string | null {
    if (!sealedPassword) return null;
    try {
      return open(secretsKey, sealedPassword, MAIL_PASSWORD_PURPOSE);
    } catch (err) {
      if (err instanceof SecretError) throw new PermanentJobError(`the job's password cannot be opened (${err.message}); reset the password`);
      throw err;
    }
  }

  /** The job row without its sealed password, written with the change mail-core confirmed. */
  function forgetPassword(job: Job) {
    const { sealedPassword: _gone, ...rest } = (job.payload ?? {}) as Record<string, unknown>;
    return db.job.update({ where: { id: job.id }, data: { payload: rest as Prisma.InputJsonValue } });
  }

  return {
    async PROVISION_MAIL(payload) {
      const domain = await db.domain.findUnique({ where: { id: payload.domainId } });
      if (!domain) throw new PermanentJobError(`domain ${payload.domainId} does not exist`);
      if (!domain.autoMail) {
        return { message: `mail for ${domain.name} left alone: automatic mail is off for this domain`, details: { domainId: domain.id, skipped: true } };
      }
      const { domain: hosted, created } = await mailcore.ensureDomain(domain.name);
      return {
        message: `mail domain ${hosted.domain} ${created ? 'created' : 'already hosted'} on mail-core (${hosted.accountCount} mailbox(es))`,
        details: { domainId: domain.id, domain: hosted.domain, created, accountCount: hosted.accountCount },
      };
    },

    async MAIL_ACCOUNT_ACTION(payload, { job }) {
      const { action } = payload;
      const account = await db.mailAccount.findUnique({ where: { id: payload.mailAccountId }, include: { domain: { select: { name: true } } } });
      if (!account) {
        if (action === 'delete') return { message: `mailbox ${payload.mailAccountId} is already gone`, details: { mailAccountId: payload.mailAccountId, action } };
        throw new PermanentJobError(`mail account ${payload.mailAccountId} does not exist`);
      }
      const base = { mailAccountId: account.id, email: account.email, action };

      switch (action) {
        case 'create': {
          const password = passwordOf(payload.sealedPassword);
          await mailcore.ensureDomain(account.domain.name);
          let created = false;
          let quotaMb: number;
          if (password) {
            const result = await mailcore.createAccount({ email: account.email, password, quotaMb: account.quotaMb ?? undefined, isActive: true });
            created = result.created;
            quotaMb = result.account.quotaMb;
          } else {
            // An earlier run handed the password over; the mailbox must be there from it.
            const existing = await mailcore.getAccount(account.email);
            if (!existing) throw new PermanentJobError(`mailbox ${account.email} is not on mail-core and its password is no longer held; reset the password`);
            quotaMb = existing.quotaMb;
          }
          await db.$transaction([db.mailAccount.update({ where: { id: account.id }, data: { status: 'ACTIVE', quotaMb } }), forgetPassword(job)]);
          return { message: `mailbox ${account.email} ${created ? 'created' : 'already on mail-core, brought to its settings'}`, details: { ...base, created, quotaMb } };
        }
        case 'reset-password': {
          const password = passwordOf(payload.sealedPassword);
          if (password) await mailcore.setPassword(account.email, password);
          await forgetPassword(job);
          return { message: `password of ${account.email} ${password ? 'changed' : 'was already changed by an earlier run'}`, details: base };
        }
        case 'disable':
        case 'enable': {
          const isActive = action === 'enable';
          const result = await mailcore.setActive(account.email, isActive);
          await db.mailAccount.update({ where: { id: account.id }, data: { status: isActive ? 'ACTIVE' : 'DISABLED' } });
          return { message: `mailbox ${account.email} ${isActive ? 'enabled' : 'disabled'}`, details: { ...base, isActive: result.isActive } };
        }
        case 'delete': {
          const removed = await mailcore.deleteAccount(account.email);
          await db.mailAccount.delete({ where: { id: account.id } });
          return { message: `mailbox ${account.email} deleted${removed ? '' : ' (it was already gone on mail-core)'}`, details: { ...base, removed } };
        }
      }
    },
  };
}
