import fs from 'node:fs';
import path from 'node:path';
import { getDMMF } from '@prisma/internals';
import { Client } from 'pg';
import { repoRoot } from '../src/config/paths';
import { readMigrations } from '../src/db/migrate';

/**
 * The SQL migrations are written by hand (Prisma's migration engine is not available offline),
 * so this proves a freshly migrated database is what schema.prisma describes: every model,
 * column (type and nullability), enum value and unique/index — and nothing extra.
 */
const PG_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamp without time zone',
  Json: 'jsonb',
  Float: 'double precision',
};

type Dmmf = Awaited<ReturnType<typeof getDMMF>>;
let dmmf: Dmmf;
let db: Client;

beforeAll(async () => {
  dmmf = await getDMMF({ datamodel: fs.readFileSync(path.join(repoRoot(), 'prisma', 'schema.prisma'), 'utf8') });
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
});
afterAll(() => db.end());

async function columns(table: string) {
  const { rows } = await db.query<{ column_name: string; data_type: string; udt_name: string; is_nullable: string }>(
    `SELECT column_name, data_type, udt_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
    [table],
  );
  return new Map(rows.map((r) => [r.column_name, r]));
}

describe('migrations match schema.prisma', () => {
  it('has every table, and no table the schema does not know', async () => {
    const { rows } = await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    const tables = rows.map((r) => r.table_name).filter((n) => n !== '_prisma_migrations').sort();
    expect(tables).toEqual(dmmf.datamodel.models.map((m) => m.dbName ?? m.name).sort());
  });

  it('has every column with its type and nullability, and nothing extra', async () => {
    for (const model of dmmf.datamodel.models) {
      const cols = await columns(model.dbName ?? model.name);
      const fields = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
      for (const f of fields) {
        const col = cols.get(f.dbName ?? f.name);
        expect({ model: model.name, field: f.name, exists: !!col }).toEqual({ model: model.name, field: f.name, exists: true });
        const type = f.kind === 'enum' ? `enum:${f.type}` : PG_TYPES[f.type];
        const actual = col!.data_type === 'USER-DEFINED' ? `enum:${col!.udt_name}` : col!.data_type;
        expect({ field: `${model.name}.${f.name}`, type: actual, nullable: col!.is_nullable === 'YES' }).toEqual({
          field: `${model.name}.${f.name}`,
          type,
          nullable: !f.isRequired,
        });
      }
      expect({ model: model.name, columns: [...cols.keys()].sort() }).toEqual({ model: model.name, columns: fields.map((f) => f.dbName ?? f.name).sort() });
    }
  });

  it('has every enum with exactly the schema values, in order', async () => {
    const { rows } = await db.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    );
    const actual = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    const expected = Object.fromEntries(dmmf.datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)]));
    expect(actual).toEqual(expected);
  });

  it('has every unique constraint and index of the schema', async () => {
    const { rows } = await db.query<{ table: string; unique: boolean; cols: string[] }>(`
      SELECT t.relname AS table, ix.indisunique AS unique,
             array_agg(a.attname ORDER BY k.ord)::text[] AS cols
      FROM pg_index ix
      JOIN pg_class t ON t.oid = ix.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
      CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      GROUP BY t.relname, ix.indexrelid, ix.indisunique`);
    const actual = new Set(rows.map((r) => `${r.table}(${r.cols.join(',')})${r.unique ? ' unique' : ''}`));
    const indexes = (dmmf.datamodel as unknown as { indexes: Array<{ model: string; type: string; fields: Array<{ name: string }> }> }).indexes;
    for (const ix of indexes) {
      const model = dmmf.datamodel.models.find((m) => m.name === ix.model)!;
      const col = (name: string) => model.fields.find((f) => f.name === name)?.dbName ?? name;
      const key = `${model.dbName ?? model.name}(${ix.fields.map((f) => col(f.name)).join(',')})${ix.type === 'normal' ? '' : ' unique'}`;
      expect(actual).toContain(key);
    }
  });

  it('records every migration in _prisma_migrations as Prisma does (name, sha256 checksum, finished)', async () => {
    const { rows } = await db.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM _prisma_migrations WHERE rolled_back_at IS NULL ORDER BY migration_name',
    );
    const files = readMigrations(path.join(repoRoot(), 'prisma', 'migrations'));
    expect(rows.map((r) => [r.migration_name, r.checksum, r.finished_at !== null])).toEqual(files.map((f) => [f.name, f.checksum, true]));
  });
});
