import type { Db } from '../../config/database';
import type { Job, VpsStatus } from '../../generated/prisma/client';
import { FarSideError } from '../../integrations/errors';
import type { VpsDriver } from '../../integrations/vps/vps-driver';
import { lockPlacement, nameTaken, pickHypervisor, planSpec, resolveTemplate, vpsNameFor, VpsPlacementError } from '../../modules/vps/vps.placement';
import { PermanentJobError } from '../errors';
import type { JobPayload } from '../registry';
import type { Handlers } from '../runner';

/** The driver for a hypervisor, from the `config` of its Server row. */
export type VpsDriverFactory = (serverConfig: unknown) => VpsDriver;

export interface VpsHandlerDeps {
  db: Db;
  vpsDriver: VpsDriverFactory;
}

const AFTER: Record<'start' | 'stop' | 'reboot' | 'destroy', { status: VpsStatus; done: string }> = {
  start: { status: 'RUNNING', done: 'started' },
  stop: { status: 'STOPPED', done: 'stopped' },
  reboot: { status: 'RUNNING', done: 'rebooted' },
  destroy: { status: 'TERMINATED', done: 'destroyed' },
};

/** VPS instances on hypervisors, through the provider driver each server's config names. */
export function vpsHandlers(deps: VpsHandlerDeps): Handlers {
  const { db, vpsDriver } = deps;

  /**
   * An order's VPS: reserved on the least-loaded hypervisor from the plan, and its id written into
   * the job's payload in the same transaction, so a retry builds the same machine.
   */
  async function reserveForOrder(payload: JobPayload<'PROVISION_VPS'>, job: Job): Promise<string> {
    if (!payload.planId) throw new PermanentJobError('the job names neither a VPS nor a plan');
    const planId = payload.planId;
    try {
      return await db.$transaction(async (tx) => {
        const plan = await tx.plan.findFirst({ where: { id: planId, tenantId: job.tenantId } });
        if (!plan) throw new PermanentJobError(`plan ${planId} does not exist`);
        const domain = payload.domainId ? await tx.domain.findFirst({ where: { id: payload.domainId, tenantId: job.tenantId }, include: { vps: true } }) : null;
        if (payload.domainId && !domain) throw new PermanentJobError(`domain ${payload.domainId} does not exist`);

        let vpsId = domain?.vps?.id;
        if (!vpsId) {
          await lockPlacement(tx, job.tenantId);
          const spec = planSpec(plan);
          const server = await pickHypervisor(tx, job.tenantId);
          const template = resolveTemplate(server, spec.template);
          let name = vpsNameFor(domain?.name, job.id);
          if (await nameTaken(tx, job.tenantId, name)) name = `${name.slice(0, 50).replace(/-+$/, '')}-${vpsNameFor(null, job.id).slice(4)}`;
          const vps = await tx.vpsInstance.create({
            data: { tenantId: job.tenantId, serverId: server.id, domainId: domain?.id, name, template, cpuCores: spec.cpuCores, memoryMb: spec.memoryMb, diskGb: spec.diskGb, status: 'PENDING' },
          });
          vpsId = vps.id;
        }
        await tx.job.update({ where: { id: job.id }, data: { payload: { ...(job.payload as Record<string, unknown>), vpsId } } });
        return vpsId;
      });
    } catch (err) {
      if (err instanceof VpsPlacementError) throw new PermanentJobError(err.message, { field: err.field });
      throw err;
    }
  }

  async function instance(id: string) {
    return db.vpsInstance.findUnique({ where: { id }, include: { server: true } });
  }

  return {
    async PROVISION_VPS(payload, { job }) {
      const vpsId = payload.vpsId ?? (await reserveForOrder(payload, job));
      const vps = await instance(vpsId);
      if (!vps) throw new PermanentJobError(`VPS ${vpsId} does not exist`);
      if (vps.status === 'TERMINATED') throw new PermanentJobError(`VPS ${vps.name} was destroyed`);
      if (!vps.template || !vps.cpuCores || !vps.memoryMb || !vps.diskGb) {
        throw new PermanentJobError(`VPS ${vps.name} has no template or resources to be built from`);
      }
      const driver = vpsDriver(vps.server.config);
      let created;
      try {
        created = await driver.createInstance({ name: vps.name, template: vps.template, cores: vps.cpuCores, memoryMb: vps.memoryMb, diskGb: vps.diskGb });
      } catch (err) {
        // A machine cloned but not finished: keep its id, so a destroy can clean it up and a retry finishes it.
        const externalId = err instanceof FarSideError ? err.opts.details?.externalId : undefined;
        if (typeof externalId === 'string' && externalId !== vps.externalId) await db.vpsInstance.update({ where: { id: vps.id }, data: { externalId } });
        throw err;
      }
      const status: VpsStatus = created.state === 'stopped' ? 'STOPPED' : 'RUNNING';
      const ipv4 = created.ipv4 ?? vps.ipv4;
      await db.vpsInstance.update({ where: { id: vps.id }, data: { externalId: created.externalId, ipv4, status } });
      return {
        message: `VPS ${vps.name} ${created.created ? 'created' : 'already existed and was brought to its spec'} on ${vps.server.name} as ${created.externalId}`,
        details: { vpsId: vps.id, server: vps.server.name, externalId: created.externalId, created: created.created, state: created.state, template: vps.template, ipv4 },
      };
    },

    async VPS_ACTION(payload) {
      const { action } = payload;
      const vps = await instance(payload.vpsId);
      if (!vps) {
        if (action === 'destroy') return { message: `VPS ${payload.vpsId} is already gone`, details: { vpsId: payload.vpsId, action } };
        throw new PermanentJobError(`VPS ${payload.vpsId} does not exist`);
      }
      if (vps.status === 'TERMINATED') {
        if (action === 'destroy') return { message: `VPS ${vps.name} was already destroyed`, details: { vpsId: vps.id, action } };
        throw new PermanentJobError(`VPS ${vps.name} was destroyed`);
      }
      const after = AFTER[action];
      // Destroyed VPS rows stay for the record, but let go of their domain so it can have another.
      const data = { status: after.status, ...(action === 'destroy' && { domainId: null }) };
      if (!vps.externalId) {
        if (action !== 'destroy') throw new PermanentJobError(`VPS ${vps.name} was never provisioned`);
        await db.vpsInstance.update({ where: { id: vps.id }, data });
        return { message: `VPS ${vps.name} was never built; marked destroyed`, details: { vpsId: vps.id, action, status: after.status, domainId: vps.domainId } };
      }

      const driver = vpsDriver(vps.server.config);
      let removed: boolean | undefined;
      if (action === 'start') await driver.start(vps.externalId);
      else if (action === 'stop') await driver.stop(vps.externalId);
      else if (action === 'reboot') await driver.reboot(vps.externalId);
      else removed = await driver.destroy(vps.externalId);
      await db.vpsInstance.update({ where: { id: vps.id }, data });
      return {
        message: `VPS ${vps.name} (${vps.externalId}) ${after.done}${removed === false ? ' (it was already gone on the hypervisor)' : ''}`,
        details: { vpsId: vps.id, externalId: vps.externalId, server: vps.server.name, action, status: after.status, ...(action === 'destroy' && { removed, domainId: vps.domainId }) },
      };
    },
  };
}
