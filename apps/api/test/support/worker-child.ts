/**
 * A worker process for tests that kill or stop one: it runs SERVER_HEALTH_CHECK jobs with a
 * handler that takes CHILD_SLEEP_MS, printing "ready" and "started <jobId>" on stdout.
 */
import { loadEnv } from '../../src/config/env';
import { createContainer } from '../../src/container';
import { createJobRunner } from '../../src/jobs/runner';
import { startJobWorkers } from '../../src/jobs/workers/job.worker';

async function main() {
  const env = loadEnv();
  const c = createContainer(env);
  const sleepMs = Number(process.env.CHILD_SLEEP_MS ?? 1000);
  const runner = createJobRunner({
    db: c.db,
    logger: c.logger,
    audit: c.audit,
    handlers: {
      async SERVER_HEALTH_CHECK(_payload, { job }) {
        process.stdout.write(`started ${job.id}\n`);
        await new Promise((r) => setTimeout(r, sleepMs));
        return { message: `slept ${sleepMs} ms` };
      },
    },
  });
  const workers = startJobWorkers({ redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, concurrency: 2, lockDurationMs: env.WORKER_LOCK_MS, runner, logger: c.logger });
  await workers.ready();
  process.stdout.write('ready\n');
  process.on('SIGTERM', async () => {
    await workers.close(Number(process.env.WORKER_SHUTDOWN_GRACE_MS ?? 30000));
    await c.close();
    process.stdout.write('stopped\n');
    process.exit(0);
  });
}

void main();
