import { describe, expect, it } from 'vitest';
import { absoluteName, checkContent, checkName, relativeName, rrsetDraftSchema, toReplace } from './rrset-validation';

const zone = 'example.com';
const issues = (draft: unknown) => {
  const r = rrsetDraftSchema(zone).safeParse(draft);
  return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), i.message]));
};

describe('record content, type by type', () => {
  it.each([
    ['A', '192.0.2.10', null],
    ['A', '256.1.1.1', /IPv4/],
    ['A', '01.2.3.4', /IPv4/],
    ['AAAA', '2001:db8::1', null],
    ['AAAA', '::ffff:192.0.2.1', null],
    ['AAAA', '2001:db8:::1', /IPv6/],
    ['AAAA', '192.0.2.1', /IPv6/],
    ['CNAME', 'target.example.net.', null],
    ['CNAME', '_dkim.example.net', null],
    ['CNAME', 'not a host', /hostname/],
    ['MX', '10 mail.example.com.', null],
    ['MX', 'mail.example.com', /preference/],
    ['MX', '70000 mail.example.com', /preference/],
    ['SRV', '10 5 5060 sip.example.com', null],
    ['SRV', '10 5 sip.example.com', /priority/],
    ['TXT', 'v=spf1 mx -all', null],
    ['TXT', '"v=spf1" "-all"', null],
    ['TXT', '"unterminated', /quoted/],
    ['CAA', '0 issue "letsencrypt.org"', null],
    ['CAA', '0 bogus "x"', /tag/],
    ['CAA', '300 issue "x"', /flags/],
    ['NS', 'ns1.example.net', null],
    ['NS', '1.2.3.4', /hostname/],
  ] as const)('%s %s', (type, content, expected) => {
    const err = checkContent(type, content);
    if (expected === null) expect(err).toBeNull();
    else expect(err).toMatch(expected);
  });

  it('wants something in every record', () => {
    expect(checkContent('A', '  ')).toBe('is required');
  });
});

describe('record names', () => {
  it('takes relative, apex and absolute names inside the zone', () => {
    expect(checkName('www', zone)).toBeNull();
    expect(checkName('@', zone)).toBeNull();
    expect(checkName('_sip._tcp', zone)).toBeNull();
    expect(checkName('*.dev', zone)).toBeNull();
    expect(checkName('www.example.com.', zone)).toBeNull();
    expect(checkName('www.other.org.', zone)).toMatch(/inside the zone/);
    expect(checkName('bad name', zone)).toMatch(/name such as/);
  });

  it('converts between the typed and the absolute form', () => {
    expect(absoluteName('www', zone)).toBe('www.example.com.');
    expect(absoluteName('@', zone)).toBe('example.com.');
    expect(absoluteName('www.example.com', zone)).toBe('www.example.com.');
    expect(relativeName('www.example.com.', zone)).toBe('www');
    expect(relativeName('example.com.', zone)).toBe('@');
  });
});

describe('an rrset draft', () => {
  it('accepts a valid rrset and turns it into a REPLACE change', () => {
    const draft = { name: 'www', type: 'A' as const, ttl: 300, records: [{ content: ' 192.0.2.1 ' }, { content: '192.0.2.2' }] };
    expect(issues(draft)).toEqual({});
    expect(toReplace(draft, zone)).toEqual({
      name: 'www.example.com.',
      type: 'A',
      ttl: 300,
      changetype: 'REPLACE',
      records: [{ content: '192.0.2.1' }, { content: '192.0.2.2' }],
    });
  });

  it('puts each problem on its field', () => {
    expect(issues({ name: 'www', type: 'A', ttl: 10, records: [{ content: '192.0.2.1' }, { content: 'nope' }, { content: '192.0.2.1' }] })).toEqual({
      ttl: expect.stringMatching(/at least 60/),
      'records.1.content': expect.stringMatching(/IPv4/),
      'records.2.content': 'repeats record 1',
    });
  });

  it('knows the rules of CNAME and SRV names', () => {
    expect(issues({ name: '@', type: 'CNAME', ttl: 300, records: [{ content: 'a.example.net' }] })).toEqual({ name: expect.stringMatching(/apex/) });
    expect(issues({ name: 'x', type: 'CNAME', ttl: 300, records: [{ content: 'a.example.net' }, { content: 'b.example.net' }] })).toEqual({ records: expect.stringMatching(/exactly one/) });
    expect(issues({ name: 'sip', type: 'SRV', ttl: 300, records: [{ content: '10 5 5060 sip.example.com' }] })).toEqual({ name: expect.stringMatching(/_service\._proto/) });
  });

  it('needs at least one record', () => {
    expect(issues({ name: 'www', type: 'A', ttl: 300, records: [] })).toEqual({ records: 'add at least one record' });
  });
});
