import type { Db } from '../../config/database';
import type { HostingAccount, Server } from '../../generated/prisma/client';
import type { PowerDnsClient } from '../../integrations/powerdns/powerdns.client';
import { createSite, suspendSite, terminateSite, unsuspendSite } from '../../integrations/ssh/host-scripts';
import type { SshClient, SshTarget } from '../../integrations/ssh/ssh.client';
import type { AuditService } from '../../modules/audit/audit.service';
import { reserveHostingAccount } from '../../modules/hosting/hosting.placement';
import { PermanentJobError } from '../errors';
import type { Handlers } from '../runner';
import { removeDomainZone } from './dns-zone.handlers';

export interface HostingHandlerDeps {
  db: Db;
  ssh: Pick<SshClient, 'runScript'>;
  audit: AuditService;
  /** For TERMINATE_ACCOUNT with `removeZone`. */
  powerdns: Pick<PowerDnsClient, 'deleteZone'>;
}

export function sshTarget(server: Server): SshTarget {
  return { host: server.ipAddress, port: server.sshPort, username: server.sshUser ?? 'root', hostKeyFingerprint: server.hostKeyFingerprint };
}

/**
 * Trust on first use: the first host key a server shows is pinned on its row, and every later
 * connection must show the same one (the SSH client refuses a mismatch before running anything).
 */
export async function pinHostKey(db: Db, audit: AuditService, server: Server, seen: string): Promise<void> {
  if (server.hostKeyFingerprint) return;
  const pinned = await db.server.updateMany({ where: { id: server.id, hostKeyFingerprint: null }, data: { hostKeyFingerprint: seen } });
  if (pinned.count) {
    await audit.record({ tenantId: server.tenantId, action: 'server.host_key_pinned', targetType: 'Server', targetId: server.id, details: { fingerprint: seen } });
  }
}

/** A path as the web server's own users see it (a sandboxed test server reports its prefix too). */
function serverPath(p: string, sandboxRoot: string | null): string {
  return sandboxRoot && p.startsWith(`${sandboxRoot}/`) ? p.slice(sandboxRoot.length) : p;
}

/** Hosting accounts on web servers, through the host scripts over SSH. */
export function hostingHandlers(deps: HostingHandlerDeps): Handlers {
  const { db, ssh, audit, powerdns } = deps;

  async function accountOf(id: string): Promise<HostingAccount & { server: Server; domain: { name: string } }> {
    const account = await db.hostingAccount.findUnique({ where: { id }, include: { server: true, domain: { select: { name: true } } } });
    if (!account) throw new PermanentJobError(`hosting account ${id} does not exist`);
    return account;
  }

  return {
    async PROVISION_HOSTING(payload) {
      const reserved = await reserveHostingAccount(db, { domainId: payload.domainId, phpVersion: payload.phpVersion });
      const account = await accountOf(reserved.id);
      if (account.status === 'TERMINATED') throw new PermanentJobError(`hosting account of ${account.domain.name} was terminated`);
      const { result, hostKeyFingerprint } = await createSite(ssh, sshTarget(account.server), {
        domain: account.domain.name,
        systemUser: account.systemUser,
        phpVersion: account.phpVersion ?? payload.phpVersion ?? null,
      });
      await pinHostKey(db, audit, account.server, hostKeyFingerprint);
      await db.hostingAccount.update({
        where: { id: account.id },
        data: { status: account.status === 'SUSPENDED' ? 'SUSPENDED' : 'ACTIVE', homeDir: serverPath(result.homeDir, result.sandboxRoot), phpVersion: result.phpVersion, systemUser: result.user },
      });
      return {
        message: `site ${account.domain.name} ${result.changed ? 'created' : 'already in place'} on ${account.server.name} as ${result.user}`,
        details: { hostingAccountId: account.id, server: account.server.name, ...result },
      };
    },

    async SUSPEND_ACCOUNT(payload) {
      const account = await accountOf(payload.hostingAccountId);
      const { result, hostKeyFingerprint } = await suspendSite(ssh, sshTarget(account.server), { domain: account.domain.name, systemUser: account.systemUser });
      await pinHostKey(db, audit, account.server, hostKeyFingerprint);
      await db.$transaction([
        db.hostingAccount.update({ where: { id: account.id }, data: { status: 'SUSPENDED' } }),
        db.domain.update({ where: { id: account.domainId }, data: { status: 'SUSPENDED' } }),
      ]);
      return { message: `site ${account.domain.name} suspended`, details: { hostingAccountId: account.id, ...result } };
    },

    async UNSUSPEND_ACCOUNT(payload) {
      const account = await accountOf(payload.hostingAccountId);
      const { result, hostKeyFingerprint } = await unsuspendSite(ssh, sshTarget(account.server), { domain: account.domain.name, systemUser: account.systemUser });
      await pinHostKey(db, audit, account.server, hostKeyFingerprint);
      await db.$transaction([
        db.hostingAccount.update({ where: { id: account.id }, data: { status: 'ACTIVE' } }),
        db.domain.update({ where: { id: account.domainId }, data: { status: 'ACTIVE' } }),
      ]);
      return { message: `site ${account.domain.name} unsuspended`, details: { hostingAccountId: account.id, ...result } };
    },

    async TERMINATE_ACCOUNT(payload) {
      const account = await accountOf(payload.hostingAccountId);
      const { result, hostKeyFingerprint } = await terminateSite(ssh, sshTarget(account.server), { domain: account.domain.name, systemUser: account.systemUser });
      await pinHostKey(db, audit, account.server, hostKeyFingerprint);
      await db.hostingAccount.update({ where: { id: account.id }, data: { status: 'TERMINATED' } });
      // The site goes first: a zone removed while the site still served would only break it.
      const zone = payload.removeZone ? await removeDomainZone(db, powerdns, { id: account.domainId, name: account.domain.name }) : null;
      return {
        message: `site ${account.domain.name} terminated${zone ? `, zone ${zone.zone} removed` : ''}`,
        details: { hostingAccountId: account.id, ...result, ...(zone && { zoneRemoved: zone }) },
      };
    },
  };
}
