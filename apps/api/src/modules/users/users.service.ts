import crypto from 'node:crypto';
import bcrypt from 'bcrypt';
import type { Db, DbTx } from '../../config/database';
import type { Prisma } from '../../generated/prisma/client';
import { Conflict, Forbidden, NotFound } from '../../core/errors';
import { pageArgs, toPage } from '../../core/pagination';
import { canAssignRole, type Role } from '../../core/permissions';
import type { Ctx } from '../../core/types';
import { auditFrom, changesOf, type AuditService } from '../audit/audit.service';
import { USER_FIELDS, type CreateUser, type ListUsersQuery, type UpdateUser } from './users.types';

type UserRow = Prisma.UserGetPayload<{ select: typeof USER_FIELDS }>;

// Never-signed-in users sort after everyone else whichever way the list is ordered.
const sortBy = (q: ListUsersQuery): Prisma.UserOrderByWithRelationInput =>
  q.sort === 'lastLoginAt' ? { lastLoginAt: { sort: q.order, nulls: 'last' } } : { [q.sort]: q.order };

const roleTooHigh = (role: Role) => Forbidden(`Your role may not give anyone the ${role} role`, 'ROLE_TOO_HIGH');

/**
 * Staff users of the caller's tenant. Rules: nobody hands out or manages a role above their
 * own, the tenant always keeps one active SUPER_ADMIN, and nobody deactivates themself.
 * Passwords are hashed here and never written anywhere in clear.
 */
export function createUsersService(deps: { db: Db; audit: AuditService; bcryptRounds: number }) {
  const { db, audit } = deps;

  /** The target user in the caller's tenant, if the caller's role reaches it. */
  async function manageable(tx: DbTx, ctx: Ctx, id: string): Promise<UserRow> {
    const user = await tx.user.findFirst({ where: { id, tenantId: ctx.actor.tenantId }, select: USER_FIELDS });
    if (!user) throw NotFound('User');
    // Otherwise an ADMIN could reset a SUPER_ADMIN's password and sign in as them.
    if (!canAssignRole(ctx.actor.role, user.role)) throw Forbidden(`Your role may not manage a ${user.role} user`, 'ROLE_TOO_HIGH');
    return user;
  }

  /**
   * Refuses a change that would leave the tenant without an active SUPER_ADMIN. The tenant row
   * is locked first, so two admins demoting each other at once cannot both pass the count.
   */
  async function keepsASuperAdmin(tx: DbTx, tenantId: string, user: UserRow) {
    await tx.$queryRaw`SELECT id FROM "Tenant" WHERE id = ${tenantId} FOR UPDATE`;
    if (user.role !== 'SUPER_ADMIN' || !user.isActive) return;
    const others = await tx.user.count({ where: { tenantId, role: 'SUPER_ADMIN', isActive: true, id: { not: user.id } } });
    if (others === 0) throw Conflict('The tenant must keep at least one active SUPER_ADMIN', undefined, 'LAST_SUPER_ADMIN');
  }

  async function revokeSessions(tx: DbTx, userId: string): Promise<number> {
    const { count } = await tx.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
    return count;
  }

  const newPassword = (given?: string) => given ?? crypto.randomBytes(18).toString('base64url');

  return {
    async list(ctx: Ctx, q: ListUsersQuery) {
      const where: Prisma.UserWhereInput = {
        tenantId: ctx.actor.tenantId,
        ...(q.role && { role: q.role }),
        ...(q.isActive !== undefined && { isActive: q.isActive }),
        ...(q.search && {
          OR: [{ email: { contains: q.search, mode: 'insensitive' } }, { displayName: { contains: q.search, mode: 'insensitive' } }],
        }),
      };
      const [total, items] = await Promise.all([
        db.user.count({ where }),
        db.user.findMany({ where, select: USER_FIELDS, orderBy: [sortBy(q), { id: q.order }], ...pageArgs(q) }),
      ]);
      return toPage(items, total, q);
    },

    async get(ctx: Ctx, id: string) {
      const user = await db.user.findFirst({ where: { id, tenantId: ctx.actor.tenantId }, select: USER_FIELDS });
      if (!user) throw NotFound('User');
      return user;
    },

    /** Returns the generated password once when none was given; it is not stored or logged in clear. */
    async create(ctx: Ctx, input: CreateUser): Promise<{ user: UserRow; password?: string }> {
      if (!canAssignRole(ctx.actor.role, input.role)) throw roleTooHigh(input.role);
      const password = newPassword(input.password);
      const passwordHash = await bcrypt.hash(password, deps.bcryptRounds);
      const user = await db.$transaction(async (tx) => {
        const row = await tx.user.create({
          data: { tenantId: ctx.actor.tenantId, email: input.email, displayName: input.displayName, role: input.role, passwordHash },
          select: USER_FIELDS,
        });
        await audit.record(
          auditFrom(ctx.actor, ctx.meta, {
            action: 'user.created',
            targetType: 'User',
            targetId: row.id,
            details: { after: { email: row.email, displayName: row.displayName, role: row.role }, passwordGenerated: !input.password },
          }),
          tx,
        );
        return row;
      });
      return input.password ? { user } : { user, password };
    },

    async update(ctx: Ctx, id: string, patch: UpdateUser) {
      return db.$transaction(async (tx) => {
        const before = await manageable(tx, ctx, id);
        const diff = changesOf(before, patch);
        if (!diff) return before;
        const row = await tx.user.update({ where: { id }, data: patch, select: USER_FIELDS });
        await audit.record(auditFrom(ctx.actor, ctx.meta, { action: 'user.updated', targetType: 'User', targetId: id, details: diff }), tx);
        return row;
      });
    },

    async setRole(ctx: Ctx, id: string, role: Role) {
      if (!canAssignRole(ctx.actor.role, role)) throw roleTooHigh(role);
      return db.$transaction(async (tx) => {
        const before = await manageable(tx, ctx, id);
        if (before.role === role) return before;
        await keepsASuperAdmin(tx, ctx.actor.tenantId, before);
        const row = await tx.user.update({ where: { id }, data: { role }, select: USER_FIELDS });
        await audit.record(
          auditFrom(ctx.actor, ctx.meta, { action: 'user.role_changed', targetType: 'User', targetId: id, details: { before: { role: before.role }, after: { role } } }),
          tx,
        );
        return row;
      });
    },

    /** Takes effect at once: the admin zone re-reads the user on every request, and sessions are revoked. */
    async deactivate(ctx: Ctx, id: string) {
      if (id === ctx.actor.userId) throw Conflict('You cannot deactivate yourself', undefined, 'SELF_DEACTIVATION');
      return db.$transaction(async (tx) => {
        const before = await manageable(tx, ctx, id);
        if (!before.isActive) return before;
        await keepsASuperAdmin(tx, ctx.actor.tenantId, before);
        const row = await tx.user.update({ where: { id }, data: { isActive: false }, select: USER_FIELDS });
        const revoked = await revokeSessions(tx, id);
        await audit.record(
          auditFrom(ctx.actor, ctx.meta, {
            action: 'user.deactivated',
            targetType: 'User',
            targetId: id,
            details: { before: { isActive: true }, after: { isActive: false }, refreshTokensRevoked: revoked },
          }),
          tx,
        );
        return row;
      });
    },

    async activate(ctx: Ctx, id: string) {
      return db.$transaction(async (tx) => {
        const before = await manageable(tx, ctx, id);
        if (before.isActive) return before;
        const row = await tx.user.update({ where: { id }, data: { isActive: true }, select: USER_FIELDS });
        await audit.record(
          auditFrom(ctx.actor, ctx.meta, { action: 'user.activated', targetType: 'User', targetId: id, details: { before: { isActive: false }, after: { isActive: true } } }),
          tx,
        );
        return row;
      });
    },

    /** Sets a given or generated password and signs the user out everywhere; a generated one is returned once. */
    async resetPassword(ctx: Ctx, id: string, input: { password?: string }): Promise<{ user: UserRow; password?: string }> {
      // Checked before hashing so a refusal costs no bcrypt round.
      await manageable(db, ctx, id);
      const password = newPassword(input.password);
      const passwordHash = await bcrypt.hash(password, deps.bcryptRounds);
      const user = await db.$transaction(async (tx) => {
        await manageable(tx, ctx, id);
        const row = await tx.user.update({ where: { id }, data: { passwordHash }, select: USER_FIELDS });
        const revoked = await revokeSessions(tx, id);
        await audit.record(
          auditFrom(ctx.actor, ctx.meta, {
            action: 'user.password_reset',
            targetType: 'User',
            targetId: id,
            details: { passwordGenerated: !input.password, refreshTokensRevoked: revoked },
          }),
          tx,
        );
        return row;
      });
      return input.password ? { user } : { user, password };
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
