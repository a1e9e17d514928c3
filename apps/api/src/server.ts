import 'dotenv/config';
import { createApp } from './app';
import { EnvError, loadEnv } from './config/env';
import { createContainer } from './container';

async function main() {
  const env = loadEnv();
  const c = createContainer(env, { subscribeCatalog: true });
  const app = createApp(c);
  if (!(await c.ready())) c.logger.warn('Redis is not reachable yet; serving without it until it is');
  const server = app.listen(env.PORT, env.HOST, () => {
    c.logger.info({ port: env.PORT, host: env.HOST }, `mPanel API listening on http://${env.HOST}:${env.PORT}`);
  });
  server.keepAliveTimeout = 65_000; // longer than nginx's upstream keepalive

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    c.logger.info({ signal }, 'shutting down API');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    server.close(async () => {
      await c.close();
      clearTimeout(force);
      process.exit(0);
    });
    server.closeIdleConnections();
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
