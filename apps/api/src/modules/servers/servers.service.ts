import { Prisma, type Db, type DbTx } from '../../config/database';
import { Conflict, Invalid, NotFound } from '../../core/errors';
import { pageArgs, toPage } from '../../core/pagination';
import type { Ctx } from '../../core/types';
import type { Server } from '../../generated/prisma/client';
import type { JobDispatcher } from '../../jobs/dispatcher';
import { auditFrom, changesOf, type AuditService } from '../audit/audit.service';
import { checkConfig, type CreateServer, type ListServersQuery, type UpdateServer } from './servers.types';

/** Accounts and machines that still live on a server: everything but terminated ones. */
const LIVE_HOSTING = { status: { in: ['ACTIVE', 'PENDING', 'SUSPENDED'] } } satisfies Prisma.HostingAccountWhereInput;
const LIVE_VPS = { status: { not: 'TERMINATED' } } satisfies Prisma.VpsInstanceWhereInput;

const COUNTS = { _count: { select: { hostingAccounts: { where: LIVE_HOSTING }, vpsInstances: { where: LIVE_VPS } } } } satisfies Prisma.ServerInclude;

type WithCounts = Server & { _count: { hostingAccounts: number; vpsInstances: number } };

/** A server as the API shows it: the row with how many live hosting accounts and VPS it carries. */
function present(row: WithCounts) {
  const { _count, ...server } = row;
  return { ...server, hostingAccountCount: _count.hostingAccounts, vpsCount: _count.vpsInstances };
}

function configOrThrow(role: Server['role'], config: unknown) {
  const checked = checkConfig(role, config);
  if (!checked.ok) throw Invalid(`Invalid input: ${checked.issues.map((i) => i.path).join(', ')}`, checked.issues);
  return checked.value;
}

/** A JSON column cleared is SQL NULL, not the JSON value null. */
const json = (v: Record<string, unknown> | null) => (v === null ? Prisma.DbNull : (v as Prisma.InputJsonValue));

/** The tenant's servers (seed §8.1): inventory, SSH access for provisioning, and health probes. */
export function createServersService(deps: { db: Db; audit: AuditService; jobs: JobDispatcher }) {
  const { db, audit, jobs } = deps;

  async function find(tx: DbTx, ctx: Ctx, id: string) {
    const server = await tx.server.findFirst({ where: { id, tenantId: ctx.actor.tenantId } });
    if (!server) throw NotFound('Server');
    return server;
  }

  async function refuseWhileOccupied(tx: DbTx, server: Server) {
    const [hosting, vps] = await Promise.all([
      tx.hostingAccount.count({ where: { serverId: server.id, ...LIVE_HOSTING } }),
      tx.vpsInstance.count({ where: { serverId: server.id, ...LIVE_VPS } }),
    ]);
    if (hosting || vps) {
      throw Conflict(
        `Server ${server.name} still carries ${hosting} hosting account(s) and ${vps} VPS; terminate or move them first`,
        { hostingAccounts: hosting, vpsInstances: vps },
        'SERVER_IN_USE',
      );
    }
  }

  return {
    async list(ctx: Ctx, q: ListServersQuery) {
      const where: Prisma.ServerWhereInput = {
        tenantId: ctx.actor.tenantId,
        ...(q.role && { role: q.role }),
        ...(q.isActive !== undefined && { isActive: q.isActive }),
        ...(q.search && {
          OR: [
            { name: { contains: q.search, mode: 'insensitive' } },
            { ipAddress: { contains: q.search } },
            { internalIp: { contains: q.search } },
            { location: { contains: q.search, mode: 'insensitive' } },
          ],
        }),
      };
      const [total, rows] = await Promise.all([
        db.server.count({ where }),
        db.server.findMany({ where, orderBy: [{ [q.sort]: q.order }, { id: q.order }], ...pageArgs(q), include: COUNTS }),
      ]);
      return toPage(rows.map(present), total, q);
    },

    async get(ctx: Ctx, id: string) {
      const row = await db.server.findFirst({ where: { id, tenantId: ctx.actor.tenantId }, include: COUNTS });
      if (!row) throw NotFound('Server');
      return present(row);
    },

    async create(ctx: Ctx, input: CreateServer) {
      const config = configOrThrow(input.role, input.config);
      return db.$transaction(async (tx) => {
        const row = await tx.server.create({ data: { ...input, config: json(config), tenantId: ctx.actor.tenantId }, include: COUNTS });
        const { _count, ...after } = row;
        await audit.record(auditFrom(ctx.actor, ctx.meta, { action: 'server.created', targetType: 'Server', targetId: row.id, details: { after } }), tx);
        return present(row);
      });
    },

    async update(ctx: Ctx, id: string, patch: UpdateServer) {
      return db.$transaction(async (tx) => {
        const before = await find(tx, ctx, id);
        const role = patch.role ?? before.role;
        const data: UpdateServer = { ...patch };
        // A new role must suit the config the server keeps, and a new config the role it has.
        if (patch.config !== undefined || patch.role !== undefined) {
          const config = configOrThrow(role, patch.config !== undefined ? patch.config : before.config);
          if (patch.config !== undefined) data.config = config;
        }
        // Accounts and machines on it were placed there for its role and its being active.
        if ((patch.isActive === false && before.isActive) || (patch.role !== undefined && patch.role !== before.role)) await refuseWhileOccupied(tx, before);
        const diff = changesOf(before, data as Partial<Server>);
        if (!diff) return present(await tx.server.findUniqueOrThrow({ where: { id }, include: COUNTS }));
        const { config, ...plain } = data;
        const row = await tx.server.update({ where: { id }, data: { ...plain, ...(config !== undefined && { config: json(config) }) }, include: COUNTS });
        await audit.record(auditFrom(ctx.actor, ctx.meta, { action: 'server.updated', targetType: 'Server', targetId: id, details: diff }), tx);
        return present(row);
      });
    },

    /**
     * Soft delete: the server leaves placement and the lists of active servers, and keeps its
     * history. Refused while hosting accounts or VPS still live on it (move or terminate them first).
     */
    async deactivate(ctx: Ctx, id: string) {
      return db.$transaction(async (tx) => {
        const before = await find(tx, ctx, id);
        if (!before.isActive) return present(await tx.server.findUniqueOrThrow({ where: { id }, include: COUNTS }));
        await refuseWhileOccupied(tx, before);
        const row = await tx.server.update({ where: { id }, data: { isActive: false }, include: COUNTS });
        await audit.record(
          auditFrom(ctx.actor, ctx.meta, { action: 'server.deactivated', targetType: 'Server', targetId: id, details: { name: before.name, before: { isActive: true }, after: { isActive: false } } }),
          tx,
        );
        return present(row);
      });
    },

    /** Queues a SERVER_HEALTH_CHECK; its result lands on the row (healthStatus, healthDetails). */
    async check(ctx: Ctx, id: string) {
      const job = await db.$transaction(async (tx) => {
        const server = await find(tx, ctx, id);
        const [row] = await jobs.create(tx, ctx.actor.tenantId, [{ type: 'SERVER_HEALTH_CHECK', payload: { serverId: server.id } }]);
        await audit.record(
          auditFrom(ctx.actor, ctx.meta, { action: 'server.check_requested', targetType: 'Server', targetId: id, details: { name: server.name, role: server.role, jobId: row.id } }),
          tx,
        );
        return row;
      });
      await jobs.dispatch([job]);
      return { job: { id: job.id, type: job.type, status: job.status } };
    },
  };
}

export type ServersService = ReturnType<typeof createServersService>;
