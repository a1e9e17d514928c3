import { z } from 'zod';
import { hostname } from '../../core/names';
import { listQuery } from '../../core/pagination';

const id = z.string().min(1).max(64);

export const listZonesInput = {
  query: listQuery(['createdAt', 'lastSyncAt'] as const, {
    domainId: id.optional(),
    isSynced: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    search: z.string().trim().max(253).optional(),
  }),
};
export type ListZonesQuery = z.output<typeof listZonesInput.query>;

export const zoneIdParams = { params: z.object({ id }) };

/** A zone for a domain the tenant has (`domainId`), or for a new domain name (`domain`). */
export const createZoneInput = {
  body: z
    .object({ domainId: id.optional(), domain: hostname.optional() })
    .strict()
    .superRefine((b, ctx) => {
      if ((b.domainId === undefined) === (b.domain === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['domainId'], message: 'give either domainId (an existing domain) or domain (a new domain name), not both' });
      }
    }),
};
export type CreateZone = z.output<typeof createZoneInput.body>;

/**
 * A batch of rrset changes made against the zone as read at `serial`. Each change is checked
 * against the zone by validateRrsetChanges (dns.records.ts) once the zone is known.
 */
export const updateRecordsInput = {
  params: z.object({ id }),
  body: z
    .object({
      serial: z.number().int().min(0).max(4_294_967_295),
      changes: z.array(z.unknown()).min(1).max(200),
    })
    .strict(),
};
export type UpdateRecords = z.output<typeof updateRecordsInput.body>;
