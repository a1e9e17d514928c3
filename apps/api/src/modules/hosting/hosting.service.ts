import type { Db, DbTx } from '../../config/database';
import { Conflict, NotFound } from '../../core/errors';
import { pageArgs, toPage } from '../../core/pagination';
import type { Ctx } from '../../core/types';
import type { HostingAccount, HostingStatus, Job, Prisma } from '../../generated/prisma/client';
import type { JobDispatcher, JobSpec } from '../../jobs/dispatcher';
import { auditFrom, type AuditService } from '../audit/audit.service';
import { NoCapacityError, reserveHostingAccountIn } from './hosting.placement';
import type { CreateHosting, ListHostingQuery, TerminateHosting } from './hosting.types';

const SERVER = { select: { id: true, name: true, role: true, ipAddress: true, isActive: true } } as const;
const SUMMARY = {
  domain: { select: { id: true, name: true, status: true } },
  server: { select: { id: true, name: true } },
} satisfies Prisma.HostingAccountInclude;
const DETAIL = {
  domain: { select: { id: true, name: true, status: true, customer: { select: { id: true, email: true, fullName: true } } } },
  server: SERVER,
} satisfies Prisma.HostingAccountInclude;

/** How many of an account's jobs the detail view lists, newest first. */
const RECENT_JOBS = 20;

const jobView = (job: Job) => ({ id: job.id, type: job.type, status: job.status });

type Action = 'suspend' | 'unsuspend' | 'terminate';

/** Whether `action` makes sense for an account in `status`; the refusal says why not. */
function refusal(action: Action, status: HostingStatus): { message: string; code: string } | null {
  if (status === 'TERMINATED') return { message: 'The hosting account is terminated; nothing more can be done with it', code: 'ACCOUNT_TERMINATED' };
  if (action === 'suspend' && status === 'SUSPENDED') return { message: 'The hosting account is already suspended', code: 'ALREADY_SUSPENDED' };
  if (action === 'unsuspend' && status === 'ACTIVE') return { message: 'The hosting account is not suspended', code: 'NOT_SUSPENDED' };
  if (action !== 'terminate' && status === 'PENDING') return { message: 'The hosting account is still being set up', code: 'NOT_PROVISIONED' };
  return null;
}

const JOB_OF = { suspend: 'SUSPEND_ACCOUNT', unsuspend: 'UNSUSPEND_ACCOUNT', terminate: 'TERMINATE_ACCOUNT' } as const;
const OUTCOME: Record<Action, HostingStatus> = { suspend: 'SUSPENDED', unsuspend: 'ACTIVE', terminate: 'TERMINATED' };

/**
 * Shared hosting accounts (seed §8.3). Placement is hosting.placement.ts; what happens on the web
 * server is a job running the host scripts. Each request writes its job and audit row together.
 */
export function createHostingService(deps: { db: Db; audit: AuditService; jobs: JobDispatcher }) {
  const { db, audit, jobs } = deps;

  async function find(tx: DbTx, ctx: Ctx, id: string) {
    const account = await tx.hostingAccount.findFirst({ where: { id, tenantId: ctx.actor.tenantId }, include: SUMMARY });
    if (!account) throw NotFound('Hosting account');
    return account;
  }

  async function act(ctx: Ctx, id: string, action: Action, opts: Partial<TerminateHosting> = {}) {
    const job = await db.$transaction(async (tx) => {
      const account = await find(tx, ctx, id);
      const refused = refusal(action, account.status);
      if (refused) throw Conflict(refused.message, { status: account.status }, refused.code);
      const spec: JobSpec =
        action === 'terminate'
          ? { type: 'TERMINATE_ACCOUNT', payload: { hostingAccountId: account.id, removeZone: opts.removeZone ?? false } }
          : { type: JOB_OF[action], payload: { hostingAccountId: account.id } };
      const [row] = await jobs.create(tx, ctx.actor.tenantId, [spec]);
      await audit.record(
        auditFrom(ctx.actor, ctx.meta, {
          action: `hosting.${action}_requested`,
          targetType: 'HostingAccount',
          targetId: account.id,
          details: {
            domain: account.domain.name,
            server: account.server.name,
            jobId: row.id,
            ...(action === 'terminate' && { removeZone: opts.removeZone ?? false }),
            before: { status: account.status },
            after: { status: OUTCOME[action] },
          },
        }),
        tx,
      );
      return row;
    });
    await jobs.dispatch([job]);
    return { job: jobView(job) };
  }

  return {
    async list(ctx: Ctx, q: ListHostingQuery) {
      const where: Prisma.HostingAccountWhereInput = {
        tenantId: ctx.actor.tenantId,
        ...(q.status && { status: q.status }),
        ...(q.serverId && { serverId: q.serverId }),
        ...(q.search && {
          OR: [{ domain: { name: { contains: q.search.toLowerCase() } } }, { systemUser: { contains: q.search.toLowerCase() } }],
        }),
      };
      const [total, items] = await Promise.all([
        db.hostingAccount.count({ where }),
        db.hostingAccount.findMany({ where, orderBy: [{ [q.sort]: q.order }, { id: q.order }], ...pageArgs(q), include: SUMMARY }),
      ]);
      return toPage(items, total, q);
    },

    /** An account with its domain (and customer), its server and its latest jobs. */
    async get(ctx: Ctx, id: string) {
      const account = await db.hostingAccount.findFirst({ where: { id, tenantId: ctx.actor.tenantId }, include: DETAIL });
      if (!account) throw NotFound('Hosting account');
      const recent = await db.job.findMany({
        where: {
          tenantId: ctx.actor.tenantId,
          OR: [
            { payload: { path: ['hostingAccountId'], equals: account.id } },
            { type: 'PROVISION_HOSTING', payload: { path: ['domainId'], equals: account.domainId } },
          ],
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: RECENT_JOBS,
        select: { id: true, type: true, status: true, attempts: true, lastError: true, createdAt: true, finishedAt: true },
      });
      return { ...account, jobs: recent };
    },

    /**
     * Reserves the account on the least-loaded web server and queues PROVISION_HOSTING, in one
     * transaction; the job creates the site (and, when the domain has a zone, a sync points it here).
     */
    async create(ctx: Ctx, input: CreateHosting) {
      const { rows, account } = await db.$transaction(async (tx) => {
        const domain = await tx.domain.findFirst({
          where: { id: input.domainId, tenantId: ctx.actor.tenantId },
          include: { hosting: { select: { id: true, status: true } }, dnsZones: { select: { id: true }, orderBy: { createdAt: 'asc' }, take: 1 } },
        });
        if (!domain) throw NotFound('Domain');
        if (domain.hosting) {
          const terminated = domain.hosting.status === 'TERMINATED';
          throw Conflict(
            terminated ? `The hosting account of ${domain.name} was terminated` : `${domain.name} already has a hosting account`,
            { hostingAccountId: domain.hosting.id, status: domain.hosting.status },
            terminated ? 'HOSTING_TERMINATED' : 'HOSTING_EXISTS',
          );
        }
        let account: HostingAccount & { server: { name: string } };
        try {
          account = await reserveHostingAccountIn(tx, { domainId: domain.id, phpVersion: input.phpVersion });
        } catch (err) {
          if (err instanceof NoCapacityError) throw Conflict('No active web server has room for another account', undefined, 'NO_CAPACITY');
          throw err;
        }
        const specs: JobSpec[] = [{ type: 'PROVISION_HOSTING', payload: { domainId: domain.id, phpVersion: input.phpVersion } }];
        if (domain.dnsZones[0]) specs.push({ type: 'SYNC_DNS_ZONE', payload: { zoneId: domain.dnsZones[0].id } });
        const rows = await jobs.create(tx, ctx.actor.tenantId, specs);
        const { server, ...row } = account;
        await audit.record(
          auditFrom(ctx.actor, ctx.meta, {
            action: 'hosting.created',
            targetType: 'HostingAccount',
            targetId: account.id,
            details: { domain: domain.name, server: server.name, jobIds: rows.map((r) => r.id), after: row },
          }),
          tx,
        );
        return { rows, account: await tx.hostingAccount.findUniqueOrThrow({ where: { id: account.id }, include: SUMMARY }) };
      });
      await jobs.dispatch(rows);
      return { job: jobView(rows[0]), account };
    },

    suspend: (ctx: Ctx, id: string) => act(ctx, id, 'suspend'),
    unsuspend: (ctx: Ctx, id: string) => act(ctx, id, 'unsuspend'),
    terminate: (ctx: Ctx, id: string, input: TerminateHosting) => act(ctx, id, 'terminate', input),
  };
}

export type HostingService = ReturnType<typeof createHostingService>;
