/**
 * The parts of the PowerDNS Authoritative HTTP API (v1) mPanel uses, in the client's own
 * camelCase shape. Names are absolute with a trailing dot, as PowerDNS stores them.
 */

export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'SRV' | 'CAA' | 'NS' | 'SOA' | 'PTR' | (string & {});

export interface PdnsRecord {
  /** Wire form: TXT quoted, names with a trailing dot (`10 mail.example.com.`). */
  content: string;
  disabled: boolean;
}

export interface Rrset {
  name: string;
  type: RecordType;
  ttl: number;
  records: PdnsRecord[];
}

export type RrsetChange =
  | (Rrset & { changetype: 'REPLACE' })
  | { name: string; type: RecordType; changetype: 'DELETE' };

export interface PdnsServerInfo {
  id: string;
  daemonType: string;
  version: string;
}

export interface PdnsZoneSummary {
  id: string;
  name: string;
  kind: string;
  serial: number;
  editedSerial: number;
  notifiedSerial: number;
  dnssec: boolean;
}

export interface PdnsZone extends PdnsZoneSummary {
  soaEditApi: string;
  /** Present when the zone was read with its records (getZone, ensureZone, createZone). */
  rrsets: Rrset[];
}

export interface CreateZoneInput {
  name: string;
  /** Hostnames of the zone's NS set; PowerDNS writes them as the apex NS rrset. */
  nameservers: string[];
  /** How the SOA serial moves on every API edit; DEFAULT gives YYYYMMDDnn. */
  soaEditApi?: 'DEFAULT' | 'INCREASE' | 'EPOCH' | 'OFF';
  rrsets?: Rrset[];
}

export interface EnsureZoneResult {
  zone: PdnsZone;
  /** False when the zone already existed and was converged to the template instead. */
  created: boolean;
}

/** The JSON PowerDNS sends; kept private to the client's mapping code. */
export interface WireZone {
  id: string;
  name: string;
  kind: string;
  serial: number;
  edited_serial?: number;
  notified_serial?: number;
  dnssec?: boolean;
  soa_edit_api?: string;
  rrsets?: Array<{ name: string; type: string; ttl: number; records: Array<{ content: string; disabled: boolean }> }>;
}
