import type { Db, DbTx } from '../../config/database';
import { systemUserFor } from '../../core/names';
import type { HostingAccount, Server } from '../../generated/prisma/client';
import { PermanentJobError } from '../../jobs/errors';

/** Accounts that occupy a server: everything but terminated ones. */
const OCCUPYING = ['ACTIVE', 'PENDING', 'SUSPENDED'] as const;

export class NoCapacityError extends Error {
  constructor(tenantId: string) {
    super(`no active web server with free capacity in tenant ${tenantId}`);
    this.name = 'NoCapacityError';
  }
}

/**
 * Reserves the hosting account of a domain on the least-loaded active WEB server of its tenant
 * (fewest occupying accounts; ties go to the lowest name, then id, so the choice is stable).
 * A per-tenant transaction lock serialises placements, so concurrent orders cannot overfill a
 * server past `config.maxAccounts`. Idempotent: a domain that has an account keeps it.
 */
export async function reserveHostingAccount(
  db: Db,
  input: { domainId: string; phpVersion?: string },
): Promise<HostingAccount & { server: Server }> {
  return db.$transaction((tx) => reserveHostingAccountIn(tx, input));
}

/** The same reservation inside the caller's transaction, so it commits with what the caller writes (a job, an audit row). */
export async function reserveHostingAccountIn(
  tx: DbTx,
  input: { domainId: string; phpVersion?: string },
): Promise<HostingAccount & { server: Server }> {
  const domain = await tx.domain.findUnique({ where: { id: input.domainId }, include: { hosting: { include: { server: true } } } });
  if (!domain) throw new PermanentJobError(`domain ${input.domainId} does not exist`);
  if (domain.hosting) return domain.hosting;

  // Parameters are bound; the key is a hash of the tenant id.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`mpanel:placement:${domain.tenantId}`}))`;
  const again = await tx.hostingAccount.findUnique({ where: { domainId: domain.id }, include: { server: true } });
  if (again) return again;

  const servers = await tx.server.findMany({
    where: { tenantId: domain.tenantId, role: 'WEB', isActive: true },
    include: { _count: { select: { hostingAccounts: { where: { status: { in: [...OCCUPYING] } } } } } },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
  const candidates = servers.filter((s) => {
    const max = (s.config as { maxAccounts?: unknown } | null)?.maxAccounts;
    return typeof max !== 'number' || s._count.hostingAccounts < max;
  });
  if (!candidates.length) throw new NoCapacityError(domain.tenantId);
  const server = candidates.reduce((best, s) => (s._count.hostingAccounts < best._count.hostingAccounts ? s : best));

  const base = systemUserFor(domain.name);
  let systemUser = base;
  for (let n = 2; await tx.hostingAccount.findFirst({ where: { serverId: server.id, systemUser }, select: { id: true } }); n++) {
    const suffix = String(n);
    systemUser = `${base.slice(0, 32 - suffix.length)}${suffix}`;
  }
  const { _count: _ignored, ...serverRow } = server;
  const account = await tx.hostingAccount.create({
    data: {
      tenantId: domain.tenantId,
      domainId: domain.id,
      serverId: server.id,
      systemUser,
      homeDir: `/home/${systemUser}`,
      phpVersion: input.phpVersion,
      status: 'PENDING',
    },
  });
  return { ...account, server: serverRow };
}
