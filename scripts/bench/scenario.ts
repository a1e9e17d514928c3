/**
 * What a benchmark scenario is. To add one: write `scripts/bench/<name>.ts` exporting a Scenario
 * that measures its baseline and its subject in the same run (same process, same machine state)
 * and returns rows built with `baselineRow` / `compareRow`; then list it in `scripts/bench/index.ts`.
 */
import type { Container } from '../../apps/api/src/container';
import type { Env } from '../../apps/api/src/config/env';
import type { ResultRow } from './report';
import type { BenchConfig } from './runner';

export interface BenchContext {
  config: BenchConfig;
  /** `http://127.0.0.1:<port>` of the real API (createApp), started in this process. */
  apiUrl: string;
  /** The API's container: its db, redis, services — the same objects the app serves from. */
  container: Container;
  env: Env;
  /** The throw-away `mpanel_bench_<run>` database, migrated and seeded with the demo tenant. */
  databaseUrl: string;
  tenant: { id: string; slug: string };
  /** Serves another HTTP handler (a baseline) on 127.0.0.1, port 0; closed when the run ends. */
  serve(handler: import('node:http').RequestListener): Promise<string>;
  /** Runs `fn` when the run ends, after every scenario (most recently added first). */
  onClose(fn: () => Promise<unknown> | unknown): void;
  log(msg: string): void;
}

export interface Scenario {
  /** Short name used on the command line: `npm run bench -- <name>`. */
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<ResultRow[]>;
}
