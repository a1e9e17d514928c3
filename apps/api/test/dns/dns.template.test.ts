import { defaultRrsets } from '../../src/modules/dns/dns.template';

const base = { domain: 'example.com', ttl: 600, nameservers: ['ns1.host.net', 'ns2.host.net.'] };
const byKey = (rrsets: ReturnType<typeof defaultRrsets>) => Object.fromEntries(rrsets.map((r) => [`${r.name} ${r.type}`, r]));

describe('defaultRrsets', () => {
  it('builds web, mail, SPF and NS records in wire form when both servers are known', () => {
    const rrsets = byKey(defaultRrsets({ ...base, webIp: '192.0.2.10', mailIp: '192.0.2.20' }));
    const contents = (key: string) => rrsets[key]?.records.map((r) => r.content);

    expect(Object.keys(rrsets).sort()).toEqual(
      ['example.com. A', 'example.com. MX', 'example.com. NS', 'example.com. TXT', 'mail.example.com. A', 'www.example.com. CNAME'].sort(),
    );
    expect(contents('example.com. A')).toEqual(['192.0.2.10']);
    expect(contents('www.example.com. CNAME')).toEqual(['example.com.']);
    expect(contents('mail.example.com. A')).toEqual(['192.0.2.20']);
    expect(contents('example.com. MX')).toEqual(['10 mail.example.com.']);
    expect(contents('example.com. TXT')).toEqual(['"v=spf1 mx a ~all"']);
    expect(contents('example.com. NS')).toEqual(['ns1.host.net.', 'ns2.host.net.']);
    for (const r of Object.values(rrsets)) {
      expect(r.ttl).toBe(600);
      expect(r.records.every((x) => x.disabled === false)).toBe(true);
    }
  });

  it('leaves out web records without a web server and mail records without a mail server', () => {
    expect(defaultRrsets(base).map((r) => `${r.name} ${r.type}`)).toEqual(['example.com. NS']);

    const webOnly = defaultRrsets({ ...base, webIp: '192.0.2.10' }).map((r) => r.type);
    expect(webOnly.sort()).toEqual(['A', 'CNAME', 'NS']);

    const mailOnly = defaultRrsets({ ...base, mailIp: '192.0.2.20' }).map((r) => `${r.name} ${r.type}`);
    expect(mailOnly.sort()).toEqual(['example.com. MX', 'example.com. NS', 'example.com. TXT', 'mail.example.com. A']);
  });

  it('accepts the domain with a trailing dot and drops duplicate nameservers', () => {
    const rrsets = defaultRrsets({ ...base, domain: 'Example.com.', nameservers: ['ns1.host.net', 'ns1.host.net.'], webIp: '192.0.2.10' });
    expect(rrsets.find((r) => r.type === 'NS')?.records).toEqual([{ content: 'ns1.host.net.', disabled: false }]);
    expect(rrsets.find((r) => r.type === 'CNAME')).toMatchObject({ name: 'www.example.com.', records: [{ content: 'example.com.' }] });
  });

  it('gives no NS set when there are no nameservers to name', () => {
    expect(defaultRrsets({ ...base, nameservers: [], webIp: '192.0.2.10' }).some((r) => r.type === 'NS')).toBe(false);
  });
});
