import 'dotenv/config';
import { defineConfig } from 'prisma/config';

// Used by the Prisma CLI only (generate; migrate on machines that can download the engine).
// The app builds its own client from DATABASE_URL in apps/api/src/config/database.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mpanel' },
});
