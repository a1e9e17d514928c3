import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { UserRole } from '../generated/prisma/enums';

const ISSUER = 'mpanel';
const AUDIENCE = 'mpanel-admin';
// Pinning the algorithm is what makes `alg: none` and RS/HS confusion tokens fail verification.
const ALGORITHM = 'HS256' as const;

export interface AccessClaims {
  sub: string;
  tid: string;
  role: UserRole;
  typ: 'access';
}

export interface RefreshClaims {
  sub: string;
  fam: string;
  jti: string;
  typ: 'refresh';
}

export interface TokenSigner {
  signAccess(claims: Omit<AccessClaims, 'typ'>): string;
  verifyAccess(token: string): AccessClaims;
  signRefresh(claims: Omit<RefreshClaims, 'typ'>): { token: string; expiresAt: Date };
  verifyRefresh(token: string): RefreshClaims;
  accessTtlSeconds: number;
}

export function durationToSeconds(value: string): number {
  const match = /^(\d+)([smhd])$/.exec(value);
  if (!match) throw new Error(`Bad duration: ${value}`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

export function createTokenSigner(opts: { secret: string; accessTtl: string; refreshTtl: string }): TokenSigner {
  const accessTtlSeconds = durationToSeconds(opts.accessTtl);
  const refreshTtlSeconds = durationToSeconds(opts.refreshTtl);
  const verify = <T>(token: string, typ: string): T => {
    const payload = jwt.verify(token, opts.secret, { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE });
    if (typeof payload !== 'object' || payload === null || (payload as { typ?: string }).typ !== typ) {
      throw new jwt.JsonWebTokenError('wrong token type');
    }
    return payload as T;
  };
  return {
    accessTtlSeconds,
    signAccess: (claims) =>
      jwt.sign({ ...claims, typ: 'access' }, opts.secret, {
        algorithm: ALGORITHM,
        expiresIn: accessTtlSeconds,
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
    verifyAccess: (token) => verify<AccessClaims>(token, 'access'),
    signRefresh: (claims) => {
      const token = jwt.sign({ ...claims, typ: 'refresh' }, opts.secret, {
        algorithm: ALGORITHM,
        expiresIn: refreshTtlSeconds,
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      return { token, expiresAt: new Date(Date.now() + refreshTtlSeconds * 1000) };
    },
    verifyRefresh: (token) => verify<RefreshClaims>(token, 'refresh'),
  };
}

/** Refresh tokens are stored as this hash only, so a database dump cannot be replayed. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Length-independent constant-time comparison for API keys. */
export function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}
