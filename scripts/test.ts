/**
 * `npm test`: the same set-up as `npm start`, for a throw-away database, then the whole suite.
 * Installs the programs the tests run for real (PowerDNS, sshd, nginx, dig, Chromium), makes sure
 * PostgreSQL and Redis answer, creates and migrates `mpanel_test_<run>`, type-checks, runs jest,
 * and drops the database it created. Extra arguments go to jest (`npm test -- auth`).
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { dropDatabase, ensureDatabase, migrate } from '../apps/api/src/db/migrate';
import { TEST_PROGRAMS, ensureCommands, ensurePostgres, ensureRedis, loadDotenv, log, root } from './lib/services';

async function main() {
  loadDotenv();
  const jestArgs = process.argv.slice(2);
  ensureCommands(TEST_PROGRAMS);
  const baseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mpanel';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  log(`PostgreSQL: ${await ensurePostgres(baseUrl)}; Redis: ${await ensureRedis(redisUrl)}`);

  const run = `${Date.now().toString(36)}${crypto.randomBytes(2).toString('hex')}`;
  const testUrl = new URL(baseUrl);
  testUrl.pathname = `/mpanel_test_${run}`;
  const databaseUrl = testUrl.toString();
  await ensureDatabase(databaseUrl);
  let status = 1;
  try {
    await migrate(databaseUrl, path.join(root, 'prisma', 'migrations'));
    log(`test database mpanel_test_${run} migrated`);

    if (!jestArgs.length) {
      log('type-checking…');
      for (const project of ['apps/api/tsconfig.json', 'apps/admin/tsconfig.json', 'scripts/tsconfig.json']) {
        const tsc = spawnSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', project, '--noEmit'], { cwd: root, stdio: 'inherit' });
        if (tsc.status !== 0) return;
      }
    }

    const env = {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: `mpanel_test_${run}`,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      LOG_FILE: '',
    };
    const jest = spawnSync(path.join(root, 'node_modules/.bin/jest'), ['--config', 'apps/api/jest.config.js', ...jestArgs], { cwd: root, stdio: 'inherit', env });
    status = jest.status ?? 1;
    if (!jestArgs.length) {
      // The admin SPA's component tests (Vitest, jsdom); its browser tests ran above under jest.
      log('admin SPA component tests…');
      const vitest = spawnSync('npm', ['test', '-w', 'apps/admin', '--silent'], { cwd: root, stdio: 'inherit' });
      if (status === 0) status = vitest.status ?? 1;
    }
  } finally {
    if (process.env.MPANEL_KEEP_TEST_DB) log(`kept ${databaseUrl}`);
    else await dropDatabase(databaseUrl).catch((err) => log(`could not drop test database: ${err.message}`));
    process.exitCode = status;
  }
}

main().catch((err) => {
  console.error(`[mpanel] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
