/** Rows of the results table: each measured target, its ratio against its baseline and its goal. */
import type { BenchConfig, Measurement } from './runner';

export interface Goal {
  /** Minimum req/s as a fraction of the baseline's req/s. */
  minRatio?: number;
  /** Maximum 99th-percentile latency. */
  maxP99Ms?: number;
}

export interface ResultRow {
  scenario: string;
  measurement: Measurement;
  /** The target this row is compared against; absent on a baseline row. */
  baseline?: string;
  ratio?: number;
  goal?: Goal;
  /** Absent when the row has no goal (a baseline). */
  pass?: boolean;
}

export function baselineRow(scenario: string, m: Measurement): ResultRow {
  return { scenario, measurement: m, ...(m.failures > 0 && { pass: false }) };
}

/** A measured target against the baseline of the same run. Failed requests fail the row whatever the speed. */
export function compareRow(scenario: string, m: Measurement, baseline: Measurement, goal: Goal): ResultRow {
  const ratio = baseline.reqPerSec > 0 ? m.reqPerSec / baseline.reqPerSec : 0;
  const pass =
    m.failures === 0 &&
    baseline.failures === 0 &&
    (goal.minRatio === undefined || ratio >= goal.minRatio) &&
    (goal.maxP99Ms === undefined || m.p99Ms <= goal.maxP99Ms);
  return { scenario, measurement: m, baseline: baseline.target, ratio, goal, pass };
}

export function goalLabel(goal?: Goal): string {
  if (!goal) return '';
  const parts: string[] = [];
  if (goal.minRatio !== undefined) parts.push(`≥${goal.minRatio.toFixed(2)}×`);
  if (goal.maxP99Ms !== undefined) parts.push(`p99≤${goal.maxP99Ms}ms`);
  return parts.join(' ');
}

const num = (n: number, digits: number) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function formatTable(rows: ResultRow[]): string {
  const header = ['scenario', 'target', 'req/s', 'p50 ms', 'p99 ms', 'cpu µs/req', 'ratio', 'goal', 'result'];
  const body = rows.map((r) => [
    r.scenario,
    r.measurement.target,
    num(r.measurement.reqPerSec, 0),
    num(r.measurement.p50Ms, 1),
    num(r.measurement.p99Ms, 1),
    r.measurement.cpuUsPerReq === undefined ? '' : num(r.measurement.cpuUsPerReq, 0),
    r.ratio === undefined ? 'baseline' : `${r.ratio.toFixed(2)}×`,
    goalLabel(r.goal),
    r.pass === undefined ? '' : r.pass ? 'pass' : r.measurement.failures ? `FAIL (${r.measurement.failures} failed)` : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const numeric = new Set([2, 3, 4, 5, 6]);
  const line = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** What `--json <file>` writes: enough to compare runs across commits and machines. */
export function toJson(rows: ResultRow[], config: BenchConfig, machine: Record<string, unknown>) {
  return {
    generatedAt: new Date().toISOString(),
    config,
    machine,
    results: rows.map((r) => ({
      scenario: r.scenario,
      target: r.measurement.target,
      reqPerSec: round(r.measurement.reqPerSec, 1),
      p50Ms: round(r.measurement.p50Ms, 2),
      p99Ms: round(r.measurement.p99Ms, 2),
      meanMs: round(r.measurement.meanMs, 2),
      cpuUsPerReq: r.measurement.cpuUsPerReq === undefined ? null : round(r.measurement.cpuUsPerReq, 1),
      completed: r.measurement.completed,
      failures: r.measurement.failures,
      statusCodes: r.measurement.statusCodes,
      connections: r.measurement.connections,
      durationSec: r.measurement.durationSec,
      baseline: r.baseline ?? null,
      ratio: r.ratio === undefined ? null : round(r.ratio, 3),
      goal: r.goal ?? null,
      pass: r.pass ?? null,
    })),
  };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
