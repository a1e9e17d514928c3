/** `node scripts/bootstrap.mjs services`: make sure PostgreSQL and Redis from .env answer. */
import { ensurePostgres, ensureRedis, loadDotenv, log } from './lib/services';

(async () => {
  loadDotenv();
  log(`PostgreSQL: ${await ensurePostgres(process.env.DATABASE_URL!)}`);
  log(`Redis: ${await ensureRedis(process.env.REDIS_URL!)}`);
})().catch((err) => {
  console.error(`[mpanel] ${err.message}`);
  process.exit(1);
});
