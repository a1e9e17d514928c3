/**
 * The load generator shared by every scenario: autocannon for HTTP targets (run in a worker
 * thread, so the app under test keeps the main thread's event loop to itself) and a closed-loop
 * driver for non-HTTP baselines such as raw `pg` inserts. Both return the same Measurement.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

// autocannon ships no type declarations; this is the part of its API the runner uses.
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { mean: number; p50: number; p99: number; totalCount: number };
  requests: { average: number; total: number };
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

export interface BenchConfig {
  connections: number;
  /** Measured seconds per target. */
  durationSec: number;
  warmupSec: number;
  /** Slices the measured time is cut into when targets are measured in turns (see loadInterleaved). */
  rounds: number;
}

/**
 * 100 connections for 10 s per target in 5 rounds, unless BENCH_DURATION / BENCH_CONNECTIONS /
 * BENCH_ROUNDS say otherwise.
 */
export function benchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const durationSec = positive(env.BENCH_DURATION, 10, 'BENCH_DURATION');
  const connections = positive(env.BENCH_CONNECTIONS, 100, 'BENCH_CONNECTIONS');
  const rounds = Math.min(durationSec, positive(env.BENCH_ROUNDS, 5, 'BENCH_ROUNDS'));
  return { connections, durationSec, warmupSec: Math.min(3, Math.max(1, Math.round(durationSec / 3))), rounds };
}

function positive(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, got ${JSON.stringify(raw)}`);
  return n;
}

export interface Measurement {
  target: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Responses or calls completed in the measured window. */
  completed: number;
  durationSec: number;
  connections: number;
  statusCodes: Record<string, number>;
  /** Network errors, timeouts, thrown calls and responses with a status other than the expected one. */
  failures: number;
  /**
   * CPU time of this process's main thread — the app or baseline under test — per completed
   * request, in microseconds. Unlike req/s it barely moves when other programs compete for the
   * CPU. Only where Linux's /proc tells it, and only when the load generator runs in its own thread.
   */
  cpuUsPerReq?: number;
}

export interface HttpLoad {
  target: string;
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** Replaces `[<id>]` in the body and headers with an id unique to each request (autocannon's idReplacement). */
  uniqueIds?: boolean;
  /**
   * Builds each request's body from a counter unique in the run (a fresh payment id, a new domain).
   * A function cannot cross into autocannon's worker thread, so such a load runs in this thread
   * and shares the event loop with an in-process app: compare it only with baselines loaded the same way.
   */
  bodyFor?: (i: number) => string;
  /** The only status a correct answer may have; anything else counts as a failure. */
  expectStatus: number;
  connections?: number;
  durationSec?: number;
}

/** Drives an HTTP target at a fixed number of connections for a fixed time. */
export async function loadHttp(load: HttpLoad, config: BenchConfig): Promise<Measurement> {
  const connections = load.connections ?? config.connections;
  const durationSec = load.durationSec ?? config.durationSec;
  assertLoopback(load.url);
  const method = load.method ?? 'GET';
  const headers = load.headers ?? {};
  const bodyFor = load.bodyFor;
  let n = 0;
  const cpuBefore = bodyFor ? undefined : mainThreadCpuSec();
  const r = await autocannon({
    url: load.url,
    method,
    headers,
    body: load.body,
    idReplacement: load.uniqueIds ?? false,
    connections,
    duration: durationSec,
    pipelining: 1,
    timeout: 10,
    ...(bodyFor
      ? { requests: [{ method, headers, setupRequest: (req: Record<string, unknown>) => ({ ...req, body: bodyFor(n++) }) }] }
      : { workers: 1 }),
  });
  const cpuAfter = mainThreadCpuSec();
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count]));
  const completed = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const wrong = completed - (statusCodes[String(load.expectStatus)] ?? 0);
  return {
    ...(cpuBefore !== undefined && cpuAfter !== undefined && completed > 0 && { cpuUsPerReq: ((cpuAfter - cpuBefore) * 1e6) / completed }),
    target: load.target,
    reqPerSec: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    meanMs: r.latency.mean,
    completed,
    durationSec,
    connections,
    statusCodes,
    failures: wrong + r.errors + r.timeouts,
  };
}

/**
 * Measures several HTTP targets in turns — A B C, A B C, … — for `config.rounds` slices that add up
 * to `durationSec` each, so a burst of load from elsewhere on the machine hits every target alike
 * instead of skewing one ratio. Each figure is the median over the slices; counts are summed.
 */
export async function loadInterleaved(loads: HttpLoad[], config: BenchConfig): Promise<Measurement[]> {
  const sliceSec = Math.max(1, Math.round(config.durationSec / config.rounds));
  const slices: Measurement[][] = loads.map(() => []);
  for (const load of loads) await warmUp(load, config);
  for (let round = 0; round < config.rounds; round++) {
    for (const [i, load] of loads.entries()) slices[i].push(await loadHttp({ ...load, durationSec: sliceSec }, config));
  }
  return slices.map((parts) => combine(parts));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function combine(parts: Measurement[]): Measurement {
  const statusCodes: Record<string, number> = {};
  for (const p of parts) for (const [code, n] of Object.entries(p.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  return {
    target: parts[0].target,
    reqPerSec: median(parts.map((p) => p.reqPerSec)),
    p50Ms: median(parts.map((p) => p.p50Ms)),
    p99Ms: median(parts.map((p) => p.p99Ms)),
    meanMs: median(parts.map((p) => p.meanMs)),
    completed: parts.reduce((a, p) => a + p.completed, 0),
    durationSec: parts.reduce((a, p) => a + p.durationSec, 0),
    connections: parts[0].connections,
    statusCodes,
    failures: parts.reduce((a, p) => a + p.failures, 0),
    ...(parts.every((p) => p.cpuUsPerReq !== undefined) && { cpuUsPerReq: median(parts.map((p) => p.cpuUsPerReq!)) }),
  };
}

/** Linux reports thread CPU time in clock ticks of 1/100 s (USER_HZ) whatever the kernel's HZ. */
const TICKS_PER_SEC = 100;

/** CPU seconds the main thread has used so far, from /proc/self/task/<pid>/stat; undefined off Linux. */
function mainThreadCpuSec(): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after "(comm)": state is field 3, utime field 14, stime field 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC;
  } catch {
    return undefined;
  }
}

/** A short unmeasured run, so JIT, connection pools and caches are warm before the figures count. */
export async function warmUp(load: HttpLoad, config: BenchConfig): Promise<void> {
  await loadHttp({ ...load, durationSec: config.warmupSec }, config);
}

/**
 * Closed-loop load for a non-HTTP baseline: `connections` loops, each awaiting `call` again as soon
 * as the previous one finished, for `durationSec`. `call(i)` gets a counter unique in the run.
 */
export async function loadCalls(
  target: string,
  call: (i: number) => Promise<unknown>,
  config: BenchConfig,
  opts: { connections?: number; durationSec?: number } = {},
): Promise<Measurement> {
  const connections = opts.connections ?? config.connections;
  const durationSec = opts.durationSec ?? config.durationSec;
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const start = performance.now();
  const until = start + durationSec * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          await call(next++);
          latencies.push(performance.now() - t0);
        } catch {
          failures++;
        }
      }
    }),
  );
  const elapsedSec = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] : 0);
  return {
    target,
    reqPerSec: latencies.length / elapsedSec,
    p50Ms: pct(50),
    p99Ms: pct(99),
    meanMs: latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : 0,
    completed: latencies.length,
    durationSec,
    connections,
    statusCodes: {},
    failures,
  };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Benchmarks put real load on their target: never anything but this machine. */
function assertLoopback(url: string) {
  const host = new URL(url).hostname;
  if (!LOOPBACK.has(host)) throw new Error(`refusing to load ${host}: benchmarks target loopback only`);
}
