import type { DbTx } from '../../config/database';
import type { Plan, Server, VpsInstance } from '../../generated/prisma/client';
import { vpsServerConfig } from '../../integrations/vps/vps-driver';

/**
 * Where a VPS goes and what it is built from, shared by the admin create and the order's
 * PROVISION_VPS job. Each refusal names the input it is about (`field`), so the API can answer
 * 422 for that field and the worker can fail the job for good with the same words.
 */
export class VpsPlacementError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly status: 404 | 409 | 422 = 422,
  ) {
    super(message);
    this.name = 'VpsPlacementError';
  }
}

export interface VpsSpec {
  cpuCores: number;
  memoryMb: number;
  diskGb: number;
  /** A template name from the plan, or none (the server's only template is used then). */
  template?: string;
}

/** Instances that occupy a hypervisor: everything not terminated. */
export const OCCUPYING = ['PENDING', 'RUNNING', 'STOPPED', 'SUSPENDED'] as const;

const positiveInt = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);

/** A VPS plan's limits (`limitsJson`: cpuCores, memoryMb, diskGb, template?) as a spec. */
export function planSpec(plan: Pick<Plan, 'slug' | 'limitsJson'>): VpsSpec {
  const limits = (plan.limitsJson ?? {}) as Record<string, unknown>;
  const spec = { cpuCores: positiveInt(limits.cpuCores), memoryMb: positiveInt(limits.memoryMb), diskGb: positiveInt(limits.diskGb) };
  const missing = Object.entries(spec).filter(([, v]) => v === undefined).map(([k]) => k);
  if (missing.length) throw new VpsPlacementError(`plan ${plan.slug} does not set ${missing.join(', ')} in its limits`, 'planId');
  return { ...(spec as Omit<VpsSpec, 'template'>), template: typeof limits.template === 'string' ? limits.template : undefined };
}

/** The template names a hypervisor offers, from its driver config. */
export function templatesOf(server: Pick<Server, 'name' | 'config'>): string[] {
  const parsed = vpsServerConfig.safeParse(server.config);
  if (!parsed.success) throw new VpsPlacementError(`server ${server.name} has no valid VPS driver config`, 'serverId');
  return Object.keys(parsed.data.templates).sort();
}

/** The template to build from: the one asked for, else the server's only one. */
export function resolveTemplate(server: Pick<Server, 'name' | 'config'>, wanted: string | undefined, field = 'template'): string {
  const offered = templatesOf(server);
  if (wanted) {
    if (!offered.includes(wanted)) throw new VpsPlacementError(`server ${server.name} has no template ${wanted} (it offers ${offered.join(', ')})`, field);
    return wanted;
  }
  if (offered.length === 1) return offered[0];
  throw new VpsPlacementError(`server ${server.name} offers several templates (${offered.join(', ')}); name one`, field);
}

/**
 * The hypervisor for a new instance: `serverId` when given (an active HYPERVISOR of the tenant),
 * else the active one with the fewest occupying instances (ties: lowest name, then id).
 * Call inside the transaction that creates the instance, after `lockPlacement`.
 */
export async function pickHypervisor(tx: DbTx, tenantId: string, serverId?: string): Promise<Server> {
  if (serverId) {
    const server = await tx.server.findFirst({ where: { id: serverId, tenantId } });
    if (!server) throw new VpsPlacementError('Server not found', 'serverId', 404);
    if (server.role !== 'HYPERVISOR') throw new VpsPlacementError(`server ${server.name} is a ${server.role} server, not a HYPERVISOR`, 'serverId');
    if (!server.isActive) throw new VpsPlacementError(`server ${server.name} is not active`, 'serverId');
    return server;
  }
  const servers = await tx.server.findMany({
    where: { tenantId, role: 'HYPERVISOR', isActive: true },
    include: { _count: { select: { vpsInstances: { where: { status: { in: [...OCCUPYING] } } } } } },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
  if (!servers.length) throw new VpsPlacementError('this tenant has no active HYPERVISOR server', 'serverId');
  const { _count: _ignored, ...server } = servers.reduce((best, s) => (s._count.vpsInstances < best._count.vpsInstances ? s : best));
  return server;
}

/** Serialises placements within a tenant, so concurrent creates see each other's instances. */
export async function lockPlacement(tx: DbTx, tenantId: string): Promise<void> {
  // Parameters are bound; the key is a hash of the tenant id.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`mpanel:vps-placement:${tenantId}`}))`;
}

/** A name in use by a live instance of the tenant: names identify machines on the provider. */
export async function nameTaken(tx: DbTx, tenantId: string, name: string): Promise<Pick<VpsInstance, 'id'> | null> {
  return tx.vpsInstance.findFirst({ where: { tenantId, name, status: { in: [...OCCUPYING] } }, select: { id: true } });
}

/** A host name for an ordered VPS: from its domain (`shop.example.com` → `shop-example-com`), else from the job. */
export function vpsNameFor(domainName: string | null | undefined, fallbackId: string): string {
  const fromDomain = domainName
    ?.toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return fromDomain || `vps-${fallbackId.toLowerCase().replace(/[^a-z0-9]/g, '').slice(-12)}`;
}
