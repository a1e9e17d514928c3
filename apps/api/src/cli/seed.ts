import 'dotenv/config';
import { createDb } from '../config/database';
import { EnvError, loadEnv } from '../config/env';
import { seedDemo } from '../db/seed';
import { runCli } from './run';

runCli(async () => {
  const env = loadEnv();
  if (!env.SEED_ADMIN_PASSWORD) throw new EnvError('Invalid configuration: SEED_ADMIN_PASSWORD is required to seed the demo tenant');
  const db = createDb(env.DATABASE_URL, 2);
  try {
    const tenant = await seedDemo(db, { adminPassword: env.SEED_ADMIN_PASSWORD, bcryptRounds: env.BCRYPT_ROUNDS });
    console.log(`seeded tenant ${tenant.slug}`);
  } finally {
    await db.$disconnect();
  }
});
