import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcrypt';
import { Client } from 'pg';
import { createDb } from '../src/config/database';
import { migrationsDir } from '../src/config/paths';
import { dropDatabase, ensureDatabase, migrate } from '../src/db/migrate';
import { DEMO_CATALOG, DEMO_SERVERS, DEMO_USERS, seedDemo } from '../src/db/seed';

function scratchUrl(): string {
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `/${u.pathname.slice(1)}_m${crypto.randomBytes(3).toString('hex')}`;
  return u.toString();
}

describe('migration runner', () => {
  const url = scratchUrl();
  afterAll(() => dropDatabase(url));

  it('applies every migration once, even when several processes run it at the same time', async () => {
    expect(await ensureDatabase(url)).toBe(true);
    expect(await ensureDatabase(url)).toBe(false);
    const runs = await Promise.all([1, 2, 3].map(() => migrate(url, migrationsDir())));
    const all = fs.readdirSync(migrationsDir()).filter((d) => fs.existsSync(path.join(migrationsDir(), d, 'migration.sql')));
    expect(runs.flat().sort()).toEqual(all.sort());
    expect(await migrate(url, migrationsDir())).toEqual([]);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpanel-migrations-'));
    try {
      fs.mkdirSync(path.join(dir, '20990101000000_probe'));
      fs.writeFileSync(path.join(dir, '20990101000000_probe', 'migration.sql'), 'CREATE TABLE "Probe" ("id" TEXT PRIMARY KEY);');
      expect(await migrate(url, dir)).toEqual(['20990101000000_probe']);
      fs.writeFileSync(path.join(dir, '20990101000000_probe', 'migration.sql'), 'CREATE TABLE "Probe" ("id" INTEGER PRIMARY KEY);');
      await expect(migrate(url, dir)).rejects.toThrow(/changed after it was applied/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rolls a failing migration back and records the error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpanel-migrations-'));
    try {
      fs.mkdirSync(path.join(dir, '20990102000000_broken'));
      fs.writeFileSync(path.join(dir, '20990102000000_broken', 'migration.sql'), 'CREATE TABLE "Half" ("id" TEXT); SELECT no_such_function();');
      await expect(migrate(url, dir)).rejects.toThrow(/20990102000000_broken failed/);
      const client = new Client({ connectionString: url });
      await client.connect();
      const { rowCount } = await client.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'`);
      const log = await client.query(`SELECT logs, finished_at FROM _prisma_migrations WHERE migration_name = '20990102000000_broken'`);
      await client.end();
      expect(rowCount).toBe(0);
      expect(log.rows[0]).toMatchObject({ finished_at: null, logs: expect.stringContaining('no_such_function') });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('demo seed', () => {
  const url = scratchUrl();
  beforeAll(async () => {
    await ensureDatabase(url);
    await migrate(url, migrationsDir());
  });
  afterAll(() => dropDatabase(url));

  async function snapshot(db: ReturnType<typeof createDb>) {
    const [tenants, users, products, plans, servers] = await Promise.all([
      db.tenant.findMany({ orderBy: { id: 'asc' } }),
      db.user.findMany({ orderBy: { id: 'asc' } }),
      db.product.findMany({ orderBy: { id: 'asc' } }),
      db.plan.findMany({ orderBy: { id: 'asc' } }),
      db.server.findMany({ orderBy: { id: 'asc' } }),
    ]);
    return { tenants, users, products, plans, servers };
  }

  it('creates the demo tenant, one user per role, the catalog and the servers; a second run changes nothing', async () => {
    const db = createDb(url, 2);
    try {
      await seedDemo(db, { adminPassword: 'Seed-Password-123', bcryptRounds: 4 });
      const first = await snapshot(db);
      expect(first.tenants.map((t) => t.slug)).toEqual(['migrahosting']);
      expect(first.users.map((u) => u.role).sort()).toEqual(['ADMIN', 'BILLING', 'READ_ONLY', 'SUPER_ADMIN', 'SUPPORT']);
      const admin = first.users.find((u) => u.email === 'admin@migrahosting.com')!;
      expect(admin.role).toBe('SUPER_ADMIN');
      expect(await bcrypt.compare('Seed-Password-123', admin.passwordHash)).toBe(true);
      expect(first.products.map((p) => p.type).sort()).toEqual(['DNS', 'EMAIL', 'SHARED_HOSTING', 'VPS']);
      expect(first.plans.map((p) => p.slug)).toEqual(expect.arrayContaining(['starter-monthly', 'starter-yearly', 'pro-monthly', 'pro-yearly']));
      expect(first.plans).toHaveLength(DEMO_CATALOG.reduce((n, p) => n + p.plans.length, 0));
      expect(first.plans.every((p) => p.limitsJson && typeof p.limitsJson === 'object')).toBe(true);
      expect(first.servers.map((s) => [s.name, s.role]).sort()).toEqual(DEMO_SERVERS.map((s) => [s.name, s.role]).sort());
      // The demo never points at the production network.
      expect(first.servers.every((s) => s.ipAddress === '127.0.0.1')).toBe(true);
      expect(first.users).toHaveLength(DEMO_USERS.length);

      await seedDemo(db, { adminPassword: 'A-Different-Password-9', bcryptRounds: 4 });
      expect(await snapshot(db)).toEqual(first);
    } finally {
      await db.$disconnect();
    }
  });
});
