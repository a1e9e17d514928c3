import type { Rrset } from '../../integrations/powerdns/powerdns.types';

export interface ZoneTemplateInput {
  /** The hosted domain, e.g. example.com (with or without the trailing dot). */
  domain: string;
  ttl: number;
  nameservers: string[];
  /** IPv4 of the web server the site lives on; without it the zone gets no web records yet. */
  webIp?: string;
  /** IPv4 of the mail server; without it the zone gets no mail records yet. */
  mailIp?: string;
}

/** SPF that allows the domain's own MX and A hosts and soft-fails everyone else. */
export const DEFAULT_SPF = 'v=spf1 mx a ~all';

const abs = (name: string) => (name.endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`);

/**
 * The rrsets every new hosting zone starts with, in PowerDNS wire form (absolute names, TXT
 * quoted). `www` is a CNAME to the apex so moving the site later changes one A record.
 */
export function defaultRrsets(input: ZoneTemplateInput): Rrset[] {
  const apex = abs(input.domain);
  const { ttl } = input;
  const rrset = (name: string, type: string, contents: string[]): Rrset => ({
    name,
    type,
    ttl,
    records: contents.map((content) => ({ content, disabled: false })),
  });

  const rrsets: Rrset[] = [];
  if (input.nameservers.length) rrsets.push(rrset(apex, 'NS', [...new Set(input.nameservers.map(abs))]));
  if (input.webIp) {
    rrsets.push(rrset(apex, 'A', [input.webIp]), rrset(`www.${apex}`, 'CNAME', [apex]));
  }
  if (input.mailIp) {
    const mailHost = `mail.${apex}`;
    rrsets.push(
      rrset(mailHost, 'A', [input.mailIp]),
      rrset(apex, 'MX', [`10 ${mailHost}`]),
      rrset(apex, 'TXT', [`"${DEFAULT_SPF}"`]),
    );
  }
  return rrsets;
}
