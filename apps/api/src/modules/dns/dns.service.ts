import type { Db, DbTx } from '../../config/database';
import type { Logger } from '../../config/logger';
import { Conflict, Invalid, NotFound, Unavailable, Unprocessable, type FieldIssue } from '../../core/errors';
import { pageArgs, toPage } from '../../core/pagination';
import type { Ctx } from '../../core/types';
import type { Job, Prisma } from '../../generated/prisma/client';
import type { JobDispatcher, JobSpec } from '../../jobs/dispatcher';
import { FarSideError } from '../../integrations/errors';
import { fqdn, type PowerDnsClient } from '../../integrations/powerdns/powerdns.client';
import type { PdnsZone, Rrset, RrsetChange } from '../../integrations/powerdns/powerdns.types';
import { auditFrom, type AuditService } from '../audit/audit.service';
import { validateRrsetChanges } from './dns.records';
import type { CreateZone, ListZonesQuery, UpdateRecords } from './dns.types';

const DOMAIN = { select: { id: true, name: true, status: true, customerId: true } } as const;

/** How a zone's live state was read: `missing` = PowerDNS has no such zone; `unavailable` = it did not answer. */
export type LiveStatus = 'ok' | 'missing' | 'unavailable';

const jobView = (job: Job) => ({ id: job.id, type: job.type, status: job.status });
const rrsetKey = (name: string, type: string) => `${fqdn(name)} ${type}`;

/**
 * Names a CNAME would share with other data once `changes` are applied to `live` (PowerDNS
 * refuses such a PATCH as a whole; saying which change is at fault here beats a failed job).
 */
function cnameConflicts(live: Rrset[], changes: RrsetChange[]): FieldIssue[] {
  const types = new Map<string, Set<string>>();
  const at = (name: string) => types.get(fqdn(name)) ?? types.set(fqdn(name), new Set()).get(fqdn(name))!;
  for (const r of live) at(r.name).add(r.type);
  for (const c of changes) {
    if (c.changetype === 'DELETE') at(c.name).delete(c.type);
    else at(c.name).add(c.type);
  }
  const issues: FieldIssue[] = [];
  changes.forEach((c, i) => {
    if (c.changetype !== 'REPLACE') return;
    const here = at(c.name);
    if (here.has('CNAME') && here.size > 1) {
      const others = [...here].filter((t) => t !== 'CNAME').sort().join(', ');
      issues.push({ path: `body.changes.${i}.name`, message: `${c.name} would hold a CNAME next to ${others}; delete one of them in the same batch` });
    }
  });
  return issues;
}

/**
 * DNS zones (seed §8.2). The DnsZone rows are mPanel's; the records live in PowerDNS. Reading a
 * zone's records asks PowerDNS directly; every change goes through a job (SYNC_DNS_ZONE,
 * UPDATE_DNS_RECORDS, DELETE_DNS_ZONE), created with its audit row in one transaction.
 */
export function createDnsService(deps: { db: Db; audit: AuditService; jobs: JobDispatcher; powerdns: Pick<PowerDnsClient, 'getZone'>; logger: Logger }) {
  const { db, audit, jobs, powerdns } = deps;

  async function find(tx: DbTx, ctx: Ctx, id: string) {
    const zone = await tx.dnsZone.findFirst({ where: { id, tenantId: ctx.actor.tenantId }, include: { domain: DOMAIN } });
    if (!zone) throw NotFound('DNS zone');
    return zone;
  }

  async function readLive(name: string): Promise<{ status: LiveStatus; zone: PdnsZone | null; error?: string }> {
    try {
      const zone = await powerdns.getZone(name);
      return { status: zone ? 'ok' : 'missing', zone };
    } catch (err) {
      if (!(err instanceof FarSideError)) throw err;
      deps.logger.warn({ err: err.message, zone: name }, 'PowerDNS did not answer a zone read');
      return { status: 'unavailable', zone: null, error: err.message };
    }
  }

  /** Writes the job rows and the audit row in one transaction, then queues the jobs. */
  async function enqueue<T>(ctx: Ctx, work: (tx: DbTx) => Promise<{ specs: JobSpec[]; audit: (jobs: Job[]) => Parameters<typeof auditFrom>[2]; result: T }>) {
    const { rows, result } = await db.$transaction(async (tx) => {
      const planned = await work(tx);
      const rows = await jobs.create(tx, ctx.actor.tenantId, planned.specs);
      await audit.record(auditFrom(ctx.actor, ctx.meta, planned.audit(rows)), tx);
      return { rows, result: planned.result };
    });
    await jobs.dispatch(rows);
    return { job: jobView(rows[0]), ...result };
  }

  /** The caller's domain by id, or by name (created in the caller's tenant when nobody has it). */
  async function domainFor(tx: DbTx, ctx: Ctx, input: CreateZone) {
    if (input.domainId) {
      const domain = await tx.domain.findFirst({ where: { id: input.domainId, tenantId: ctx.actor.tenantId }, select: DOMAIN.select });
      if (!domain) throw NotFound('Domain');
      return { domain, created: false };
    }
    const name = input.domain!;
    const existing = await tx.domain.findUnique({ where: { name }, select: { ...DOMAIN.select, tenantId: true } });
    if (existing && existing.tenantId !== ctx.actor.tenantId) {
      throw Conflict(`Domain ${name} is already taken`, [{ path: 'body.domain', message: 'is already taken' }], 'DOMAIN_TAKEN');
    }
    if (existing) {
      const { tenantId: _t, ...domain } = existing;
      return { domain, created: false };
    }
    const domain = await tx.domain.create({ data: { tenantId: ctx.actor.tenantId, name, status: 'ACTIVE' }, select: DOMAIN.select });
    return { domain, created: true };
  }

  return {
    async list(ctx: Ctx, q: ListZonesQuery) {
      const where: Prisma.DnsZoneWhereInput = {
        tenantId: ctx.actor.tenantId,
        ...(q.domainId && { domainId: q.domainId }),
        ...(q.isSynced !== undefined && { isSynced: q.isSynced }),
        ...(q.search && { domain: { name: { contains: q.search.toLowerCase() } } }),
      };
      const orderBy: Prisma.DnsZoneOrderByWithRelationInput = q.sort === 'lastSyncAt' ? { lastSyncAt: { sort: q.order, nulls: 'last' } } : { [q.sort]: q.order };
      const [total, items] = await Promise.all([
        db.dnsZone.count({ where }),
        db.dnsZone.findMany({ where, orderBy: [orderBy, { id: q.order }], ...pageArgs(q), include: { domain: DOMAIN } }),
      ]);
      return toPage(items, total, q);
    },

    /**
     * The row with the zone as PowerDNS holds it now: `serial` (to send back with an edit) and
     * `rrsets`. When PowerDNS has no such zone or does not answer, they are null and `pdns` says why.
     */
    async get(ctx: Ctx, id: string) {
      const zone = await find(db, ctx, id);
      const live = await readLive(zone.domain.name);
      return {
        ...zone,
        serial: live.zone?.serial ?? null,
        rrsets: live.zone?.rrsets ?? null,
        pdns: { status: live.status, ...(live.zone && { name: live.zone.name, kind: live.zone.kind, dnssec: live.zone.dnssec }), ...(live.error && { error: live.error }) },
      };
    },

    /** A zone row for the domain and a SYNC_DNS_ZONE job that creates it in PowerDNS from the template. */
    async create(ctx: Ctx, input: CreateZone) {
      return enqueue(ctx, async (tx) => {
        const { domain, created } = await domainFor(tx, ctx, input);
        // One zone per domain, even when two staff add it at the same moment.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`mpanel:dns-zone:${domain.id}`}))`;
        const existing = await tx.dnsZone.findFirst({ where: { domainId: domain.id }, select: { id: true } });
        if (existing) throw Conflict(`Domain ${domain.name} already has a DNS zone`, { zoneId: existing.id }, 'ZONE_EXISTS');
        const zone = await tx.dnsZone.create({ data: { tenantId: ctx.actor.tenantId, domainId: domain.id, isSynced: false }, include: { domain: DOMAIN } });
        return {
          specs: [{ type: 'SYNC_DNS_ZONE', payload: { zoneId: zone.id } }],
          audit: ([job]) => ({
            action: 'dns.zone_created',
            targetType: 'DnsZone',
            targetId: zone.id,
            details: { domain: domain.name, domainId: domain.id, domainCreated: created, jobId: job.id, after: { id: zone.id, domainId: domain.id, isSynced: false } },
          }),
          result: { zone },
        };
      });
    },

    /** Pushes the template to PowerDNS again (records staff added outside the template stay). */
    async sync(ctx: Ctx, id: string) {
      return enqueue(ctx, async (tx) => {
        const zone = await find(tx, ctx, id);
        return {
          specs: [{ type: 'SYNC_DNS_ZONE', payload: { zoneId: zone.id } }],
          audit: ([job]) => ({ action: 'dns.zone_sync_requested', targetType: 'DnsZone', targetId: zone.id, details: { domain: zone.domain.name, jobId: job.id } }),
          result: {},
        };
      });
    },

    /**
     * Record changes made against the zone as read at `serial`. Refused (409) when PowerDNS's
     * serial has moved since: someone else changed the zone, and the editor must read it again.
     */
    async updateRecords(ctx: Ctx, id: string, input: UpdateRecords) {
      const zone = await find(db, ctx, id);
      const checked = validateRrsetChanges(zone.domain.name, input.changes);
      if (!checked.ok) {
        const issues = checked.issues.map((i) => ({ ...i, path: `body.${i.path}` }));
        throw Invalid(`Invalid input: ${issues.map((i) => i.path).join(', ')}`, issues);
      }
      const live = await readLive(zone.domain.name);
      if (live.status === 'unavailable') throw Unavailable('PowerDNS did not answer; the zone cannot be checked for changes right now');
      if (!live.zone) throw Conflict(`Zone ${zone.domain.name} is not in PowerDNS yet; sync it first`, { zoneId: zone.id }, 'ZONE_NOT_PUBLISHED');
      if (live.zone.serial !== input.serial) {
        throw Conflict(`Zone ${zone.domain.name} changed since it was read (serial ${input.serial}, now ${live.zone.serial}); read it again`, { serial: live.zone.serial }, 'SERIAL_MISMATCH');
      }
      const conflicts = cnameConflicts(live.zone.rrsets, checked.changes);
      if (conflicts.length) throw Unprocessable('The changes would put a CNAME next to other records', conflicts, 'CNAME_CONFLICT');

      const current = new Map(live.zone.rrsets.map((r) => [rrsetKey(r.name, r.type), r]));
      const before = checked.changes.map((c) => current.get(rrsetKey(c.name, c.type)) ?? { name: c.name, type: c.type, records: [] });
      const after = checked.changes.map((c) => (c.changetype === 'DELETE' ? { name: c.name, type: c.type, records: [] } : { name: c.name, type: c.type, ttl: c.ttl, records: c.records }));
      return enqueue(ctx, async (tx) => {
        await find(tx, ctx, id);
        return {
          specs: [{ type: 'UPDATE_DNS_RECORDS', payload: { zoneId: zone.id, serial: input.serial, changes: checked.changes } }],
          audit: ([job]) => ({
            action: 'dns.records_change_requested',
            targetType: 'DnsZone',
            targetId: zone.id,
            details: { domain: zone.domain.name, serial: input.serial, jobId: job.id, before, after },
          }),
          result: {},
        };
      });
    },

    /** Deletes the zone in PowerDNS, then the row (DELETE_DNS_ZONE); the domain stays. */
    async remove(ctx: Ctx, id: string) {
      return enqueue(ctx, async (tx) => {
        const zone = await find(tx, ctx, id);
        const { domain, ...row } = zone;
        return {
          specs: [{ type: 'DELETE_DNS_ZONE', payload: { zoneId: zone.id } }],
          audit: ([job]) => ({ action: 'dns.zone_delete_requested', targetType: 'DnsZone', targetId: zone.id, details: { domain: domain.name, jobId: job.id, before: row } }),
          result: {},
        };
      });
    },
  };
}

export type DnsService = ReturnType<typeof createDnsService>;
