import type { Db, DbTx } from '../../config/database';
import type { Prisma } from '../../generated/prisma/client';
import type { Actor, RequestMeta } from '../../core/types';
import { pageArgs, toPage } from '../../core/pagination';
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
          details: (entry.details ?? undefined) as Prisma.InputJsonValue | undefined,
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
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
