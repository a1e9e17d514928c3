import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMailcoreServer } from '../../../../scripts/lib/peers/mailcore-server';
import { startPowerDns } from '../../../../scripts/lib/peers/powerdns';
import { generateClientKey, prepareHostRoot, startSshd } from '../../../../scripts/lib/peers/sshd';
import type { Job, JobLog } from '../../src/generated/prisma/client';
import { createWorkerRuntime, farSidesFrom, type FarSides, type WorkerRuntime } from '../../src/jobs/worker-runtime';
import { makeApp, type TestApp } from './app';
import { eventually } from './eventually';
import { uid } from './factories';

const repo = path.resolve(__dirname, '../../../..');

export interface Peers {
  dir: string;
  pdns: Awaited<ReturnType<typeof startPowerDns>>;
  sshd: Awaited<ReturnType<typeof startSshd>>;
  mailcore: Awaited<ReturnType<typeof startMailcoreServer>>;
  /** The web server's sandboxed file system the host scripts write into. */
  hostRoot: string;
  /** App settings pointing at the peers, with a queue prefix of this file's own. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The far sides of the admin modules on loopback: a real pdns_server, a real sshd running the host
 * scripts from scripts/host in a sandbox, and the mail-core contract server.
 */
export async function startPeers(name: string): Promise<Peers> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mpanel-${name}-`));
  const pdns = await startPowerDns({ dir: path.join(dir, 'pdns'), apiKey: `pdns-${uid(8)}` });
  const client = generateClientKey(path.join(dir, 'client'));
  const hostRoot = prepareHostRoot(path.join(dir, 'host-root')).root;
  const sshd = await startSshd({ dir: path.join(dir, 'sshd'), hostRoot, authorizedKeys: [client.publicKey] });
  const mailcoreKey = `mail-${uid(8)}`;
  const mailcore = await startMailcoreServer({ apiKey: mailcoreKey });
  const env = {
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}_${name}_${uid(3)}`,
    POWERDNS_API_URL: pdns.apiUrl,
    POWERDNS_API_KEY: pdns.apiKey,
    DNS_NAMESERVERS: 'ns1.example.net,ns2.example.net',
    MAILCORE_API_URL: mailcore.url,
    MAILCORE_API_KEY: mailcoreKey,
    SSH_PRIVATE_KEY_PATH: client.privateKeyPath,
    SSH_CONNECT_TIMEOUT_MS: '3000',
    HOST_SCRIPTS_DIR: path.join(repo, 'scripts/host'),
    JOB_BACKOFF_MS: '100',
    JOB_MAX_ATTEMPTS: '3',
    OUTBOX_SWEEP_INTERVAL_MS: '300',
  };
  return {
    dir,
    pdns,
    sshd,
    mailcore,
    hostRoot,
    env,
    async stop() {
      await mailcore.stop();
      await sshd.stop();
      await pdns.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Stack {
  t: TestApp;
  runtime: WorkerRuntime;
  /** The tenants whose PENDING jobs this worker's outbox sweep may pick up; push yours. */
  tenantIds: string[];
  close(): Promise<void>;
}

/**
 * The app and an in-process worker on their own queues. Test files share one database, so the
 * worker's sweep is scoped to `tenantIds`. `start: false` leaves the worker stopped (runtime.start()).
 */
export async function startStack(env: Record<string, string>, opts: { far?: (defaults: FarSides) => FarSides; start?: boolean; queueSuffix?: string } = {}): Promise<Stack> {
  const t = await makeApp({ ...env, QUEUE_PREFIX: `${env.QUEUE_PREFIX}${opts.queueSuffix ?? ''}` });
  const tenantIds: string[] = [];
  const defaults = farSidesFrom(t.c.env);
  const runtime = createWorkerRuntime(t.c, opts.far ? opts.far(defaults) : defaults, { tenantIds });
  if (opts.start !== false) await runtime.start();
  return {
    t,
    runtime,
    tenantIds,
    async close() {
      await runtime.stop(2000);
      await t.close();
    },
  };
}

/** Waits until the job has finished (SUCCESS or FAILED) and returns it with its attempt log. */
export async function finished(t: TestApp, jobId: string, timeoutMs = 20000): Promise<Job & { logs: JobLog[] }> {
  return eventually(
    async () => {
      const job = await t.c.db.job.findUniqueOrThrow({ where: { id: jobId }, include: { logs: { orderBy: { createdAt: 'asc' } } } });
      if (job.status !== 'SUCCESS' && job.status !== 'FAILED') throw new Error(`job ${job.type} still ${job.status} (${job.lastError ?? 'no error'})`);
      return job;
    },
    timeoutMs,
    50,
  );
}

/** Waits for the job to succeed; a failure says why. */
export async function succeeded(t: TestApp, jobId: string, timeoutMs?: number) {
  const job = await finished(t, jobId, timeoutMs);
  if (job.status !== 'SUCCESS') throw new Error(`job ${job.type} ${job.status}: ${job.lastError}`);
  return job;
}
