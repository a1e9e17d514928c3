import type { Db } from '../../config/database';
import type { Env } from '../../config/env';
import type { PowerDnsClient } from '../../integrations/powerdns/powerdns.client';
import { defaultRrsets } from '../../modules/dns/dns.template';
import { reserveHostingAccount } from '../../modules/hosting/hosting.placement';
import { PermanentJobError } from '../errors';
import type { Handlers } from '../runner';

export interface DnsHandlerDeps {
  db: Db;
  env: Pick<Env, 'DNS_NAMESERVERS' | 'DNS_DEFAULT_TTL'>;
  powerdns: Pick<PowerDnsClient, 'ensureZone'>;
}

/**
 * Makes PowerDNS hold the default template for a domain's zone: web records to `web` (its hosting
 * server, when it has one), mail records to the tenant's first active mail server, the NS set.
 * Creates the zone when missing; rrsets outside the template are left alone.
 */
export async function pushZoneTemplate(
  deps: DnsHandlerDeps,
  domain: { name: string; tenantId: string },
  web: { ipAddress: string } | null | undefined,
) {
  const { db, env, powerdns } = deps;
  const mail = await db.server.findFirst({
    where: { tenantId: domain.tenantId, role: 'MAIL', isActive: true },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
  const rrsets = defaultRrsets({
    domain: domain.name,
    ttl: env.DNS_DEFAULT_TTL,
    nameservers: env.DNS_NAMESERVERS,
    webIp: web?.ipAddress,
    mailIp: mail?.ipAddress,
  });
  const { zone, created } = await powerdns.ensureZone({ name: domain.name, nameservers: env.DNS_NAMESERVERS, soaEditApi: 'DEFAULT', rrsets });
  return { zone, created, rrsets, mailIp: mail?.ipAddress ?? null };
}

/**
 * PROVISION_DNS: the domain's zone in PowerDNS, converged to the default template. When the
 * order also buys hosting, the account is placed first so the zone points at its server.
 */
export function dnsHandlers(deps: DnsHandlerDeps): Handlers {
  const { db, env, powerdns } = deps;

  return {
    async PROVISION_DNS(payload, { job }) {
      const domain = await db.domain.findUnique({ where: { id: payload.domainId }, include: { hosting: { include: { server: true } } } });
      if (!domain) throw new PermanentJobError(`domain ${payload.domainId} does not exist`);

      let web = domain.hosting?.server ?? null;
      if (!web && job.orderId) {
        const hostingJob = await db.job.findFirst({ where: { orderId: job.orderId, type: 'PROVISION_HOSTING' }, select: { payload: true } });
        if (hostingJob) {
          const phpVersion = (hostingJob.payload as { phpVersion?: string }).phpVersion;
          web = (await reserveHostingAccount(db, { domainId: domain.id, phpVersion })).server;
        }
      }
      const { zone, created, rrsets, mailIp } = await pushZoneTemplate(deps, domain, web);

      const existing = await db.dnsZone.findFirst({ where: { domainId: domain.id }, orderBy: { createdAt: 'asc' } });
      const data = { isSynced: true, lastSyncAt: new Date(), soaSerial: zone.serial ?? null };
      const row = existing
        ? await db.dnsZone.update({ where: { id: existing.id }, data })
        : await db.dnsZone.create({ data: { tenantId: domain.tenantId, domainId: domain.id, ...data } });

      return {
        message: `zone ${domain.name} ${created ? 'created' : 'converged to the template'} (serial ${zone.serial ?? 'n/a'})`,
        details: { zoneId: row.id, zone: zone.name, created, serial: zone.serial ?? null, webIp: web?.ipAddress ?? null, mailIp, rrsets: rrsets.length },
      };
    },
  };
}
