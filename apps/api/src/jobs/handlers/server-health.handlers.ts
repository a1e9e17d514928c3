import net from 'node:net';
import type { Db } from '../../config/database';
import type { Prisma, Server } from '../../generated/prisma/client';
import { FarSideError } from '../../integrations/errors';
import type { MailcoreClient } from '../../integrations/mailcore/mailcore.client';
import type { PowerDnsClient } from '../../integrations/powerdns/powerdns.client';
import { healthCheck } from '../../integrations/ssh/host-scripts';
import type { SshClient } from '../../integrations/ssh/ssh.client';
import type { VpsDriver } from '../../integrations/vps/vps-driver';
import type { AuditService } from '../../modules/audit/audit.service';
import type { HealthStatus } from '../../modules/servers/servers.types';
import { PermanentJobError } from '../errors';
import type { Handlers } from '../runner';
import { pinHostKey, sshTarget } from './hosting.handlers';

export interface ServerHealthHandlerDeps {
  db: Db;
  audit: AuditService;
  ssh: Pick<SshClient, 'runScript'>;
  powerdns: Pick<PowerDnsClient, 'serverInfo'>;
  mailcore: Pick<MailcoreClient, 'health'>;
  /** The VPS driver of a hypervisor, from its stored config (throws FarSideError when the config cannot work). */
  vpsDriver: (serverConfig: unknown) => Pick<VpsDriver, 'health'>;
  /** How long a plain TCP probe waits for the connection. */
  tcpTimeoutMs: number;
}

export interface Probe {
  status: HealthStatus;
  /** One line for the job log and the SPA. */
  summary: string;
  details: Record<string, unknown>;
}

/** A home partition this full is worth a look before it fills up. */
const DISK_DEGRADED_AT = 0.9;

const down = (probe: string, err: FarSideError): Probe => ({
  status: 'down',
  summary: err.message,
  details: { probe, error: err.message, system: err.system, ...(err.status !== undefined && { httpStatus: err.status }) },
});

/** Connects to host:port and hangs up; nothing is sent. */
function tcpConnect(host: string, port: number, timeoutMs: number): Promise<{ ok: true; ms: number } | { ok: false; error: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: { ok: true; ms: number } | { ok: false; error: string }) => {
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, error: `no connection within ${timeoutMs}ms` }));
    socket.once('connect', () => done({ ok: true, ms: Math.round(performance.now() - started) }));
    socket.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, error: err.code ?? err.message }));
  });
}

/**
 * SERVER_HEALTH_CHECK: probes a server the way its role is used — a web server over SSH with the
 * host kit's health script, DNS through PowerDNS's API, mail through mail-core's, a hypervisor
 * through its VPS driver, anything else by a TCP connection to its SSH port — and stores
 * healthStatus ('ok' | 'degraded' | 'down'), healthCheckedAt and healthDetails on the row.
 *
 * A server that is down is a finding, not a failure of the job: the job succeeds and records it.
 * The job fails only when it could not do its own part (the row is gone, the database is away).
 */
export function serverHealthHandlers(deps: ServerHealthHandlerDeps): Handlers {
  const { db, audit } = deps;

  async function probeWeb(server: Server): Promise<Probe> {
    try {
      const { result, hostKeyFingerprint } = await healthCheck(deps.ssh, sshTarget(server));
      await pinHostKey(db, audit, server, hostKeyFingerprint);
      const used = result.disk.totalBytes ? result.disk.usedBytes / result.disk.totalBytes : 0;
      const problems = [
        ...(result.nginx ? [] : ['nginx is not installed']),
        ...(used >= DISK_DEGRADED_AT ? [`${result.disk.path} is ${Math.round(used * 100)}% full`] : []),
      ];
      return {
        status: problems.length ? 'degraded' : 'ok',
        summary: problems.length ? problems.join('; ') : `SSH and host kit v${result.kitVersion} answer on ${result.hostname}`,
        details: {
          probe: 'ssh',
          hostKeyFingerprint,
          hostname: result.hostname,
          uptimeSeconds: result.uptimeSeconds,
          loadAverage: result.loadAverage,
          disk: { ...result.disk, usedPercent: Math.round(used * 1000) / 10 },
          nginx: result.nginx,
          kitVersion: result.kitVersion,
          problems,
        },
      };
    } catch (err) {
      if (err instanceof FarSideError) return down('ssh', err);
      throw err;
    }
  }

  async function probeDns(): Promise<Probe> {
    try {
      const info = await deps.powerdns.serverInfo();
      const authoritative = info.daemonType === 'authoritative';
      return {
        status: authoritative ? 'ok' : 'degraded',
        summary: authoritative ? `PowerDNS ${info.version} answers` : `PowerDNS answers as a ${info.daemonType}, not an authoritative server`,
        details: { probe: 'powerdns', version: info.version, daemonType: info.daemonType, serverId: info.id },
      };
    } catch (err) {
      if (err instanceof FarSideError) return down('powerdns', err);
      throw err;
    }
  }

  async function probeMail(): Promise<Probe> {
    try {
      const health = await deps.mailcore.health();
      const ok = health.status === 'ok';
      return {
        status: ok ? 'ok' : 'degraded',
        summary: ok ? `mail-core ${health.version} answers` : `mail-core reports ${health.status}`,
        details: { probe: 'mailcore', ...health },
      };
    } catch (err) {
      if (err instanceof FarSideError) return down('mailcore', err);
      throw err;
    }
  }

  async function probeHypervisor(server: Server): Promise<Probe> {
    try {
      const { version } = await deps.vpsDriver(server.config).health();
      return { status: 'ok', summary: `hypervisor API ${version} answers`, details: { probe: 'vps-driver', driver: (server.config as { driver?: string } | null)?.driver ?? null, version } };
    } catch (err) {
      if (err instanceof FarSideError) return down('vps-driver', err);
      throw err;
    }
  }

  async function probeTcp(server: Server): Promise<Probe> {
    const res = await tcpConnect(server.ipAddress, server.sshPort, deps.tcpTimeoutMs);
    const where = `${server.ipAddress}:${server.sshPort}`;
    return res.ok
      ? { status: 'ok', summary: `${where} accepts connections`, details: { probe: 'tcp', port: server.sshPort, connectMs: res.ms } }
      : { status: 'down', summary: `${where} refuses connections: ${res.error}`, details: { probe: 'tcp', port: server.sshPort, error: res.error } };
  }

  function probe(server: Server): Promise<Probe> {
    switch (server.role) {
      case 'WEB':
        return probeWeb(server);
      case 'DNS':
        return probeDns();
      case 'MAIL':
        return probeMail();
      case 'HYPERVISOR':
        return probeHypervisor(server);
      default:
        return probeTcp(server);
    }
  }

  return {
    async SERVER_HEALTH_CHECK(payload) {
      const server = await db.server.findUnique({ where: { id: payload.serverId } });
      if (!server) throw new PermanentJobError(`server ${payload.serverId} does not exist`);
      const result = await probe(server);
      const checkedAt = new Date();
      await db.$transaction(async (tx) => {
        await tx.server.update({
          where: { id: server.id },
          data: { healthStatus: result.status, healthCheckedAt: checkedAt, healthDetails: { ...result.details, summary: result.summary } as Prisma.InputJsonValue },
        });
        if (server.healthStatus !== result.status) {
          await audit.record(
            {
              tenantId: server.tenantId,
              action: 'server.health_changed',
              targetType: 'Server',
              targetId: server.id,
              details: { name: server.name, before: { healthStatus: server.healthStatus }, after: { healthStatus: result.status }, summary: result.summary },
            },
            tx,
          );
        }
      });
      return {
        message: `${server.name} (${server.role}) is ${result.status}: ${result.summary}`,
        details: { serverId: server.id, status: result.status, checkedAt: checkedAt.toISOString(), ...result.details },
      };
    },
  };
}
