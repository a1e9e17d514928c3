import axios, { type AxiosResponse, type Method } from 'axios';
import { FarSideError, isRetryableStatus } from '../errors';
import type {
  CreateZoneInput,
  EnsureZoneResult,
  PdnsServerInfo,
  PdnsZone,
  PdnsZoneSummary,
  Rrset,
  RrsetChange,
  WireZone,
} from './powerdns.types';

export type * from './powerdns.types';

export interface PowerDnsClientOptions {
  /** e.g. http://127.0.0.1:8081/api/v1 */
  baseUrl: string;
  apiKey: string;
  serverId?: string;
  timeoutMs?: number;
}

export type PowerDnsClient = ReturnType<typeof createPowerDnsClient>;

/** PowerDNS's own default-ttl; used for an NS set built from a bare list of nameservers. */
const NS_TTL = 3600;

/** Absolute, lowercase DNS name with the trailing dot PowerDNS stores and expects. */
export function fqdn(name: string): string {
  const n = name.trim().toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

function sameName(a: string, b: string): boolean {
  return fqdn(a) === fqdn(b);
}

function toZoneSummary(w: WireZone): PdnsZoneSummary {
  return {
    id: w.id,
    name: w.name,
    kind: w.kind,
    serial: w.serial,
    editedSerial: w.edited_serial ?? w.serial,
    notifiedSerial: w.notified_serial ?? 0,
    dnssec: w.dnssec ?? false,
  };
}

function toZone(w: WireZone): PdnsZone {
  return {
    ...toZoneSummary(w),
    soaEditApi: w.soa_edit_api ?? '',
    rrsets: (w.rrsets ?? []).map((r) => ({
      name: r.name,
      type: r.type,
      ttl: r.ttl,
      records: r.records.map((x) => ({ content: x.content, disabled: x.disabled })),
    })),
  };
}

function normaliseRrset(r: Rrset): Rrset {
  return { name: fqdn(r.name), type: r.type, ttl: r.ttl, records: r.records.map((x) => ({ content: x.content, disabled: x.disabled ?? false })) };
}

/** PowerDNS answers errors as `{"error": "..."}` JSON (422, 400) or as plain text (404, 409, 401). */
function errorText(data: unknown): string {
  if (typeof data === 'string') return data.trim().slice(0, 500);
  if (data && typeof data === 'object' && 'error' in data) return String((data as { error: unknown }).error).slice(0, 500);
  return '';
}

function sameRecords(a: Rrset, b: Rrset): boolean {
  if (a.ttl !== b.ttl || a.records.length !== b.records.length) return false;
  const key = (r: Rrset) => r.records.map((x) => `${x.disabled ? '-' : '+'}${x.content}`).sort().join('\n');
  return key(a) === key(b);
}

/**
 * The changes that turn `current` into a zone holding every rrset of `desired`. Rrsets the
 * template does not mention (records a customer added) are left alone. A CNAME cannot share
 * its name with other data, so whatever stands in the way of a desired rrset is deleted first:
 * PowerDNS applies a PATCH in order and refuses a REPLACE that would conflict.
 */
export function convergeChanges(current: Rrset[], desired: Rrset[]): RrsetChange[] {
  const deletes: RrsetChange[] = [];
  const replaces: RrsetChange[] = [];
  for (const want of desired) {
    const blocking = current.filter(
      (have) => sameName(have.name, want.name) && have.type !== want.type && (want.type === 'CNAME' || have.type === 'CNAME') && have.type !== 'SOA',
    );
    for (const b of blocking) {
      if (!deletes.some((d) => sameName(d.name, b.name) && d.type === b.type)) deletes.push({ name: b.name, type: b.type, changetype: 'DELETE' });
    }
    const have = current.find((r) => sameName(r.name, want.name) && r.type === want.type);
    if (!have || !sameRecords(have, want)) replaces.push({ ...want, changetype: 'REPLACE' });
  }
  return [...deletes, ...replaces];
}

/**
 * Thin client for the PowerDNS Authoritative HTTP API. Far-side failures become FarSideError
 * ('powerdns') with the HTTP status and whether retrying can help; the API key never appears
 * in an error.
 */
export function createPowerDnsClient(opts: PowerDnsClientOptions) {
  const serverId = opts.serverId ?? 'localhost';
  const http = axios.create({
    baseURL: `${opts.baseUrl.replace(/\/+$/, '')}/servers/${encodeURIComponent(serverId)}`,
    timeout: opts.timeoutMs ?? 10_000,
    headers: { 'X-API-Key': opts.apiKey, Accept: 'application/json' },
    // A proxy from the environment must not see the key, nor route loopback traffic elsewhere.
    proxy: false,
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true },
  });

  const zonePath = (name: string) => `/zones/${encodeURIComponent(fqdn(name))}`;

  async function call<T>(method: Method, path: string, expected: number[], data?: unknown): Promise<AxiosResponse<T>> {
    let res: AxiosResponse<T>;
    try {
      res = await http.request<T>({ method, url: path, data });
    } catch (err) {
      // Only the code and message leave: the axios error carries the request headers.
      const e = err as { code?: string; message?: string };
      throw new FarSideError('powerdns', `PowerDNS ${method} ${path} failed: ${e.code ?? e.message ?? 'no answer'}`, {
        retryable: true,
        details: { method, path, code: e.code },
      });
    }
    if (!expected.includes(res.status)) {
      const text = errorText(res.data);
      throw new FarSideError('powerdns', `PowerDNS ${method} ${path} answered ${res.status}${text ? `: ${text}` : ''}`, {
        status: res.status,
        retryable: isRetryableStatus(res.status),
        details: { method, path, status: res.status, error: text || undefined },
      });
    }
    return res;
  }

  async function serverInfo(): Promise<PdnsServerInfo> {
    const res = await call<{ id: string; daemon_type: string; version: string }>('GET', '', [200]);
    return { id: res.data.id, daemonType: res.data.daemon_type, version: res.data.version };
  }

  async function getZone(name: string): Promise<PdnsZone | null> {
    const res = await call<WireZone>('GET', zonePath(name), [200, 404]);
    return res.status === 404 ? null : toZone(res.data);
  }

  async function listZones(): Promise<PdnsZoneSummary[]> {
    const res = await call<WireZone[]>('GET', '/zones', [200]);
    return res.data.map(toZoneSummary);
  }

  /**
   * Creates a Native zone. An apex NS rrset in `rrsets` takes the place of `nameservers`
   * (PowerDNS refuses both at once). Throws FarSideError 409 when the zone exists.
   */
  async function createZone(input: CreateZoneInput): Promise<PdnsZone> {
    const name = fqdn(input.name);
    const rrsets = (input.rrsets ?? []).map(normaliseRrset);
    const hasApexNs = rrsets.some((r) => r.name === name && r.type === 'NS');
    const res = await call<WireZone>('POST', '/zones', [201], {
      name,
      kind: 'Native',
      nameservers: hasApexNs ? [] : input.nameservers.map(fqdn),
      soa_edit_api: input.soaEditApi ?? 'DEFAULT',
      rrsets,
    });
    return toZone(res.data);
  }

  /** Applies the changes in the order given; REPLACE writes the whole rrset, DELETE removes it. */
  async function patchRrsets(zone: string, changes: RrsetChange[]): Promise<void> {
    const rrsets = changes.map((c) =>
      c.changetype === 'DELETE'
        ? { name: fqdn(c.name), type: c.type, changetype: 'DELETE' }
        : { ...normaliseRrset(c), changetype: 'REPLACE' },
    );
    await call('PATCH', zonePath(zone), [204], { rrsets });
  }

  async function deleteZone(name: string): Promise<boolean> {
    const res = await call('DELETE', zonePath(name), [204, 404]);
    return res.status === 204;
  }

  /**
   * Makes the zone exist with every given rrset and the NS set, whether or not it existed:
   * a retried provisioning job converges instead of failing on 409. Only rrsets that differ
   * are rewritten, so an unchanged zone keeps its serial.
   */
  async function ensureZone(input: CreateZoneInput): Promise<EnsureZoneResult> {
    const name = fqdn(input.name);
    const desired = (input.rrsets ?? []).map(normaliseRrset);
    if (input.nameservers.length && !desired.some((r) => r.name === name && r.type === 'NS')) {
      desired.push({ name, type: 'NS', ttl: NS_TTL, records: input.nameservers.map((ns) => ({ content: fqdn(ns), disabled: false })) });
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return { zone: await createZone({ ...input, rrsets: desired }), created: true };
      } catch (err) {
        if (!(err instanceof FarSideError) || err.status !== 409) throw err;
      }
      const current = await getZone(name);
      // Deleted between our create and read: create again rather than report a conflict.
      if (!current) {
        if (attempt < 2) continue;
        throw new FarSideError('powerdns', `PowerDNS zone ${name} keeps appearing and disappearing`, { status: 409, retryable: true });
      }
      const changes = convergeChanges(current.rrsets, desired);
      if (!changes.length) return { zone: current, created: false };
      await patchRrsets(name, changes);
      const zone = await getZone(name);
      if (!zone) throw new FarSideError('powerdns', `PowerDNS zone ${name} vanished while being updated`, { status: 404, retryable: true });
      return { zone, created: false };
    }
  }

  return { serverInfo, getZone, listZones, createZone, patchRrsets, deleteZone, ensureZone };
}
