import { z } from 'zod';
import { isHostname } from '@/api/contracts';

/**
 * The record editor's checks, type by type, so a mistake is shown on the field before anything
 * is sent. The API checks again (and turns the input into PowerDNS's wire form); these rules
 * mirror its record rules: names relative to the zone (`www`, `@`, `_sip._tcp`) or absolute
 * inside it, TTL 60 s – 7 days, targets as hostnames.
 */

export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'CAA', 'NS'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
export const MIN_TTL = 60;
export const MAX_TTL = 604_800;
export const MAX_RECORDS = 100;

export const isEditableType = (t: string): t is RecordType => (RECORD_TYPES as readonly string[]).includes(t);

const OWNER_LABEL = /^(?:[a-z0-9_]|[a-z0-9_][a-z0-9_-]{0,61}[a-z0-9_])$/;
const CAA_TAGS = ['issue', 'issuewild', 'iodef', 'issuemail', 'issuevmc'];

export const PLACEHOLDER: Record<RecordType, string> = {
  A: '192.0.2.10',
  AAAA: '2001:db8::10',
  CNAME: 'target.example.com',
  MX: '10 mail.example.com',
  TXT: 'v=spf1 mx -all',
  SRV: '10 5 5060 sip.example.com',
  CAA: '0 issue "letsencrypt.org"',
  NS: 'ns1.example.net',
};

export const HINT: Record<RecordType, string> = {
  A: 'An IPv4 address',
  AAAA: 'An IPv6 address',
  CNAME: 'The host this name is an alias of',
  MX: 'Preference (0–65535), then the mail host',
  TXT: 'Plain text; long values are split for you',
  SRV: 'Priority, weight, port, then the target host',
  CAA: 'Flags (0–255), tag, then the value in quotes',
  NS: 'A name server host',
};

const bare = (zone: string) => zone.trim().toLowerCase().replace(/\.$/, '');

export function isIPv4(v: string): boolean {
  const parts = v.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIPv6(v: string): boolean {
  if (!v.includes(':') || /[^0-9a-fA-F:.]/.test(v)) return false;
  try {
    // The URL parser implements the full IPv6 grammar (::, embedded IPv4, group limits).
    new URL(`http://[${v}]/`);
    return true;
  } catch {
    return false;
  }
}

function isOwnerName(name: string): boolean {
  if (!name || name.length > 253) return false;
  return name.split('.').every((label, i) => OWNER_LABEL.test(label) || (i === 0 && label === '*'));
}

/** Error for a record name typed for `zone`, or null. */
export function checkName(input: string, zone: string): string | null {
  const z = bare(zone);
  const raw = input.trim().toLowerCase();
  if (raw === '' || raw === '@') return null;
  const absolute = raw.endsWith('.');
  const name = absolute ? raw.slice(0, -1) : raw;
  const inZone = name === z || name.endsWith(`.${z}`);
  if (absolute && !inZone) return `must be inside the zone ${z}`;
  const full = inZone ? name : `${name}.${z}`;
  return isOwnerName(full) ? null : 'must be a name such as www, @, _sip._tcp or *.dev';
}

/** The absolute name (trailing dot) of what was typed. */
export function absoluteName(input: string, zone: string): string {
  const z = bare(zone);
  const raw = input.trim().toLowerCase();
  if (raw === '' || raw === '@') return `${z}.`;
  const name = raw.replace(/\.$/, '');
  return name === z || name.endsWith(`.${z}`) ? `${name}.` : `${name}.${z}.`;
}

/** `www.example.com.` in zone example.com → `www`; the apex → `@`. */
export function relativeName(fqdn: string, zone: string): string {
  const z = bare(zone);
  const name = fqdn.toLowerCase().replace(/\.$/, '');
  if (name === z) return '@';
  return name.endsWith(`.${z}`) ? name.slice(0, -(z.length + 1)) : `${name}.`;
}

function target(v: string, opts: { underscore?: boolean; root?: boolean } = {}): boolean {
  const raw = v.trim().toLowerCase();
  if (raw === '@') return true;
  if (raw === '.' && opts.root) return true;
  const name = raw.replace(/\.$/, '');
  return opts.underscore ? isOwnerName(name) && !name.startsWith('*') && name.includes('.') : isHostname(name);
}

const uint = (t: string, max: number) => /^\d{1,5}$/.test(t) && Number(t) <= max;

/** Error for one record's content of `type`, or null. */
export function checkContent(type: RecordType, content: string): string | null {
  const v = content.trim();
  if (!v) return 'is required';
  switch (type) {
    case 'A':
      return isIPv4(v) ? null : 'must be an IPv4 address such as 192.0.2.10';
    case 'AAAA':
      return isIPv6(v) ? null : 'must be an IPv6 address such as 2001:db8::1';
    case 'CNAME':
      return target(v, { underscore: true }) ? null : 'must be a hostname such as target.example.com';
    case 'NS':
      return target(v) ? null : 'must be a hostname such as ns1.example.net';
    case 'MX': {
      const m = /^(\S+)\s+(\S+)$/.exec(v);
      if (!m || !uint(m[1], 65535)) return 'must be "<preference 0-65535> <mail host>", e.g. 10 mail.example.com';
      return target(m[2], { root: true }) ? null : 'mail host must be a hostname such as mail.example.com';
    }
    case 'SRV': {
      const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$/.exec(v);
      if (!m || ![m[1], m[2], m[3]].every((n) => uint(n, 65535))) return 'must be "<priority> <weight> <port> <target>", e.g. 10 5 5060 sip.example.com';
      return target(m[4], { root: true }) ? null : 'target must be a hostname such as sip.example.com';
    }
    case 'TXT': {
      if (!v.startsWith('"')) return null;
      return /^("(?:[^"\\]|\\.)*"\s*)+$/.test(v) ? null : 'must be plain text, or quoted strings such as "v=spf1 -all"';
    }
    case 'CAA': {
      const m = /^(\S+)\s+([A-Za-z0-9]+)\s+(.+)$/.exec(v);
      if (!m || !uint(m[1], 255)) return 'must be "<flags 0-255> <tag> <value>", e.g. 0 issue "letsencrypt.org"';
      if (!CAA_TAGS.includes(m[2].toLowerCase())) return `tag must be one of ${CAA_TAGS.join(', ')}`;
      const value = m[3].trim().replace(/^"(.*)"$/, '$1');
      if (value.includes('"') || value.length > 255) return 'value must be at most 255 characters without quotes inside';
      return null;
    }
  }
}

/** The editor's form: one rrset. Issues land on `name`, `ttl` and `records.N.content`. */
export function rrsetDraftSchema(zone: string) {
  return z
    .object({
      name: z.string().max(253),
      type: z.enum(RECORD_TYPES),
      ttl: z.number({ error: 'is required' }).int().min(MIN_TTL, `must be at least ${MIN_TTL} seconds`).max(MAX_TTL, `must be at most ${MAX_TTL} seconds (7 days)`),
      records: z.array(z.object({ content: z.string().max(4096) })).min(1, 'add at least one record').max(MAX_RECORDS),
    })
    .superRefine((d, ctx) => {
      const nameError = checkName(d.name, zone);
      if (nameError) ctx.addIssue({ code: 'custom', path: ['name'], message: nameError });
      const owner = absoluteName(d.name, zone);
      if (d.type === 'CNAME' && owner === `${bare(zone)}.`) ctx.addIssue({ code: 'custom', path: ['name'], message: 'a CNAME cannot sit at the zone apex' });
      if (d.type === 'CNAME' && d.records.length > 1) ctx.addIssue({ code: 'custom', path: ['records'], message: 'a CNAME holds exactly one record' });
      if (d.type === 'SRV' && !nameError && !/^_[^.]+\._[^.]+\./.test(owner)) {
        ctx.addIssue({ code: 'custom', path: ['name'], message: 'an SRV name starts with _service._proto, e.g. _sip._tcp' });
      }
      const seen = new Map<string, number>();
      d.records.forEach((r, i) => {
        const err = checkContent(d.type, r.content);
        if (err) return ctx.addIssue({ code: 'custom', path: ['records', i, 'content'], message: err });
        const key = r.content.trim().toLowerCase();
        const first = seen.get(key);
        if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['records', i, 'content'], message: `repeats record ${first + 1}` });
        else seen.set(key, i);
      });
    });
}

export type RrsetDraft = z.input<ReturnType<typeof rrsetDraftSchema>>;

/** The PATCH change for a draft; names go absolute so the API and PowerDNS agree. */
export function toReplace(d: RrsetDraft, zone: string) {
  return {
    name: absoluteName(d.name, zone),
    type: d.type,
    ttl: d.ttl,
    changetype: 'REPLACE' as const,
    records: d.records.map((r) => ({ content: r.content.trim() })),
  };
}
