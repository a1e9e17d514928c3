import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import { zodIssues } from '../../core/error-handler';
import type { FieldIssue } from '../../core/errors';
import { isHostname } from '../../core/names';
import type { RrsetChange } from '../../integrations/powerdns/powerdns.types';

/**
 * What the record editor may send for one rrset, checked type by type before anything reaches
 * PowerDNS, and turned into PowerDNS's wire form (absolute names with a trailing dot, TXT as
 * quoted character-strings). Record names may be relative to the zone (`www`, `_sip._tcp`,
 * `@`) or absolute; either way they must lie inside the zone.
 */

export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'CAA', 'NS'] as const;
export type EditableRecordType = (typeof RECORD_TYPES)[number];

export const MIN_TTL = 60;
export const MAX_TTL = 604_800;
const MAX_RECORDS = 100;
const MAX_CHANGES = 200;

// Owner names may carry underscores (_dmarc, _sip._tcp, DKIM selectors); hostnames may not.
const OWNER_LABEL = /^(?:[a-z0-9_]|[a-z0-9_][a-z0-9_-]{0,61}[a-z0-9_])$/;
const CAA_TAGS = new Set(['issue', 'issuewild', 'iodef', 'issuemail', 'issuevmc']);

type Parsed = { ok: true; value: string } | { ok: false; message: string };
const ok = (value: string): Parsed => ({ ok: true, value });
const bad = (message: string): Parsed => ({ ok: false, message });

const bare = (zone: string) => zone.trim().toLowerCase().replace(/\.$/, '');

function isOwnerName(name: string): boolean {
  if (name.length > 253) return false;
  return name.split('.').every((label, i) => OWNER_LABEL.test(label) || (i === 0 && label === '*'));
}

/** Absolute owner name (trailing dot) of a relative or absolute name typed for `zone`. */
export function ownerName(input: string, zoneName: string): Parsed {
  const zone = bare(zoneName);
  const raw = input.trim().toLowerCase();
  if (raw === '' || raw === '@') return ok(`${zone}.`);
  const absolute = raw.endsWith('.');
  const name = absolute ? raw.slice(0, -1) : raw;
  const inZone = name === zone || name.endsWith(`.${zone}`);
  if (absolute && !inZone) return bad(`must be inside the zone ${zone}`);
  const full = inZone ? name : `${name}.${zone}`;
  if (!isOwnerName(full)) return bad('must be a name such as www, @, _sip._tcp or *.dev (letters, digits, - and _)');
  return ok(`${full}.`);
}

/** A host a record points at (MX, NS, SRV, CNAME target): absolute, or `@` for the apex. */
function targetName(input: string, zone: string, opts: { allowRoot?: boolean; allowUnderscore?: boolean } = {}): Parsed {
  const raw = input.trim().toLowerCase();
  if (raw === '@') return ok(`${bare(zone)}.`);
  if (raw === '.' && opts.allowRoot) return ok('.');
  const name = raw.replace(/\.$/, '');
  const valid = opts.allowUnderscore ? isOwnerName(name) && !name.startsWith('*') && name.includes('.') : isHostname(name);
  return valid ? ok(`${name}.`) : bad('must be a hostname such as mail.example.com');
}

function uint(text: string, max: number): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

function parseAaaa(input: string): Parsed {
  const ip = input.trim();
  if (!isIPv6(ip) || ip.includes('%')) return bad('must be an IPv6 address such as 2001:db8::1');
  // PowerDNS stores the RFC 5952 form; sending it keeps comparisons with what it returns exact.
  return ok(new URL(`http://[${ip}]/`).hostname.slice(1, -1));
}

function parseMx(input: string, zone: string): Parsed {
  const m = /^(\S+)\s+(\S+)$/.exec(input.trim());
  const pref = m ? uint(m[1], 65535) : undefined;
  if (!m || pref === undefined) return bad('must be "<preference 0-65535> <mail host>", e.g. 10 mail.example.com');
  const host = targetName(m[2], zone, { allowRoot: true });
  return host.ok ? ok(`${pref} ${host.value}`) : bad(`mail host ${host.message}`);
}

function parseSrv(input: string, zone: string): Parsed {
  const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$/.exec(input.trim());
  const nums = m ? [m[1], m[2], m[3]].map((x) => uint(x, 65535)) : [];
  if (!m || nums.some((n) => n === undefined)) return bad('must be "<priority> <weight> <port> <target>", e.g. 10 5 5060 sip.example.com');
  const target = targetName(m[4], zone, { allowRoot: true });
  return target.ok ? ok(`${nums.join(' ')} ${target.value}`) : bad(`target ${target.message}`);
}

/** Splits text into quoted character-strings of at most 255 bytes, escaping as zone files do. */
export function quoteTxt(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: string[] = [];
  for (let start = 0; start < bytes.length; start += 255) {
    let out = '';
    for (const b of bytes.subarray(start, start + 255)) {
      if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
      else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
      else out += `\\${String(b).padStart(3, '0')}`;
    }
    chunks.push(`"${out}"`);
  }
  return chunks.length ? chunks.join(' ') : '""';
}

const QUOTED_STRING = /"((?:[^"\\\x00-\x1f\x7f]|\\(?:\d{3}|[\x20-\x7e]))*)"/y;

/** Bytes one quoted character-string stands for: `\DDD` and `\X` are one byte each. */
function unquotedLength(body: string): number {
  return Buffer.byteLength(body.replace(/\\(\d{3}|.)/g, 'x'), 'utf8');
}

function parseTxt(input: string): Parsed {
  const text = input.trim();
  if (!text.startsWith('"')) return ok(quoteTxt(input));
  // Already in zone-file form ("part one" "part two"): keep it, once it parses completely.
  let pos = 0;
  const parts: string[] = [];
  while (pos < text.length) {
    QUOTED_STRING.lastIndex = pos;
    const m = QUOTED_STRING.exec(text);
    if (!m) return bad('must be plain text, or quoted strings such as "v=spf1 -all" with \\" for a quote inside');
    if (unquotedLength(m[1]) > 255) return bad('each quoted string must be at most 255 bytes; leave the text unquoted to have it split');
    parts.push(m[0]);
    pos = m.index + m[0].length;
    const gap = /\s*/y;
    gap.lastIndex = pos;
    gap.exec(text);
    if (gap.lastIndex === pos && pos < text.length) return bad('quoted strings must be separated by spaces');
    pos = gap.lastIndex;
  }
  return ok(parts.join(' '));
}

function parseCaa(input: string): Parsed {
  const m = /^(\S+)\s+([A-Za-z0-9]+)\s+(.+)$/.exec(input.trim());
  const flags = m ? uint(m[1], 255) : undefined;
  if (!m || flags === undefined) return bad('must be "<flags 0-255> <tag> <value>", e.g. 0 issue "letsencrypt.org"');
  const tag = m[2].toLowerCase();
  if (!CAA_TAGS.has(tag)) return bad(`tag must be one of ${[...CAA_TAGS].join(', ')}`);
  let value = m[3].trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (!/^[\x20-\x7e]*$/.test(value) || value.includes('"') || value.length > 255) {
    return bad('value must be at most 255 printable characters without quotes inside');
  }
  if (tag === 'iodef') {
    if (!/^(mailto:\S+@\S+|https?:\/\/\S+)$/.test(value)) return bad('iodef value must be a mailto: or https:// URL');
  } else {
    // issue/issuewild/issuemail/issuevmc: "ca.example.net", "ca.example.net; account=123" or ";" (nobody).
    const domain = value.split(';')[0].trim();
    if (domain && !isHostname(domain.toLowerCase())) return bad(`${tag} value must be a CA's domain such as letsencrypt.org, or ";"`);
    if (!domain && !value.includes(';')) return bad(`${tag} value must be a CA's domain such as letsencrypt.org, or ";"`);
  }
  return ok(`${flags} ${tag} "${value}"`);
}

function parseContent(type: EditableRecordType, content: string, zone: string): Parsed {
  switch (type) {
    case 'A':
      return isIPv4(content.trim()) ? ok(content.trim()) : bad('must be an IPv4 address such as 192.0.2.10');
    case 'AAAA':
      return parseAaaa(content);
    case 'CNAME':
      return targetName(content, zone, { allowUnderscore: true });
    case 'NS':
      return targetName(content, zone);
    case 'MX':
      return parseMx(content, zone);
    case 'SRV':
      return parseSrv(content, zone);
    case 'TXT':
      return parseTxt(content);
    case 'CAA':
      return parseCaa(content);
  }
}

const recordInput = z.object({
  content: z.string().min(1).max(4096),
  disabled: z.boolean().optional(),
});

/** One rrset change for `zoneName`, parsed into the RrsetChange PowerDNS takes. */
export function rrsetChangeSchema(zoneName: string) {
  const zone = bare(zoneName);
  if (!isHostname(zone)) throw new Error(`rrsetChangeSchema needs a valid zone name, got ${JSON.stringify(zoneName)}`);
  return z
    .object({
      name: z.string().max(253),
      type: z.enum(RECORD_TYPES),
      ttl: z.number().int().min(MIN_TTL).max(MAX_TTL).optional(),
      changetype: z.enum(['REPLACE', 'DELETE']),
      records: z.array(recordInput).max(MAX_RECORDS).optional(),
    })
    .transform((change, ctx): RrsetChange => {
      const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
      const owner = ownerName(change.name, zone);
      if (!owner.ok) issue(['name'], owner.message);
      const name = owner.ok ? owner.value : '';

      if (change.changetype === 'DELETE') return { name, type: change.type, changetype: 'DELETE' };

      if (change.ttl === undefined) issue(['ttl'], 'is required to replace an rrset');
      const records = change.records ?? [];
      if (!records.length) issue(['records'], 'must hold at least one record; use changetype DELETE to remove the rrset');
      if (change.type === 'CNAME') {
        if (name === `${zone}.`) issue(['name'], 'a CNAME cannot sit at the zone apex (it would hide SOA and NS)');
        if (records.length > 1) issue(['records'], 'a CNAME rrset holds exactly one record');
      }
      if (change.type === 'SRV' && owner.ok && !/^_[^.]+\._[^.]+\./.test(name)) {
        issue(['name'], 'an SRV record name must start with _service._proto, e.g. _sip._tcp');
      }

      const seen = new Map<string, number>();
      const wire = records.map((r, i) => {
        const parsed = parseContent(change.type, r.content, zone);
        if (!parsed.ok) {
          issue(['records', i, 'content'], parsed.message);
          return { content: '', disabled: false };
        }
        const first = seen.get(parsed.value);
        if (first !== undefined) issue(['records', i, 'content'], `duplicates record ${first}`);
        else seen.set(parsed.value, i);
        return { content: parsed.value, disabled: r.disabled ?? false };
      });
      return { name, type: change.type, ttl: change.ttl ?? 0, changetype: 'REPLACE', records: wire };
    });
}

/** A batch of changes; one rrset (name + type) may appear only once per batch. */
export function rrsetChangesSchema(zoneName: string) {
  return z
    .array(rrsetChangeSchema(zoneName))
    .min(1)
    .max(MAX_CHANGES)
    .superRefine((changes, ctx) => {
      const seen = new Map<string, number>();
      changes.forEach((c, i) => {
        const key = `${c.name} ${c.type}`;
        const first = seen.get(key);
        if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `changes the same rrset as change ${first}` });
        else seen.set(key, i);
      });
    });
}

export type RrsetChangesResult = { ok: true; changes: RrsetChange[] } | { ok: false; issues: FieldIssue[] };

/** Validates the editor's `changes` for `zoneName`; issues are named like `changes.0.records.1.content`. */
export function validateRrsetChanges(zoneName: string, changes: unknown): RrsetChangesResult {
  const result = rrsetChangesSchema(zoneName).safeParse(changes);
  return result.success ? { ok: true, changes: result.data } : { ok: false, issues: zodIssues(result.error, 'changes') };
}
