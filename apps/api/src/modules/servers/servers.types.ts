import { isIP } from 'node:net';
import { z } from 'zod';
import { zodIssues } from '../../core/error-handler';
import type { FieldIssue } from '../../core/errors';
import { listQuery } from '../../core/pagination';
import { vpsServerConfig } from '../../integrations/vps/vps-driver';

const id = z.string().min(1).max(64);
const someField = (b: object) => Object.values(b).some((v) => v !== undefined);

export const SERVER_ROLES = ['WEB', 'MAIL', 'DNS', 'PANEL', 'DB', 'STORAGE', 'HYPERVISOR'] as const;
export type ServerRoleName = (typeof SERVER_ROLES)[number];

/** What a health probe concluded; stored on the row by the SERVER_HEALTH_CHECK job. */
export const HEALTH_STATUSES = ['ok', 'degraded', 'down'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

const ipAddress = z
  .string()
  .trim()
  .refine((v) => isIP(v) !== 0 && !v.includes('%'), 'must be an IPv4 or IPv6 address such as 192.0.2.10 or 2001:db8::10');

/** Server names show up in logs, job messages and the SPA: one short token, no spaces. */
const name = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be 1–63 characters of letters, digits, . _ or -, starting with a letter or digit');

/** The login mPanel's worker uses over SSH (a POSIX user name; `root` or an unprivileged `mpanel`). */
export const sshUser = z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a Linux user name: up to 32 of a-z, 0-9, _ or -, starting with a letter or _');

/** `ssh-keygen -l -E sha256` form: SHA256 and 43 base64 characters (no padding). */
export const hostKeyFingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must look like SHA256: followed by 43 base64 characters, as ssh-keygen -l prints it');

const fields = {
  name,
  role: z.enum(SERVER_ROLES),
  ipAddress,
  internalIp: ipAddress.nullable(),
  location: z.string().trim().min(1).max(100).nullable(),
  isActive: z.boolean(),
  sshPort: z.number().int().min(1).max(65535),
  sshUser: sshUser.nullable(),
  hostKeyFingerprint: hostKeyFingerprint.nullable(),
  /** Checked against the role by `configIssues` (a HYPERVISOR's driver settings, a WEB server's capacity…). */
  config: z.record(z.string(), z.unknown()).nullable(),
};

export const listServersInput = {
  query: listQuery(['name', 'createdAt'] as const, {
    role: z.enum(SERVER_ROLES).optional(),
    isActive: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    search: z.string().trim().max(100).optional(),
  }, 'name'),
};
export type ListServersQuery = z.output<typeof listServersInput.query>;

export const serverIdParams = { params: z.object({ id }) };

export const createServerInput = {
  body: z
    .object({
      name: fields.name,
      role: fields.role,
      ipAddress: fields.ipAddress,
      internalIp: fields.internalIp.optional(),
      location: fields.location.optional(),
      isActive: fields.isActive.default(true),
      sshPort: fields.sshPort.default(22),
      sshUser: fields.sshUser.optional(),
      hostKeyFingerprint: fields.hostKeyFingerprint.optional(),
      config: fields.config.optional(),
    })
    .strict(),
};
export type CreateServer = z.output<typeof createServerInput.body>;

export const updateServerInput = {
  params: z.object({ id }),
  body: z
    .object({
      name: fields.name.optional(),
      role: fields.role.optional(),
      ipAddress: fields.ipAddress.optional(),
      internalIp: fields.internalIp.optional(),
      location: fields.location.optional(),
      isActive: fields.isActive.optional(),
      sshPort: fields.sshPort.optional(),
      sshUser: fields.sshUser.optional(),
      /** null un-pins the host key: the next contact pins whatever key the server shows. */
      hostKeyFingerprint: fields.hostKeyFingerprint.optional(),
      config: fields.config.optional(),
    })
    .strict()
    .refine(someField, 'must change at least one field'),
};
export type UpdateServer = z.output<typeof updateServerInput.body>;

/** A WEB server's placement settings (see hosting.placement.ts). */
const webConfig = z.object({ maxAccounts: z.number().int().min(0).max(1_000_000).optional() }).strict();

/**
 * Other roles keep a few plain settings. Config may name the environment variable holding a
 * secret (`…Env`), never hold one: a key that looks like a secret is refused.
 */
const SECRET_KEY = /(password|passwd|secret|token|apikey|api_key|private)/i;
const plainConfig = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'setting names are letters, digits and _'), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]))
  .superRefine((cfg, ctx) => {
    if (Object.keys(cfg).length > 32) ctx.addIssue({ code: 'custom', message: 'may hold at most 32 settings' });
    for (const key of Object.keys(cfg)) {
      if (SECRET_KEY.test(key) && !key.endsWith('Env')) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'must not hold a secret; name the environment variable that holds it (e.g. tokenSecretEnv)' });
      }
    }
  });

/**
 * The config a server of `role` may carry, checked and normalised (defaults filled in); issues
 * are named `body.config.…`. A HYPERVISOR needs its VPS driver settings; other roles may have none.
 */
export function checkConfig(role: ServerRoleName, config: unknown): { ok: true; value: Record<string, unknown> | null } | { ok: false; issues: FieldIssue[] } {
  if (config === null || config === undefined) {
    if (role === 'HYPERVISOR') return { ok: false, issues: [{ path: 'body.config', message: 'is required for a HYPERVISOR: its VPS driver settings (driver, apiUrl, node, tokenId, tokenSecretEnv, templates)' }] };
    return { ok: true, value: null };
  }
  const schema = role === 'HYPERVISOR' ? vpsServerConfig : role === 'WEB' ? webConfig : plainConfig;
  const parsed = (schema as z.ZodType<Record<string, unknown>>).safeParse(config);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, issues: zodIssues(parsed.error, 'body.config') };
}
