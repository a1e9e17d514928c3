import type { Db, DbTx } from '../../config/database';
import type { Prisma } from '../../generated/prisma/client';
import type { Actor, RequestMeta } from '../../core/types';
import { pageArgs, toPage } from '../../core/pagination';
import { NotFound } from '../../core/errors';
import type { ListAuditQuery } from './audit.types';

export interface AuditEntry {
  tenantId: string;
  userId?: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  meta?: RequestMeta;
}

/** Audit rows for admin changes: actor and request taken from the context. */
export function auditFrom(actor: Actor, meta: RequestMeta, entry: Omit<AuditEntry, 'tenantId' | 'userId' | 'meta'>): AuditEntry {
  return { ...entry, tenantId: actor.tenantId, userId: actor.userId, meta };
}

/** Comparable form of a field value: dates and JSON compare by content (jsonb reorders keys). */
function comparable(v: unknown): string {
  const canonical = (x: unknown): unknown =>
    x instanceof Date
      ? x.toISOString()
      : Array.isArray(x)
        ? x.map(canonical)
        : x && typeof x === 'object'
          ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, canonical((x as Record<string, unknown>)[k])]))
          : (x ?? null);
  return JSON.stringify(canonical(v));
}

/**
 * What a patch actually changes on `before`, as the `{ before, after }` pair an audit row
 * carries; fields the patch leaves out or sets to their current value are not listed.
 * Null when nothing changes, so callers can skip a write and its audit row.
 */
export function changesOf<T extends object>(before: T, patch: Partial<T>): { before: Partial<T>; after: Partial<T> } | null {
  const out = { before: {} as Partial<T>, after: {} as Partial<T> };
  let changed = false;
  for (const key of Object.keys(patch) as Array<keyof T>) {
    const next = patch[key];
    if (next === undefined || comparable(before[key]) === comparable(next)) continue;
    out.before[key] = before[key];
    out.after[key] = next;
    changed = true;
  }
  return changed ? out : null;
}

/** Details as stored: dates as ISO strings and big integers as decimal strings, as a reader sees them. */
function asJson(details: Record<string, unknown>): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(details, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Prisma.InputJsonValue;
}

export function createAuditService(deps: { db: Db }) {
  return {
    /** Writes one AuditLog row; pass `tx` to make it part of the change it describes. */
    async record(entry: AuditEntry, tx: DbTx = deps.db): Promise<void> {
      await tx.auditLog.create({
        data: {
          tenantId: entry.tenantId,
          userId: entry.userId ?? null,
          action: entry.action,
          targetType: entry.targetType,
          targetId: entry.targetId,
          details: entry.details ? asJson(entry.details) : undefined,
          ipAddress: entry.meta?.ip,
          userAgent: entry.meta?.userAgent,
          requestId: entry.meta?.requestId,
        },
      });
    },

    async list(actor: Actor, q: ListAuditQuery) {
      const where: Prisma.AuditLogWhereInput = {
        tenantId: actor.tenantId,
        ...(q.userId && { userId: q.userId }),
        // A trailing "." lists a family of actions: "auth." → auth.login, auth.logout…
        ...(q.action && (q.action.endsWith('.') ? { action: { startsWith: q.action } } : { action: q.action })),
        ...(q.targetType && { targetType: q.targetType }),
        ...(q.targetId && { targetId: q.targetId }),
        ...((q.from || q.to) && { createdAt: { ...(q.from && { gte: q.from }), ...(q.to && { lte: q.to }) } }),
      };
      const [total, rows] = await Promise.all([
        deps.db.auditLog.count({ where }),
        deps.db.auditLog.findMany({
          where,
          orderBy: [{ [q.sort]: q.order }, { id: q.order }],
          ...pageArgs(q),
          include: { user: { select: { email: true, displayName: true } } },
        }),
      ]);
      return toPage(rows, total, q);
    },

    async get(actor: Actor, id: string) {
      const row = await deps.db.auditLog.findFirst({
        where: { id, tenantId: actor.tenantId },
        include: { user: { select: { email: true, displayName: true } } },
      });
      if (!row) throw NotFound('Audit entry');
      return row;
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
