import { z } from 'zod';
import { listQuery } from '../../core/pagination';

const id = z.string().min(1).max(64);
const STATUSES = ['PENDING', 'RUNNING', 'STOPPED', 'SUSPENDED', 'TERMINATED'] as const;

/** The machine's name on the hypervisor and its host name: one DNS label. */
export const vpsName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,63}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'must be a host name of at most 63 letters, digits and dashes');

const resources = {
  cpuCores: z.number().int().min(1).max(128),
  memoryMb: z.number().int().min(256).max(4_194_304),
  diskGb: z.number().int().min(1).max(65_536),
};

export const createVpsInput = {
  body: z
    .object({
      name: vpsName,
      /** Resources (and a template, when its limits name one) from a VPS plan; explicit values win. */
      planId: id.optional(),
      cpuCores: resources.cpuCores.optional(),
      memoryMb: resources.memoryMb.optional(),
      diskGb: resources.diskGb.optional(),
      template: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be a template name such as debian-12').optional(),
      serverId: id.optional(),
      domainId: id.optional(),
    })
    .strict()
    .superRefine((body, ctx) => {
      if (body.planId) return;
      for (const key of ['cpuCores', 'memoryMb', 'diskGb'] as const) {
        if (body[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is required without a planId' });
      }
    }),
};
export type CreateVps = z.output<typeof createVpsInput.body>;

export const listVpsInput = {
  query: listQuery(['createdAt', 'name', 'status'] as const, {
    status: z.enum(STATUSES).optional(),
    serverId: id.optional(),
    domainId: id.optional(),
    search: z.string().trim().max(200).optional(),
  }),
};
export type ListVpsQuery = z.output<typeof listVpsInput.query>;

export const vpsIdParams = { params: z.object({ id }) };

export const vpsActionInput = { params: z.object({ id }), body: z.object({}).strict() };

export const VPS_ACTIONS = ['start', 'stop', 'reboot', 'destroy'] as const;
export type VpsAction = (typeof VPS_ACTIONS)[number];
