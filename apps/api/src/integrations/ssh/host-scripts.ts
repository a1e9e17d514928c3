import { z } from 'zod';
import { hostname, phpVersion, systemUser } from '../../core/names';
import { FarSideError } from '../errors';
import type { HostScript, SshClient, SshTarget } from './ssh.client';

/**
 * Typed calls to the host scripts in scripts/host: arguments are validated here before any
 * connection is made (a ZodError names the field; the job runner treats it as permanent), and
 * the JSON line each script prints is parsed into its result type.
 */

/** Other keys (e.g. the rest of a HostingAccount row) are dropped, never sent. */
export const siteArgs = z.object({ domain: hostname, systemUser });
export const createSiteArgs = siteArgs.extend({ phpVersion: phpVersion.nullish() });
export type SiteArgs = z.infer<typeof siteArgs>;
export type CreateSiteArgs = z.infer<typeof createSiteArgs>;

const reload = z.enum(['done', 'skipped', 'none']);
const siteState = z.enum(['active', 'suspended', 'disabled']);
const base = {
  ok: z.literal(true),
  domain: z.string(),
  user: z.string(),
  changed: z.boolean(),
  /** "skipped" when the scripts ran against a sandbox (MPANEL_HOST_ROOT), which has no services. */
  reload,
  sandboxRoot: z.string().nullable(),
};

export const createSiteResult = z.object({
  ...base,
  action: z.literal('create'),
  uid: z.number().int(),
  homeDir: z.string(),
  webRoot: z.string(),
  vhost: z.string(),
  phpVersion: z.string().nullable(),
  phpPool: z.string().nullable(),
  state: siteState,
});
export const suspendSiteResult = z.object({ ...base, action: z.literal('suspend'), vhost: z.string(), state: siteState, locked: z.boolean() });
export const unsuspendSiteResult = z.object({ ...base, action: z.literal('unsuspend'), vhost: z.string(), state: siteState, locked: z.boolean() });
export const terminateSiteResult = z.object({ ...base, action: z.literal('terminate'), archive: z.string().nullable() });
export const healthResult = z.object({
  ok: z.literal(true),
  action: z.literal('health'),
  hostname: z.string(),
  uptimeSeconds: z.number(),
  loadAverage: z.array(z.number()).length(3),
  disk: z.object({ path: z.string(), totalBytes: z.number(), usedBytes: z.number(), availableBytes: z.number() }),
  nginx: z.boolean(),
  kitVersion: z.number().int(),
  sandboxRoot: z.string().nullable(),
});

export type CreateSiteResult = z.infer<typeof createSiteResult>;
export type SuspendSiteResult = z.infer<typeof suspendSiteResult>;
export type UnsuspendSiteResult = z.infer<typeof unsuspendSiteResult>;
export type TerminateSiteResult = z.infer<typeof terminateSiteResult>;
export type HealthResult = z.infer<typeof healthResult>;

export interface HostCall<T> {
  result: T;
  /** The host key seen; store it on the server row when none was pinned. */
  hostKeyFingerprint: string;
}

type Runner = Pick<SshClient, 'runScript'>;

async function call<T>(client: Runner, target: SshTarget, script: HostScript, wire: Record<string, string>, schema: z.ZodType<T>): Promise<HostCall<T>> {
  const run = await client.runScript(target, script, wire);
  const parsed = schema.safeParse(run.result);
  if (!parsed.success) {
    // The script and this schema disagree: a different host kit version, not a passing fault.
    throw new FarSideError('ssh', `${script} on ${target.host}:${target.port} answered in an unexpected shape`, {
      retryable: false,
      details: { script, result: run.result, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
    });
  }
  return { result: parsed.data, hostKeyFingerprint: run.hostKeyFingerprint };
}

/** Names as the scripts read them on stdin. */
function wireOf(args: SiteArgs & { phpVersion?: string | null }): Record<string, string> {
  return { domain: args.domain, user: args.systemUser, ...(args.phpVersion ? { php: args.phpVersion } : {}) };
}

export async function createSite(client: Runner, target: SshTarget, args: CreateSiteArgs): Promise<HostCall<CreateSiteResult>> {
  return call(client, target, 'create_client_site', wireOf(createSiteArgs.parse(args)), createSiteResult);
}

export async function suspendSite(client: Runner, target: SshTarget, args: SiteArgs): Promise<HostCall<SuspendSiteResult>> {
  return call(client, target, 'suspend_client_site', wireOf(siteArgs.parse(args)), suspendSiteResult);
}

export async function unsuspendSite(client: Runner, target: SshTarget, args: SiteArgs): Promise<HostCall<UnsuspendSiteResult>> {
  return call(client, target, 'unsuspend_client_site', wireOf(siteArgs.parse(args)), unsuspendSiteResult);
}

export async function terminateSite(client: Runner, target: SshTarget, args: SiteArgs): Promise<HostCall<TerminateSiteResult>> {
  return call(client, target, 'terminate_client_site', wireOf(siteArgs.parse(args)), terminateSiteResult);
}

export async function healthCheck(client: Runner, target: SshTarget): Promise<HostCall<HealthResult>> {
  return call(client, target, 'health', {}, healthResult);
}

/** A backup run (run_backup.sh): a site's home (`site`) or the server's /etc (`system`). */
const backupJobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a backup job id');
const keepArchives = z.number().int().min(1).max(365).optional();
export const backupArgs = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('site'), job: backupJobId, domain: hostname, systemUser, keep: keepArchives }),
  z.object({ kind: z.literal('system'), job: backupJobId, keep: keepArchives }),
]);
export type BackupArgs = z.infer<typeof backupArgs>;

export const backupResult = z.object({
  ok: z.literal(true),
  action: z.literal('backup'),
  kind: z.enum(['site', 'system']),
  job: z.string(),
  domain: z.string().nullable(),
  user: z.string().nullable(),
  source: z.string(),
  archive: z.string(),
  sizeBytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  durationMs: z.number().int().min(0),
  pruned: z.number().int().min(0),
  sandboxRoot: z.string().nullable(),
});
export type BackupResult = z.infer<typeof backupResult>;

export async function runBackup(client: Runner, target: SshTarget, args: BackupArgs): Promise<HostCall<BackupResult>> {
  const a = backupArgs.parse(args);
  const wire: Record<string, string> = { job: a.job, kind: a.kind, ...(a.kind === 'site' && { domain: a.domain, user: a.systemUser }), ...(a.keep !== undefined && { keep: String(a.keep) }) };
  return call(client, target, 'run_backup', wire, backupResult);
}
