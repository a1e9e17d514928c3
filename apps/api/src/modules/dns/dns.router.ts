import type { RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createDnsController } from './dns.controller';
import type { DnsService } from './dns.service';
import { createZoneInput, listZonesInput, updateRecordsInput, zoneIdParams } from './dns.types';

/** Admin zone: /api/dns (seed §8.2). Reads ask PowerDNS; changes are jobs (202). */
export function dnsRouter(deps: { dns: DnsService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createDnsController(deps.dns);
  const r = adminRouter('/dns', deps);
  r.get('/zones', 'dns.read', validate(listZonesInput), c.list);
  r.post('/zones', 'dns.write', validate(createZoneInput), c.create);
  r.get('/zones/:id', 'dns.read', validate(zoneIdParams), c.get);
  r.post('/zones/:id/sync', 'dns.write', validate(zoneIdParams), c.sync);
  r.patch('/zones/:id/records', 'dns.write', validate(updateRecordsInput), c.updateRecords);
  r.delete('/zones/:id', 'dns.delete', validate(zoneIdParams), c.remove);
  return r.router;
}
