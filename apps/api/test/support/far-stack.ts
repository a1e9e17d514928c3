import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import type { Db } from '../../src/config/database';
import { createContainer, type Container } from '../../src/container';
import { createWorkerRuntime, farSidesFrom, type FarSides, type WorkerRuntime } from '../../src/jobs/worker-runtime';
import { testEnv } from './app';
import { eventually } from './eventually';
import { uid } from './factories';

/** Every line the app and worker logged, at every level, with nothing redacted: what a leak check reads. */
export function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), lines, text: () => lines.join('') };
}

export interface FarStack {
  c: Container;
  app: ReturnType<typeof createApp>;
  http: () => ReturnType<typeof request>;
  runtime: WorkerRuntime;
  /** The tenants this stack's worker sweeps; push each test tenant's id. */
  tenantIds: string[];
  close(): Promise<void>;
}

/**
 * The app and an in-process worker on their own queue prefix, with far sides the caller chooses
 * (the rest from `env`). The worker sweeps only `tenantIds`: test files share one database.
 */
export async function farStack(name: string, opts: { env?: Record<string, string>; far?: Partial<FarSides>; logger?: pino.Logger } = {}): Promise<FarStack> {
  const env = testEnv({
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX ?? 'mpanel_test'}_${name}_${uid(3)}`,
    JOB_BACKOFF_MS: '100',
    JOB_MAX_ATTEMPTS: '3',
    OUTBOX_SWEEP_INTERVAL_MS: '300',
    WORKER_CONCURRENCY: '4',
    ...opts.env,
  });
  const c = createContainer(env, opts.logger ? { logger: opts.logger } : {});
  const app = createApp(c);
  await c.ready(3000);
  const tenantIds: string[] = [];
  const runtime = createWorkerRuntime(c, { ...farSidesFrom(env), ...opts.far }, { tenantIds });
  await runtime.start();
  return {
    c,
    app,
    http: () => request(app),
    runtime,
    tenantIds,
    async close() {
      await runtime.stop(2000);
      await c.close();
    },
  };
}

/** Waits until the job has finished (SUCCESS or FAILED) and returns it with its attempt log. */
export async function finished(db: Db, jobId: string, timeoutMs = 20000) {
  return eventually(
    async () => {
      const job = await db.job.findUniqueOrThrow({ where: { id: jobId }, include: { logs: { orderBy: [{ createdAt: 'asc' }, { attempt: 'asc' }] } } });
      if (job.status !== 'SUCCESS' && job.status !== 'FAILED') throw new Error(`job ${job.type} still ${job.status} (${job.lastError ?? 'no error yet'})`);
      return job;
    },
    timeoutMs,
    50,
  );
}

/** Waits for a job to succeed, failing the test with its last error otherwise. */
export async function succeeded(db: Db, jobId: string, timeoutMs = 20000) {
  const job = await finished(db, jobId, timeoutMs);
  if (job.status !== 'SUCCESS') throw new Error(`job ${job.type} ${job.id} failed: ${job.lastError}`);
  return job;
}
