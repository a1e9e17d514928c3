/**
 * `npm run bench [-- <scenario>…] [--json <file>] [--strict]`: loads the real API on loopback with
 * autocannon and prints each scenario against a baseline measured in the same run. A throw-away
 * database and queue prefix are created for the run and removed after it. BENCH_DURATION (seconds
 * per measurement, default 10) and BENCH_CONNECTIONS (default 100) shorten or reshape a run.
 * Exits non-zero on errors; with --strict also when a goal is missed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openContext } from './bench/context';
import { SCENARIOS } from './bench/index';
import { formatTable, toJson, type ResultRow } from './bench/report';
import { benchConfig } from './bench/runner';
import { loadDotenv, log } from './lib/services';

interface Args {
  names: string[];
  json?: string;
  strict: boolean;
}

const USAGE = `usage: npm run bench -- [${SCENARIOS.map((s) => s.name).join('|')} …] [--json <file>] [--strict]`;

function parseArgs(argv: string[]): Args {
  const args: Args = { names: [], strict: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') {
      args.json = argv[++i];
      if (!args.json) throw new Error(`--json needs a file name\n${USAGE}`);
    } else if (a.startsWith('--json=')) args.json = a.slice('--json='.length);
    else if (a === '--strict') args.strict = true;
    else if (a === '--help' || a === '-h') {
      console.log(`${USAGE}\n\n${SCENARIOS.map((s) => `  ${s.name.padEnd(16)} ${s.description}`).join('\n')}`);
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else args.names.push(a);
  }
  const unknown = args.names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}\n${USAGE}`);
  return args;
}

async function main() {
  loadDotenv();
  const args = parseArgs(process.argv.slice(2));
  const config = benchConfig();
  const scenarios = args.names.length ? SCENARIOS.filter((s) => args.names.includes(s.name)) : SCENARIOS;
  const machine = { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', platform: `${os.platform()} ${os.release()}` };
  log(`${config.connections} connections, ${config.durationSec}s per target after a ${config.warmupSec}s warm-up; node ${machine.node}, ${machine.cpus} CPUs`);

  const { ctx, close } = await openContext(config);
  const rows: ResultRow[] = [];
  try {
    for (const scenario of scenarios) rows.push(...(await scenario.run(ctx)));
  } finally {
    await close();
  }

  console.log(`\n${formatTable(rows)}\n`);
  if (args.json) {
    const file = path.resolve(args.json);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(toJson(rows, config, machine), null, 2)}\n`);
    const shown = path.relative(process.cwd(), file);
    log(`figures written to ${shown.startsWith('..') ? file : shown}`);
  }
  const missed = rows.filter((r) => r.pass === false);
  if (missed.length) log(`${missed.length} target(s) missed their goal: ${missed.map((r) => `${r.scenario}/${r.measurement.target}`).join(', ')}`);
  if (args.strict && missed.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error(`[mpanel] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
