import type { Db, DbTx } from '../../config/database';
import { AppError, Conflict, NotFound } from '../../core/errors';
import { pageArgs, toPage } from '../../core/pagination';
import type { Ctx } from '../../core/types';
import type { Prisma, VpsStatus } from '../../generated/prisma/client';
import type { JobDispatcher } from '../../jobs/dispatcher';
import { auditFrom, type AuditService } from '../audit/audit.service';
import { jobsAbout, jobView, openJobFor } from '../jobs/jobs.open';
import type { CreateVps, ListVpsQuery, VpsAction } from './vps.types';
import { lockPlacement, nameTaken, pickHypervisor, planSpec, resolveTemplate, VpsPlacementError, type VpsSpec } from './vps.placement';

const SUMMARY = {
  server: { select: { id: true, name: true, role: true } },
  domain: { select: { id: true, name: true } },
} satisfies Prisma.VpsInstanceInclude;

/** Which states each action makes sense from; anything else is a 409 naming the state. */
const ALLOWED_FROM: Record<VpsAction, readonly VpsStatus[]> = {
  start: ['STOPPED'],
  stop: ['RUNNING'],
  reboot: ['RUNNING'],
  destroy: ['PENDING', 'RUNNING', 'STOPPED', 'SUSPENDED'],
};

const VPS_JOBS = ['PROVISION_VPS', 'VPS_ACTION'] as const;

/** A placement refusal as the HTTP error for the body field it is about. */
function asHttp(err: VpsPlacementError): AppError {
  const details = [{ path: `body.${err.field}`, message: err.message }];
  if (err.status === 404) return new AppError(404, 'NOT_FOUND', err.message, details);
  if (err.status === 409) return Conflict(err.message, details);
  return new AppError(422, 'UNPROCESSABLE', err.message, details);
}

/** Virtual machines on the tenant's hypervisors; every change on the far side goes through a job. */
export function createVpsService(deps: { db: Db; audit: AuditService; jobs: JobDispatcher }) {
  const { db, audit, jobs } = deps;

  async function find(tx: DbTx, ctx: Ctx, id: string) {
    const vps = await tx.vpsInstance.findFirst({ where: { id, tenantId: ctx.actor.tenantId } });
    if (!vps) throw NotFound('VPS');
    return vps;
  }

  async function specFor(tx: DbTx, tenantId: string, input: CreateVps): Promise<VpsSpec> {
    let fromPlan: Partial<VpsSpec> = {};
    if (input.planId) {
      const plan = await tx.plan.findFirst({ where: { id: input.planId, tenantId }, include: { product: { select: { type: true } } } });
      if (!plan) throw new VpsPlacementError('Plan not found', 'planId', 404);
      if (plan.product.type !== 'VPS') throw new VpsPlacementError(`plan ${plan.slug} is not a VPS plan`, 'planId');
      fromPlan = planSpec(plan);
    }
    const cpuCores = input.cpuCores ?? fromPlan.cpuCores;
    const memoryMb = input.memoryMb ?? fromPlan.memoryMb;
    const diskGb = input.diskGb ?? fromPlan.diskGb;
    if (cpuCores === undefined || memoryMb === undefined || diskGb === undefined) throw new VpsPlacementError('the plan sets no resources', 'planId');
    return { cpuCores, memoryMb, diskGb, template: input.template ?? fromPlan.template };
  }

  async function ensureDomainFree(tx: DbTx, tenantId: string, domainId: string) {
    const domain = await tx.domain.findFirst({ where: { id: domainId, tenantId }, include: { vps: { select: { id: true, status: true } } } });
    if (!domain) throw new VpsPlacementError('Domain not found', 'domainId', 404);
    if (domain.vps) throw new VpsPlacementError(`domain ${domain.name} already has a VPS (${domain.vps.id})`, 'domainId', 409);
  }

  return {
    async list(ctx: Ctx, q: ListVpsQuery) {
      const where: Prisma.VpsInstanceWhereInput = {
        tenantId: ctx.actor.tenantId,
        ...(q.status && { status: q.status }),
        ...(q.serverId && { serverId: q.serverId }),
        ...(q.domainId && { domainId: q.domainId }),
        ...(q.search && {
          OR: [
            { name: { contains: q.search.toLowerCase() } },
            { ipv4: { startsWith: q.search } },
            { externalId: q.search },
            { domain: { name: { contains: q.search.toLowerCase() } } },
          ],
        }),
      };
      const [total, items] = await Promise.all([
        db.vpsInstance.count({ where }),
        db.vpsInstance.findMany({ where, orderBy: [{ [q.sort]: q.order }, { id: q.order }], ...pageArgs(q), include: SUMMARY }),
      ]);
      return toPage(items, total, q);
    },

    /** An instance with its server, domain and the jobs that acted on it. */
    async get(ctx: Ctx, id: string) {
      const vps = await db.vpsInstance.findFirst({
        where: { id, tenantId: ctx.actor.tenantId },
        include: { server: { select: { id: true, name: true, role: true, ipAddress: true, isActive: true } }, domain: { select: { id: true, name: true, status: true } } },
      });
      if (!vps) throw NotFound('VPS');
      return { ...vps, jobs: await jobsAbout(db, ctx.actor.tenantId, [...VPS_JOBS], 'vpsId', id) };
    },

    /** Reserves the instance (PENDING) on a hypervisor and queues its provisioning. */
    async create(ctx: Ctx, input: CreateVps) {
      const tenantId = ctx.actor.tenantId;
      const { vps, job } = await db
        .$transaction(async (tx) => {
          await lockPlacement(tx, tenantId);
          if (await nameTaken(tx, tenantId, input.name)) throw new VpsPlacementError(`a VPS named ${input.name} already exists`, 'name', 409);
          if (input.domainId) await ensureDomainFree(tx, tenantId, input.domainId);
          const spec = await specFor(tx, tenantId, input);
          const server = await pickHypervisor(tx, tenantId, input.serverId);
          const template = resolveTemplate(server, spec.template);
          const vps = await tx.vpsInstance.create({
            data: {
              tenantId,
              serverId: server.id,
              domainId: input.domainId,
              name: input.name,
              cpuCores: spec.cpuCores,
              memoryMb: spec.memoryMb,
              diskGb: spec.diskGb,
              template,
              status: 'PENDING',
            },
            include: SUMMARY,
          });
          const [job] = await jobs.create(tx, tenantId, [
            { type: 'PROVISION_VPS', payload: { vpsId: vps.id, planId: input.planId, domainId: input.domainId } },
          ]);
          const { server: _s, domain: _d, ...after } = vps;
          await audit.record(auditFrom(ctx.actor, ctx.meta, { action: 'vps.created', targetType: 'VpsInstance', targetId: vps.id, details: { after, jobId: job.id } }), tx);
          return { vps, job };
        })
        .catch((err: unknown) => {
          throw err instanceof VpsPlacementError ? asHttp(err) : err;
        });
      await jobs.dispatch([job]);
      return { job: jobView(job), vps };
    },

    /** start / stop / reboot / destroy: checked against the current state, then queued. */
    async act(ctx: Ctx, id: string, action: VpsAction) {
      const { vps, job } = await db.$transaction(async (tx) => {
        const vps = await find(tx, ctx, id);
        if (!ALLOWED_FROM[action].includes(vps.status)) {
          throw Conflict(`Cannot ${action} a VPS that is ${vps.status}`, { status: vps.status, allowedFrom: ALLOWED_FROM[action] }, 'INVALID_STATE');
        }
        const open = await openJobFor(tx, ctx.actor.tenantId, [...VPS_JOBS], 'vpsId', id);
        if (open) throw Conflict(`Job ${open.id} (${open.type}) is still ${open.status} for this VPS; wait for it to finish`, { job: open }, 'JOB_IN_PROGRESS');
        const [job] = await jobs.create(tx, ctx.actor.tenantId, [{ type: 'VPS_ACTION', payload: { vpsId: id, action } }]);
        await audit.record(
          auditFrom(ctx.actor, ctx.meta, { action: `vps.${action}`, targetType: 'VpsInstance', targetId: id, details: { jobId: job.id, status: vps.status, name: vps.name } }),
          tx,
        );
        return { vps, job };
      });
      await jobs.dispatch([job]);
      return { job: jobView(job), vps };
    },
  };
}

export type VpsService = ReturnType<typeof createVpsService>;
