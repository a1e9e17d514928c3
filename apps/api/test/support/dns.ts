import { promises as dns } from 'node:dns';

export type QueryType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'NS' | 'SRV' | 'CAA' | 'SOA';

const EMPTY = new Set(['ENODATA', 'ENOTFOUND']);

/**
 * Asks the DNS server on 127.0.0.1:<port> directly, the way a resolver would, and returns the
 * answers as sorted strings close to `dig +short` (names without the trailing dot):
 * A `192.0.2.1`, MX `10 mail.example.com`, TXT `v=spf1 mx a ~all` (strings joined), SRV
 * `10 5 5060 sip.example.com`, CAA `0 issue "letsencrypt.org"`, SOA `ns1.x hostmaster.x <serial>`.
 * No answer (NXDOMAIN or no data of that type) is an empty list; REFUSED and the like throw.
 */
export async function queryDns(port: number, name: string, type: QueryType): Promise<string[]> {
  const resolver = new dns.Resolver({ timeout: 1000, tries: 2 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const host = name.replace(/\.$/, '');
  try {
    switch (type) {
      case 'A':
        return (await resolver.resolve4(host)).sort();
      case 'AAAA':
        return (await resolver.resolve6(host)).sort();
      case 'CNAME':
        return (await resolver.resolveCname(host)).sort();
      case 'NS':
        return (await resolver.resolveNs(host)).sort();
      case 'MX':
        return (await resolver.resolveMx(host)).map((r) => `${r.priority} ${r.exchange}`).sort();
      case 'TXT':
        // Node hands TXT bytes over one char per byte; the bytes themselves are UTF-8.
        return (await resolver.resolveTxt(host)).map((chunks) => Buffer.from(chunks.join(''), 'latin1').toString('utf8')).sort();
      case 'SRV':
        return (await resolver.resolveSrv(host)).map((r) => `${r.priority} ${r.weight} ${r.port} ${r.name}`).sort();
      case 'CAA':
        return (await resolver.resolveCaa(host))
          .map((r) => {
            const [tag, value] = Object.entries(r).find(([k]) => k !== 'critical') ?? ['', ''];
            return `${r.critical} ${tag} "${value}"`;
          })
          .sort();
      case 'SOA': {
        const soa = await resolver.resolveSoa(host);
        return [`${soa.nsname} ${soa.hostmaster} ${soa.serial}`];
      }
    }
  } catch (err) {
    if (EMPTY.has((err as NodeJS.ErrnoException).code ?? '')) return [];
    throw err;
  }
}
