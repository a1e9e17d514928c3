const dateTimeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const relFmt = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

type DateLike = string | number | Date | null | undefined;

function toDate(v: DateLike): Date | null {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function dateTime(v: DateLike): string {
  const d = toDate(v);
  return d ? dateTimeFmt.format(d) : '—';
}

export function date(v: DateLike): string {
  const d = toDate(v);
  return d ? dateFmt.format(d) : '—';
}

/** "3 minutes ago", "in 2 days". */
export function relative(v: DateLike, now = Date.now()): string {
  const d = toDate(v);
  if (!d) return '—';
  const s = Math.round((d.getTime() - now) / 1000);
  const abs = Math.abs(s);
  if (abs < 45) return relFmt.format(s, 'second');
  if (abs < 45 * 60) return relFmt.format(Math.round(s / 60), 'minute');
  if (abs < 22 * 3600) return relFmt.format(Math.round(s / 3600), 'hour');
  if (abs < 26 * 86400) return relFmt.format(Math.round(s / 86400), 'day');
  return dateFmt.format(d);
}

export function money(cents: number | null | undefined, currency = 'usd'): string {
  if (cents === null || cents === undefined) return '—';
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

export function bytes(n: number | string | null | undefined): string {
  if (n === null || n === undefined || n === '') return '—';
  let v = Number(n);
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** PROVISION_HOSTING → "Provision hosting". */
export function humanize(v: string | null | undefined): string {
  if (!v) return '—';
  const s = v.replace(/[_.-]+/g, ' ').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function shortId(id: string | null | undefined): string {
  if (!id) return '—';
  return id.length > 10 ? `${id.slice(0, 4)}…${id.slice(-5)}` : id;
}
