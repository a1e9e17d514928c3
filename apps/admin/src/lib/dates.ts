/** `2026-11-23` (a local calendar day) → the instant it starts or ends, as ISO for the API. */
export function dayBoundary(day: string | number | undefined, end: boolean): string | undefined {
  if (day === undefined || day === '') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(day));
  if (!m) return undefined;
  const d = end ? new Date(+m[1], +m[2] - 1, +m[3], 23, 59, 59, 999) : new Date(+m[1], +m[2] - 1, +m[3]);
  return d.toISOString();
}

/** Maps `from`/`to` day filters of a list onto whole local days. */
export function dayRange<Q extends Record<string, string | number | undefined>>(q: Q): Q {
  return { ...q, from: dayBoundary(q.from, false), to: dayBoundary(q.to, true) };
}
