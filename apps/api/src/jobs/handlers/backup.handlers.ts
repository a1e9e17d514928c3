import type { Db } from '../../config/database';
import type { Server } from '../../generated/prisma/client';
import { runBackup, type BackupArgs } from '../../integrations/ssh/host-scripts';
import type { SshClient } from '../../integrations/ssh/ssh.client';
import type { AuditService } from '../../modules/audit/audit.service';
import { describeError, PermanentJobError } from '../errors';
import type { Handlers } from '../runner';
import { pinHostKey, sshTarget } from './hosting.handlers';

export interface BackupHandlerDeps {
  db: Db;
  ssh: Pick<SshClient, 'runScript'>;
  audit: AuditService;
}

/** A path as the server's own users see it (a sandboxed test server reports its prefix too). */
function serverPath(p: string, sandboxRoot: string | null): string {
  return sandboxRoot && p.startsWith(`${sandboxRoot}/`) ? p.slice(sandboxRoot.length) : p;
}

/**
 * RUN_BACKUP: runs run_backup.sh on the backup's server over SSH. Every attempt leaves a
 * BackupReport (SUCCESS with size, duration and checksum, or FAILED with the reason) and sets the
 * backup job's status and last run, as a report from the server's own cron would.
 */
export function backupHandlers(deps: BackupHandlerDeps): Handlers {
  const { db, ssh, audit } = deps;

  /** What to archive and where, from the backup job and its target's current rows. */
  async function planOf(backupJobId: string): Promise<{ server: Server; args: BackupArgs; label: string }> {
    const backup = await db.backupJob.findUnique({ where: { id: backupJobId }, include: { server: true } });
    if (!backup) throw new PermanentJobError(`backup job ${backupJobId} does not exist`);
    switch (backup.type) {
      case 'CLIENT_SITE': {
        const account = await db.hostingAccount.findFirst({ where: { domainId: backup.targetId, tenantId: backup.tenantId }, include: { server: true, domain: true } });
        if (!account || account.status === 'TERMINATED') throw new PermanentJobError(`the site of backup job ${backup.name ?? backup.id} has no hosting account any more`);
        // The files are where the account lives, whatever the backup row says.
        return { server: account.server, args: { kind: 'site', job: backup.id, domain: account.domain.name, systemUser: account.systemUser }, label: account.domain.name };
      }
      case 'SYSTEM':
        if (!backup.server) throw new PermanentJobError(`backup job ${backup.name ?? backup.id} names no server`);
        return { server: backup.server, args: { kind: 'system', job: backup.id }, label: backup.server.name };
      case 'DATABASE':
        throw new PermanentJobError('DATABASE backups run on the database server from its own schedule; mPanel cannot start one');
    }
  }

  return {
    async RUN_BACKUP(payload, { job }) {
      const { server, args, label } = await planOf(payload.backupJobId);
      const started = new Date();
      await db.backupJob.update({ where: { id: payload.backupJobId }, data: { status: 'RUNNING', lastRunAt: started } });

      try {
        const { result, hostKeyFingerprint } = await runBackup(ssh, sshTarget(server), args);
        await pinHostKey(db, audit, server, hostKeyFingerprint);
        const archive = serverPath(result.archive, result.sandboxRoot);
        const report = await db.$transaction(async (tx) => {
          const report = await tx.backupReport.create({
            data: {
              tenantId: job.tenantId,
              backupJobId: payload.backupJobId,
              status: 'SUCCESS',
              sizeBytes: BigInt(result.sizeBytes),
              durationMs: result.durationMs,
              checksum: `sha256:${result.sha256}`,
              details: { source: 'worker', jobId: job.id, server: server.name, archive, pruned: result.pruned },
            },
          });
          await tx.backupJob.update({ where: { id: payload.backupJobId }, data: { status: 'SUCCESS', lastRunAt: new Date() } });
          return report;
        });
        return {
          message: `backup of ${label} on ${server.name}: ${archive} (${result.sizeBytes} bytes)`,
          details: { backupJobId: payload.backupJobId, reportId: report.id, server: server.name, archive, sizeBytes: result.sizeBytes, sha256: result.sha256, durationMs: result.durationMs, pruned: result.pruned },
        };
      } catch (err) {
        await db.$transaction([
          db.backupReport.create({
            data: { tenantId: job.tenantId, backupJobId: payload.backupJobId, status: 'FAILED', durationMs: Date.now() - started.getTime(), details: { source: 'worker', jobId: job.id, server: server.name, message: describeError(err) } },
          }),
          db.backupJob.update({ where: { id: payload.backupJobId }, data: { status: 'FAILED', lastRunAt: new Date() } }),
        ]);
        throw err;
      }
    },
  };
}
