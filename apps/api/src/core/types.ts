import type { Request } from 'express';
import type { Logger } from '../config/logger';
import type { Role } from './permissions';

/** Who is acting: every admin service call is scoped by `tenantId`. */
export interface Actor {
  userId: string;
  tenantId: string;
  role: Role;
  email: string;
}

/** Where a request came from, for the audit trail. */
export interface RequestMeta {
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

export interface Ctx {
  actor: Actor;
  meta: RequestMeta;
}

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
    /** This request's id (core/request-log.ts): the caller's X-Request-Id when sane, else a fresh one. */
    id?: string;
    /** A logger whose every line carries the request id. */
    log?: Logger;
  }
}

export function metaOf(req: Request): RequestMeta {
  return {
    ip: req.ip,
    userAgent: req.get('user-agent')?.slice(0, 500),
    requestId: req.id !== undefined ? String(req.id) : undefined,
  };
}

/** The actor context of an authenticated admin request (requireRole/can ran before). */
export function ctxOf(req: Request): Ctx {
  if (!req.actor) throw new Error('ctxOf() used on a route without authentication');
  return { actor: req.actor, meta: metaOf(req) };
}
