import 'dotenv/config';
import { EnvError, loadEnv } from './config/env';
import { createContainer } from './container';
import { createWorkerRuntime } from './jobs/worker-runtime';

/** The provisioning worker: its own process, any number of them side by side. */
async function main() {
  const env = loadEnv();
  const c = createContainer(env);
  const runtime = createWorkerRuntime(c);
  await runtime.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    c.logger.info({ signal, graceMs: env.WORKER_SHUTDOWN_GRACE_MS }, 'shutting down worker; finishing running jobs');
    const force = setTimeout(() => process.exit(1), env.WORKER_SHUTDOWN_GRACE_MS + 15_000).unref();
    await runtime.stop();
    await c.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  if (err instanceof EnvError) {
    console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
  console.error(err);
  process.exit(1);
});
