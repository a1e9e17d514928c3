import type { RequestHandler } from 'express';
import type { Db } from '../config/database';
import { safeEqual, type TokenSigner } from '../config/auth';
import { Forbidden, Unauthorized } from './errors';
import { can, type Action } from './permissions';

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/**
 * Admin zone: a valid access token of an active user in an active tenant. The user row is
 * read on every request so a deactivation takes effect at once, not when the token expires.
 */
export function authenticate(deps: { db: Db; tokens: TokenSigner }): RequestHandler {
  return async (req, _res, next) => {
    const token = bearer(req.get('authorization'));
    if (!token) throw Unauthorized();
    let claims;
    try {
      claims = deps.tokens.verifyAccess(token);
    } catch (err) {
      const expired = (err as Error).name === 'TokenExpiredError';
      throw Unauthorized(expired ? 'Access token expired' : 'Invalid access token', expired ? 'TOKEN_EXPIRED' : 'INVALID_TOKEN');
    }
    const user = await deps.db.user.findUnique({
      where: { id: claims.sub },
      select: { id: true, email: true, role: true, tenantId: true, isActive: true, tenant: { select: { isActive: true } } },
    });
    if (!user || !user.isActive || !user.tenant.isActive) throw Unauthorized('Account is disabled', 'ACCOUNT_DISABLED');
    req.actor = { userId: user.id, tenantId: user.tenantId, role: user.role, email: user.email };
    next();
  };
}

/** Admin zone, per route: the caller's role must hold `action` in the role matrix. */
export function allow(action: Action): RequestHandler {
  return (req, _res, next) => {
    if (!req.actor) throw Unauthorized();
    if (!can(req.actor.role, action)) throw Forbidden(`Your role (${req.actor.role}) may not ${action}`);
    next();
  };
}

/**
 * Internal zone: `x-internal-key` or `Authorization: Bearer <key>`, compared in constant time
 * against every configured key.
 */
export function internalKey(keys: string[]): RequestHandler {
  return (req, _res, next) => {
    const presented = req.get('x-internal-key') ?? bearer(req.get('authorization'));
    // Compare against every key even after a match so timing does not tell which one hit.
    let ok = false;
    if (presented) for (const key of keys) ok = safeEqual(presented, key) || ok;
    if (!ok) throw Unauthorized(presented ? 'Invalid internal key' : 'Internal key required', 'INVALID_INTERNAL_KEY');
    next();
  };
}
