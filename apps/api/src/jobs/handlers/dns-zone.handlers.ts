import type { Db } from '../../config/database';
import type { Env } from '../../config/env';
import { fqdn, type PowerDnsClient } from '../../integrations/powerdns/powerdns.client';
import type { Rrset, RrsetChange } from '../../integrations/powerdns/powerdns.types';
import { PermanentJobError } from '../errors';
import type { Handlers } from '../runner';
import { pushZoneTemplate } from './dns.handlers';

export interface DnsZoneHandlerDeps {
  db: Db;
  env: Pick<Env, 'DNS_NAMESERVERS' | 'DNS_DEFAULT_TTL'>;
  powerdns: Pick<PowerDnsClient, 'getZone' | 'ensureZone' | 'patchRrsets' | 'deleteZone'>;
}

const sameName = (a: string, b: string) => fqdn(a) === fqdn(b);

function sameRecords(a: Rrset, b: Rrset): boolean {
  const key = (r: Rrset) => r.records.map((x) => `${x.disabled ? '-' : '+'}${x.content}`).sort().join('\n');
  return a.ttl === b.ttl && key(a) === key(b);
}

/** True when the zone already holds what `changes` ask for: an earlier attempt applied them. */
export function changesApplied(rrsets: Rrset[], changes: RrsetChange[]): boolean {
  return changes.every((c) => {
    const have = rrsets.find((r) => sameName(r.name, c.name) && r.type === c.type);
    return c.changetype === 'DELETE' ? !have : !!have && sameRecords(have, c);
  });
}

/**
 * Removes a domain's zone from PowerDNS and then its DnsZone rows (PowerDNS first: a retry after a
 * failure still finds the rows and tries again). A zone PowerDNS no longer has counts as removed.
 */
export async function removeDomainZone(db: Db, powerdns: Pick<PowerDnsClient, 'deleteZone'>, domain: { id: string; name: string }) {
  const existed = await powerdns.deleteZone(domain.name);
  const rows = await db.dnsZone.deleteMany({ where: { domainId: domain.id } });
  return { zone: fqdn(domain.name), existedInPowerDns: existed, rowsDeleted: rows.count };
}

/** Staff-driven zone work: push the template, apply record edits, delete a zone. */
export function dnsZoneHandlers(deps: DnsZoneHandlerDeps): Handlers {
  const { db, env, powerdns } = deps;

  async function zoneOf(zoneId: string) {
    const zone = await db.dnsZone.findUnique({
      where: { id: zoneId },
      include: { domain: { include: { hosting: { include: { server: true } } } } },
    });
    if (!zone) throw new PermanentJobError(`DNS zone ${zoneId} does not exist`);
    return zone;
  }

  return {
    /**
     * Makes PowerDNS hold the template's rrsets (web and mail records, NS) for the zone, creating it
     * when missing; rrsets outside the template are left as they are.
     */
    async SYNC_DNS_ZONE(payload) {
      const zone = await zoneOf(payload.zoneId);
      const { domain } = zone;
      const hosting = domain.hosting && domain.hosting.status !== 'TERMINATED' ? domain.hosting : null;
      const before = await powerdns.getZone(domain.name);
      const { zone: after, created, mailIp } = await pushZoneTemplate({ db, env, powerdns }, domain, hosting?.server);
      const changed = created || before?.serial !== after.serial;
      await db.dnsZone.update({ where: { id: zone.id }, data: { isSynced: true, lastSyncAt: new Date(), soaSerial: after.serial ?? null } });
      return {
        message: `zone ${after.name} ${created ? 'created' : changed ? 'brought back to the template' : 'already matches the template'} (serial ${after.serial})`,
        details: { zoneId: zone.id, zone: after.name, created, changed, serialBefore: before?.serial ?? null, serial: after.serial, webIp: hosting?.server.ipAddress ?? null, mailIp },
      };
    },

    /**
     * Applies record edits made against `serial`. When the zone moved on meanwhile the edit is
     * refused for good (the editor must read the zone again), unless the zone already holds exactly
     * what was asked: then an earlier attempt of this job applied it.
     */
    async UPDATE_DNS_RECORDS(payload) {
      const zone = await zoneOf(payload.zoneId);
      const name = zone.domain.name;
      const live = await powerdns.getZone(name);
      if (!live) throw new PermanentJobError(`zone ${fqdn(name)} does not exist in PowerDNS`, { zoneId: zone.id });
      const changes = payload.changes as RrsetChange[];
      if (live.serial !== payload.serial) {
        if (changesApplied(live.rrsets, changes)) {
          return { message: `zone ${live.name} already holds these ${changes.length} change(s) (serial ${live.serial})`, details: { zoneId: zone.id, serial: live.serial, alreadyApplied: true } };
        }
        throw new PermanentJobError(`zone changed since it was read (serial ${payload.serial}, now ${live.serial})`, { zoneId: zone.id, expected: payload.serial, found: live.serial });
      }
      await powerdns.patchRrsets(name, changes);
      const after = await powerdns.getZone(name);
      const serial = after?.serial ?? null;
      await db.dnsZone.update({ where: { id: zone.id }, data: { soaSerial: serial, lastSyncAt: new Date() } });
      return {
        message: `${changes.length} rrset change(s) applied to zone ${live.name} (serial ${payload.serial} → ${serial ?? 'n/a'})`,
        details: { zoneId: zone.id, serialBefore: payload.serial, serial, changes: changes.map((c) => `${c.changetype} ${c.name} ${c.type}`) },
      };
    },

    /** Deletes the zone in PowerDNS, then the row; a zone already gone from either is fine. */
    async DELETE_DNS_ZONE(payload) {
      const zone = await db.dnsZone.findUnique({ where: { id: payload.zoneId }, include: { domain: { select: { id: true, name: true } } } });
      if (!zone) return { message: `DNS zone ${payload.zoneId} is already deleted`, details: { zoneId: payload.zoneId, alreadyDeleted: true } };
      const removed = await removeDomainZone(db, powerdns, zone.domain);
      return {
        message: `zone ${removed.zone} deleted${removed.existedInPowerDns ? '' : ' (PowerDNS no longer had it)'}`,
        details: { zoneId: zone.id, domainId: zone.domain.id, ...removed },
      };
    },
  };
}
