import crypto from 'node:crypto';
import bcrypt from 'bcrypt';
import type { Db } from '../../config/database';
import { hashToken, type TokenSigner } from '../../config/auth';
import type { Logger } from '../../config/logger';
import { NotFound, Unauthorized } from '../../core/errors';
import { permissionsFor } from '../../core/permissions';
import type { Actor, RequestMeta } from '../../core/types';
import type { AuditService } from '../audit/audit.service';
import type { LoginResponse, MeResponse, PublicUser } from './auth.types';

interface Deps {
  db: Db;
  tokens: TokenSigner;
  audit: AuditService;
  logger: Logger;
  defaultTenantSlug: string;
}

const pickUser = (u: PublicUser): PublicUser => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  role: u.role,
  tenantId: u.tenantId,
});

export function createAuthService(deps: Deps) {
  const { db, tokens, audit } = deps;
  // Compared against when the email is unknown, so a miss costs as long as a wrong password.
  const dummyHash = bcrypt.hashSync(crypto.randomBytes(16).toString('hex'), 10);

  async function issue(user: PublicUser, family: string, meta: RequestMeta, replaces?: string): Promise<LoginResponse> {
    const { token: refreshToken, expiresAt } = tokens.signRefresh({ sub: user.id, fam: family, jti: crypto.randomUUID() });
    const row = await db.refreshToken.create({
      data: { userId: user.id, tokenHash: hashToken(refreshToken), family, expiresAt, ipAddress: meta.ip, userAgent: meta.userAgent },
      select: { id: true },
    });
    if (replaces) await db.refreshToken.update({ where: { id: replaces }, data: { replacedById: row.id } });
    return {
      token: tokens.signAccess({ sub: user.id, tid: user.tenantId, role: user.role }),
      refreshToken,
      expiresIn: tokens.accessTtlSeconds,
      user: pickUser(user),
    };
  }

  async function auditTenantId(tenantId?: string): Promise<string | undefined> {
    if (tenantId) return tenantId;
    const t = await db.tenant.findUnique({ where: { slug: deps.defaultTenantSlug }, select: { id: true } });
    return t?.id;
  }

  async function loginFailed(email: string, reason: string, meta: RequestMeta, user?: { id: string; tenantId: string }) {
    const tenantId = await auditTenantId(user?.tenantId);
    if (tenantId) {
      await audit.record({ tenantId, userId: user?.id, action: 'auth.login_failed', targetType: 'User', targetId: user?.id, details: { email, reason }, meta });
    }
    deps.logger.warn({ email, reason, ip: meta.ip, requestId: meta.requestId }, 'login failed');
    return Unauthorized('Invalid email or password', 'INVALID_CREDENTIALS');
  }

  async function revokeFamily(family: string) {
    await db.refreshToken.updateMany({ where: { family, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  return {
    async login(email: string, password: string, meta: RequestMeta): Promise<LoginResponse> {
      const user = await db.user.findUnique({ where: { email }, include: { tenant: { select: { isActive: true } } } });
      const ok = await bcrypt.compare(password, user?.passwordHash ?? dummyHash);
      if (!user) throw await loginFailed(email, 'unknown_user', meta);
      if (!ok) throw await loginFailed(email, 'bad_password', meta, user);
      if (!user.isActive) throw await loginFailed(email, 'user_inactive', meta, user);
      if (!user.tenant.isActive) throw await loginFailed(email, 'tenant_inactive', meta, user);

      await db.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
      await audit.record({ tenantId: user.tenantId, userId: user.id, action: 'auth.login', targetType: 'User', targetId: user.id, details: { email }, meta });
      return issue(user, crypto.randomUUID(), meta);
    },

    /**
     * Rotation: each refresh token works once. Presenting one that was already used means it
     * leaked (or a client raced itself), so the whole family — that login — is revoked.
     */
    async refresh(refreshToken: string, meta: RequestMeta): Promise<LoginResponse> {
      let claims;
      try {
        claims = tokens.verifyRefresh(refreshToken);
      } catch {
        throw Unauthorized('Invalid refresh token', 'INVALID_TOKEN');
      }
      const stored = await db.refreshToken.findUnique({
        where: { tokenHash: hashToken(refreshToken) },
        include: { user: { include: { tenant: { select: { isActive: true } } } } },
      });
      if (!stored || stored.family !== claims.fam) throw Unauthorized('Invalid refresh token', 'INVALID_TOKEN');

      const reuse = async () => {
        await revokeFamily(stored.family);
        await audit.record({ tenantId: stored.user.tenantId, userId: stored.userId, action: 'auth.refresh_reuse', targetType: 'User', targetId: stored.userId, details: { family: stored.family }, meta });
        deps.logger.warn({ userId: stored.userId, family: stored.family, ip: meta.ip }, 'refresh token reused; family revoked');
        return Unauthorized('Refresh token was already used; please sign in again', 'TOKEN_REUSED');
      };
      // Rotated before: someone holds a copy. Revoked without a successor: signed out or already caught.
      if (stored.revokedAt && stored.replacedById) throw await reuse();
      if (stored.revokedAt) throw Unauthorized('Session has ended; please sign in again', 'TOKEN_REVOKED');
      if (stored.expiresAt < new Date()) throw Unauthorized('Refresh token expired', 'TOKEN_EXPIRED');
      if (!stored.user.isActive || !stored.user.tenant.isActive) throw Unauthorized('Account is disabled', 'ACCOUNT_DISABLED');

      // Conditional update: of two concurrent refreshes with one token only one wins.
      const claimed = await db.refreshToken.updateMany({ where: { id: stored.id, revokedAt: null }, data: { revokedAt: new Date() } });
      if (claimed.count !== 1) throw await reuse();
      return issue(stored.user, stored.family, meta, stored.id);
    },

    async logout(refreshToken: string, meta: RequestMeta): Promise<void> {
      const stored = await db.refreshToken.findUnique({
        where: { tokenHash: hashToken(refreshToken) },
        include: { user: { select: { tenantId: true } } },
      });
      if (!stored || stored.revokedAt) return; // already signed out: not an error
      await revokeFamily(stored.family);
      await audit.record({ tenantId: stored.user.tenantId, userId: stored.userId, action: 'auth.logout', targetType: 'User', targetId: stored.userId, meta });
    },

    async me(actor: Actor): Promise<MeResponse> {
      const user = await db.user.findUnique({ where: { id: actor.userId }, include: { tenant: true } });
      if (!user) throw NotFound('User');
      return {
        user: { ...pickUser(user), lastLoginAt: user.lastLoginAt?.toISOString() ?? null },
        tenant: { id: user.tenant.id, name: user.tenant.name, slug: user.tenant.slug },
        permissions: permissionsFor(user.role),
      };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
