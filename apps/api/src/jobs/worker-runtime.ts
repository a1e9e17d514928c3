import type { Container } from '../container';
import { createPowerDnsClient } from '../integrations/powerdns/powerdns.client';
import { createSshClient } from '../integrations/ssh/ssh.client';
import { createMailcoreClient } from '../integrations/mailcore/mailcore.client';
import { createVpsDriver, type VpsDriver } from '../integrations/vps/vps-driver';
import { dnsHandlers } from './handlers/dns.handlers';
import { hostingHandlers } from './handlers/hosting.handlers';
import { dnsZoneHandlers } from './handlers/dns-zone.handlers';
import { serverHealthHandlers } from './handlers/server-health.handlers';
import { mailHandlers } from './handlers/mail.handlers';
import { vpsHandlers } from './handlers/vps.handlers';
import { backupHandlers } from './handlers/backup.handlers';
import { createFailureNotifier } from './notifier';
import { createJobRunner, type Handlers } from './runner';
import { startJobWorkers } from './workers/job.worker';

export interface FarSides {
  powerdns: ReturnType<typeof createPowerDnsClient>;
  ssh: ReturnType<typeof createSshClient>;
  mailcore: ReturnType<typeof createMailcoreClient>;
  /** The driver of a HYPERVISOR server from its stored config; secrets come from the process environment. */
  vpsDriver: (serverConfig: unknown) => VpsDriver;
}

/** The far-side clients from configuration. Tests pass their own (pointing at loopback peers). */
export function farSidesFrom(env: Container['env']): FarSides {
  return {
    powerdns: createPowerDnsClient({ baseUrl: env.POWERDNS_API_URL, apiKey: env.POWERDNS_API_KEY, serverId: env.POWERDNS_SERVER_ID }),
    ssh: createSshClient({
      privateKeyPath: env.SSH_PRIVATE_KEY_PATH,
      connectTimeoutMs: env.SSH_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: env.SSH_COMMAND_TIMEOUT_MS,
      scriptsDir: env.HOST_SCRIPTS_DIR,
      useSudo: env.HOST_SCRIPTS_SUDO,
    }),
    mailcore: createMailcoreClient({ baseUrl: env.MAILCORE_API_URL, apiKey: env.MAILCORE_API_KEY }),
    vpsDriver: (serverConfig) => createVpsDriver(serverConfig, process.env),
  };
}

export function handlersFor(c: Container, far: FarSides): Handlers {
  const { db, env } = c;
  return {
    ...dnsHandlers({ db, env, powerdns: far.powerdns }),
    ...hostingHandlers({ db, ssh: far.ssh, audit: c.audit, powerdns: far.powerdns }),
    ...dnsZoneHandlers({ db, env, powerdns: far.powerdns }),
    ...serverHealthHandlers({ db, audit: c.audit, ssh: far.ssh, powerdns: far.powerdns, mailcore: far.mailcore, vpsDriver: far.vpsDriver, tcpTimeoutMs: env.SSH_CONNECT_TIMEOUT_MS }),
    ...mailHandlers({ db, mailcore: far.mailcore, secretsKey: env.SECRETS_KEY }),
    ...vpsHandlers({ db, vpsDriver: far.vpsDriver }),
    ...backupHandlers({ db, ssh: far.ssh, audit: c.audit }),
  };
}

/**
 * Everything the worker process runs: BullMQ workers on every queue, the outbox sweep, and a
 * graceful stop. `npm run start:worker` starts one; tests start one in-process.
 */
export interface WorkerRuntimeOptions {
  /** Sweep only these tenants' jobs (a worker dedicated to them); all tenants when absent. */
  tenantIds?: string[];
}

export function createWorkerRuntime(c: Container, far: FarSides = farSidesFrom(c.env), opts: WorkerRuntimeOptions = {}) {
  const { env, logger } = c;
  const runner = createJobRunner({
    db: c.db,
    logger,
    audit: c.audit,
    handlers: handlersFor(c, far),
    onFinalFailure: createFailureNotifier(env, logger),
  });
  let workers: ReturnType<typeof startJobWorkers> | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> = Promise.resolve();
  let stopping: Promise<void> | undefined;

  const sweep = async () => {
    try {
      const queued = await c.jobs.sweep(2000, opts.tenantIds);
      if (queued) logger.info({ queued }, 'outbox sweep queued pending jobs');
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'outbox sweep failed; will try again');
    }
  };

  return {
    runner,
    async start() {
      if (workers) return; // already running
      workers = startJobWorkers({
        redisUrl: env.REDIS_URL,
        prefix: env.QUEUE_PREFIX,
        concurrency: env.WORKER_CONCURRENCY,
        lockDurationMs: env.WORKER_LOCK_MS,
        runner,
        logger,
      });
      sweepTimer = setInterval(() => {
        sweeping = sweep();
      }, env.OUTBOX_SWEEP_INTERVAL_MS);
      sweepTimer.unref();
      sweeping = sweep();
      logger.info({ concurrency: env.WORKER_CONCURRENCY, queuePrefix: env.QUEUE_PREFIX }, 'worker started');
    },
    sweep,
    /** Idempotent: a second call waits for the first. */
    stop(graceMs = env.WORKER_SHUTDOWN_GRACE_MS): Promise<void> {
      stopping ??= (async () => {
        clearInterval(sweepTimer);
        await sweeping;
        await workers?.close(graceMs);
      })();
      return stopping;
    },
  };
}

export type WorkerRuntime = ReturnType<typeof createWorkerRuntime>;
