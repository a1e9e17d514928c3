import { z } from 'zod';
import { phpVersion } from '../../core/names';
import { listQuery } from '../../core/pagination';

const id = z.string().min(1).max(64);

export const HOSTING_STATUSES = ['ACTIVE', 'SUSPENDED', 'TERMINATED', 'PENDING'] as const;

export const listHostingInput = {
  query: listQuery(['createdAt', 'systemUser', 'status'] as const, {
    status: z.enum(HOSTING_STATUSES).optional(),
    serverId: id.optional(),
    search: z.string().trim().max(253).optional(),
  }),
};
export type ListHostingQuery = z.output<typeof listHostingInput.query>;

export const accountIdParams = { params: z.object({ id }) };

/** A hosting account staff add by hand for a domain of the tenant; placed like an ordered one. */
export const createHostingInput = {
  body: z.object({ domainId: id, phpVersion: phpVersion.optional() }).strict(),
};
export type CreateHosting = z.output<typeof createHostingInput.body>;

export const terminateHostingInput = {
  params: z.object({ id }),
  body: z
    .object({
      /** Also delete the domain's DNS zone in PowerDNS (and its DnsZone rows). */
      removeZone: z.boolean().default(false),
    })
    .strict(),
};
export type TerminateHosting = z.output<typeof terminateHostingInput.body>;
