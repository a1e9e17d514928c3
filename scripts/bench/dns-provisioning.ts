/**
 * DNS provisioning throughput: PROVISION_DNS jobs through the real worker (BullMQ, the job runner's
 * claim + JobLog + AuditLog bookkeeping, the handler's template and convergence, DnsZone rows)
 * against PowerDNS's own API creating the same zones directly, both at the same concurrency, on a
 * PowerDNS Authoritative server (LMDB) started for the run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startPowerDns } from '../lib/peers/powerdns';
import { createPowerDnsClient } from '../../apps/api/src/integrations/powerdns/powerdns.client';
import { defaultRrsets } from '../../apps/api/src/modules/dns/dns.template';
import { createWorkerRuntime, farSidesFrom } from '../../apps/api/src/jobs/worker-runtime';
import { baselineRow, compareRow, type Goal } from './report';
import { loadCalls, type Measurement } from './runner';
import type { Scenario } from './scenario';

const GOAL: Goal = { minRatio: 0.8 };
const CONCURRENCY = 8;

export const dnsProvisioning: Scenario = {
  name: 'dns-provisioning',
  description: `PROVISION_DNS jobs through the worker vs PowerDNS API zone creates (${CONCURRENCY} at a time)`,
  async run(ctx) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpanel-bench-pdns-'));
    const pdns = await startPowerDns({ dir, apiKey: `bench-${Date.now()}` });
    ctx.onClose(async () => {
      await pdns.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const powerdns = createPowerDnsClient({ baseUrl: pdns.apiUrl, apiKey: pdns.apiKey });
    const env = { ...ctx.env, POWERDNS_API_URL: pdns.apiUrl, POWERDNS_API_KEY: pdns.apiKey, WORKER_CONCURRENCY: CONCURRENCY };
    const run = Date.now().toString(36);
    // A tenant of its own: the order-intake scenario leaves thousands of PENDING jobs in the demo tenant.
    const tenant = await ctx.container.db.tenant.create({ data: { slug: `bench-dns-${run}`, name: 'DNS benchmark' } });
    const mail = await ctx.container.db.server.create({ data: { tenantId: tenant.id, name: 'mail-core', role: 'MAIL', ipAddress: '127.0.0.1' } });
    const config = { ...ctx.config, connections: CONCURRENCY };

    // Baseline: the same zones (same template) straight into PowerDNS's API.
    const create = (i: number) => {
      const domain = `raw-${run}-${i}.example.com`;
      return powerdns.createZone({
        name: domain,
        nameservers: env.DNS_NAMESERVERS,
        soaEditApi: 'DEFAULT',
        rrsets: defaultRrsets({ domain, ttl: env.DNS_DEFAULT_TTL, nameservers: env.DNS_NAMESERVERS, mailIp: mail?.ipAddress }),
      });
    };
    ctx.log(`${this.name}: PowerDNS API…`);
    await loadCalls('warm-up', (i) => create(1_000_000 + i), config, { durationSec: ctx.config.warmupSec });
    const baseline = await loadCalls('PowerDNS API zone create', create, config);

    // Subject: as many zones as the baseline made, as PROVISION_DNS jobs through the worker.
    const count = Math.max(50, baseline.completed);
    ctx.log(`${this.name}: ${count} PROVISION_DNS jobs through the worker…`);
    const { db, jobs } = ctx.container;
    const domains = Array.from({ length: count }, (_, i) => ({ tenantId: tenant.id, name: `job-${run}-${i}.example.com`, status: 'PENDING_SETUP' as const }));
    await db.domain.createMany({ data: domains });
    const rows = await db.domain.findMany({ where: { name: { startsWith: `job-${run}-` } }, select: { id: true } });
    const created = [];
    for (let i = 0; i < rows.length; i += 200) {
      const batch = rows.slice(i, i + 200);
      created.push(...(await db.$transaction((tx) => jobs.create(tx, tenant.id, batch.map((d) => ({ type: 'PROVISION_DNS' as const, payload: { domainId: d.id } }))))));
    }
    const container = { ...ctx.container, env };
    const runtime = createWorkerRuntime(container, { ...farSidesFrom(env), powerdns }, { tenantIds: [tenant.id] });
    const started = performance.now();
    await runtime.start();
    await jobs.dispatch(created);
    const ids = created.map((j) => j.id);
    // A cheap indexed count (tenant + status), so watching does not compete with the work.
    for (;;) {
      const open = await db.job.count({ where: { tenantId: tenant.id, status: { in: ['PENDING', 'RUNNING'] } } });
      if (open === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const elapsedSec = (performance.now() - started) / 1000;
    await runtime.stop(5000);

    const done = await db.job.findMany({ where: { id: { in: ids } }, select: { status: true, startedAt: true, finishedAt: true } });
    const latencies = done.filter((j) => j.startedAt && j.finishedAt).map((j) => j.finishedAt!.getTime() - j.startedAt!.getTime()).sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? 0;
    const failures = done.filter((j) => j.status !== 'SUCCESS').length;
    const subject: Measurement = {
      target: 'mpanel worker PROVISION_DNS',
      reqPerSec: count / elapsedSec,
      p50Ms: pct(50),
      p99Ms: pct(99),
      meanMs: latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1),
      completed: count - failures,
      durationSec: elapsedSec,
      connections: CONCURRENCY,
      statusCodes: {},
      failures,
    };
    return [baselineRow(this.name, baseline), compareRow(this.name, subject, baseline, GOAL)];
  },
};
