import 'dotenv/config';
import { loadEnv } from '../config/env';
import { migrationsDir } from '../config/paths';
import { ensureDatabase, migrate } from '../db/migrate';
import { runCli } from './run';

runCli(async () => {
  const env = loadEnv();
  if (await ensureDatabase(env.DATABASE_URL)) console.log('created database');
  const applied = await migrate(env.DATABASE_URL, migrationsDir(), (m) => console.log(m));
  console.log(applied.length ? `${applied.length} migration(s) applied` : 'database is up to date');
});
