/**
 * `npm start`: everything from a fresh machine to a running mPanel on local defaults —
 * PostgreSQL and Redis (reused or started), migrations, the demo seed, a build, then the API and
 * the worker as two processes. Prints the URL and the seeded login; Ctrl-C stops both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createDb } from '../apps/api/src/config/database';
import { ensureDatabase, migrate } from '../apps/api/src/db/migrate';
import { DEMO_USERS, seedDemo } from '../apps/api/src/db/seed';
import { build } from './build';
import { startLocalPeers } from './lib/local-peers';
import { ensurePostgres, ensureRedis, loadDotenv, log, root, waitFor } from './lib/services';

async function main() {
  loadDotenv();
  const env = process.env as Record<string, string>;
  log(`PostgreSQL: ${await ensurePostgres(env.DATABASE_URL)}; Redis: ${await ensureRedis(env.REDIS_URL)}`);
  if (await ensureDatabase(env.DATABASE_URL)) log('created the database');
  const applied = await migrate(env.DATABASE_URL, path.join(root, 'prisma', 'migrations'));
  log(applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
  const db = createDb(env.DATABASE_URL, 2);
  await seedDemo(db, { adminPassword: env.SEED_ADMIN_PASSWORD, bcryptRounds: Number(env.BCRYPT_ROUNDS || 12) }).finally(() => db.$disconnect());
  log('demo tenant seeded');
  const peers = await startLocalPeers(env);
  await pointDemoWebServerAt(env.DATABASE_URL, peers.webSsh);
  build();

  const adminDist = path.join(root, 'apps/admin/dist');
  const childEnv = {
    ...process.env,
    ...peers.env,
    ADMIN_DIST_DIR: env.ADMIN_DIST_DIR || (fs.existsSync(path.join(adminDist, 'index.html')) ? adminDist : ''),
  };
  const entries = [['api', 'apps/api/dist/src/server.js'], ['worker', 'apps/api/dist/src/worker.js']].filter(([, file]) => fs.existsSync(path.join(root, file)));
  const children: ChildProcess[] = entries.map(([, file]) => spawn(process.execPath, [file], { cwd: root, env: childEnv, stdio: 'inherit' }));

  let stopping = false;
  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))))
      .then(() => peers.stop())
      .then(() => process.exit(code));
  };
  children.forEach((child, i) =>
    child.once('exit', (code) => {
      if (!stopping) log(`${entries[i][0]} exited (${code}); stopping`);
      stopAll(code ?? 1);
    }),
  );
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  const port = env.PORT || '2271';
  const host = !env.HOST || env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST;
  const url = `http://${host}:${port}`;
  await waitFor('the API', async () => {
    try {
      return (await fetch(`${url}/api/public/health`)).ok;
    } catch {
      return false;
    }
  }, 30_000);
  console.log(`
  mPanel is running: ${url}
    admin SPA   ${url}/
    public API  ${url}/api/public/plans
    sign in     ${DEMO_USERS[0].email} / ${env.SEED_ADMIN_PASSWORD}   (SEED_ADMIN_PASSWORD in .env)
  Ctrl-C stops it.
`);
}

/** The demo's srv1-web lives on 127.0.0.1: make its row match the local sshd (port, login). */
async function pointDemoWebServerAt(databaseUrl: string, ssh: { port: number; username: string }) {
  const db = createDb(databaseUrl, 1);
  try {
    await db.server.updateMany({ where: { name: 'srv1-web', ipAddress: '127.0.0.1', tenant: { slug: process.env.DEFAULT_TENANT_SLUG || 'migrahosting' } }, data: { sshPort: ssh.port, sshUser: ssh.username } });
  } finally {
    await db.$disconnect();
  }
}

main().catch((err) => {
  console.error(`[mpanel] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
