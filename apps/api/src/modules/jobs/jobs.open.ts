import type { DbTx } from '../../config/database';
import type { Job, JobType } from '../../generated/prisma/client';

/** What a 202 answer says about the job it started. */
export function jobView(job: Pick<Job, 'id' | 'type' | 'status'>) {
  return { id: job.id, type: job.type, status: job.status };
}

/**
 * A job of `types` whose payload points at `id` under `key` (e.g. `vpsId`) and has not finished.
 * Actions on one thing are refused while another is still on its way, so two of them never race
 * on the far side and land in an order nobody asked for.
 */
export async function openJobFor(tx: DbTx, tenantId: string, types: JobType[], key: string, id: string) {
  return tx.job.findFirst({
    where: { tenantId, type: { in: types }, status: { in: ['PENDING', 'RUNNING'] }, payload: { path: [key], equals: id } },
    select: { id: true, type: true, status: true },
    orderBy: { createdAt: 'asc' },
  });
}

/** The jobs that were about one thing, newest first (a detail view shows them). */
export async function jobsAbout(tx: DbTx, tenantId: string, types: JobType[], key: string, id: string, take = 20) {
  return tx.job.findMany({
    where: { tenantId, type: { in: types }, payload: { path: [key], equals: id } },
    select: { id: true, type: true, status: true, attempts: true, lastError: true, createdAt: true, finishedAt: true, payload: true },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
  }).then((rows) => rows.map((r) => ({ ...r, payload: redactPayload(r.payload) })));
}

/** Payload as staff see it: a sealed secret is ciphertext, but there is no reason to hand it out either. */
export function redactPayload(payload: unknown): unknown {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return payload;
  const out = { ...(payload as Record<string, unknown>) };
  if ('sealedPassword' in out) out.sealedPassword = '[sealed]';
  return out;
}
