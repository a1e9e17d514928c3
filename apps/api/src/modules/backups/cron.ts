/**
 * A 5-field cron expression (minute hour day-of-month month day-of-week) as cron(8) on Debian
 * reads it: `*`, numbers, ranges `a-b`, steps `/n`, lists `a,b`, and month/day names. Macros such
 * as `@daily` and 6-field forms are refused: the schedule ends up in a crontab line.
 */

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  // 0 and 7 are both Sunday.
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

function value(text: string, field: Field): number | null {
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const i = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (i < 0) return null;
  return field.name === 'month' ? i + 1 : i;
}

/** Why one field is wrong, or null when it is fine. */
function fieldProblem(text: string, field: Field): string | null {
  for (const part of text.split(',')) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d{1,2}))?$/.exec(part);
    if (!m) return `${field.name} "${part}" is not a number, range, list or step`;
    const [, range, step] = m;
    if (step !== undefined && (Number(step) < 1 || Number(step) > field.max)) return `${field.name} step /${step} is out of range`;
    if (range === '*') continue;
    const [fromText, toText] = range.split('-');
    const from = value(fromText, field);
    const to = toText === undefined ? from : value(toText, field);
    if (from === null || to === null) return `${field.name} "${range}" is not a ${field.names ? 'number or name' : 'number'}`;
    if (from < field.min || to > field.max || from > field.max || to < field.min) return `${field.name} ${range} is outside ${field.min}-${field.max}`;
    if (from > to) return `${field.name} range ${range} runs backwards`;
  }
  return null;
}

/** Null when `expr` is a valid 5-field cron expression, else what is wrong with it. */
export function cronProblem(expr: string): string | null {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) return `must have 5 fields (minute hour day-of-month month day-of-week), not ${parts.length}`;
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(parts[i], FIELDS[i]);
    if (problem) return problem;
  }
  return null;
}
