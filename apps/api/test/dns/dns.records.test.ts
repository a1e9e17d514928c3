import { ownerName, quoteTxt, rrsetChangeSchema, validateRrsetChanges } from '../../src/modules/dns/dns.records';

const ZONE = 'example.com';

/** Validates one REPLACE change of `type` with the given contents; returns the wire contents or the issues. */
function replace(type: string, contents: string[], name = 'host') {
  return validateRrsetChanges(ZONE, [{ name, type, ttl: 300, changetype: 'REPLACE', records: contents.map((content) => ({ content })) }]);
}

function wire(type: string, content: string, name?: string): string {
  const result = replace(type, [content], name);
  if (!result.ok) throw new Error(`${type} ${content}: ${JSON.stringify(result.issues)}`);
  const change = result.changes[0];
  if (change.changetype !== 'REPLACE') throw new Error('expected a REPLACE');
  return change.records[0].content;
}

function issuePaths(type: string, contents: string[], name?: string): string[] {
  const result = replace(type, contents, name);
  if (result.ok) throw new Error(`${type} ${contents.join(' | ')} was accepted`);
  return result.issues.map((i) => i.path);
}

describe('record names', () => {
  it.each([
    ['@', 'example.com.'],
    ['', 'example.com.'],
    ['www', 'www.example.com.'],
    ['WWW', 'www.example.com.'],
    ['_sip._tcp', '_sip._tcp.example.com.'],
    ['_dmarc', '_dmarc.example.com.'],
    ['*.dev', '*.dev.example.com.'],
    ['www.example.com', 'www.example.com.'],
    ['www.example.com.', 'www.example.com.'],
    ['example.com.', 'example.com.'],
  ])('%j is %s', (input, expected) => {
    expect(ownerName(input, ZONE)).toEqual({ ok: true, value: expected });
  });

  it.each(['www.other.com.', 'example.com.evil.', 'bad name', 'a..b', '-www', 'www-', 'dev.*', 'x/y', 'ü'])('%j is refused', (input) => {
    expect(ownerName(input, ZONE).ok).toBe(false);
  });

  it('names the field when the name lies outside the zone', () => {
    const result = validateRrsetChanges(ZONE, [{ name: 'www.other.com.', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.1' }] }]);
    expect(result).toEqual({ ok: false, issues: [{ path: 'changes.0.name', message: 'must be inside the zone example.com' }] });
  });
});

describe('record content by type', () => {
  it('A: IPv4 only', () => {
    expect(wire('A', ' 192.0.2.1 ')).toBe('192.0.2.1');
    for (const bad of ['192.0.2', '256.1.1.1', '010.0.0.1', '2001:db8::1', 'example.com']) {
      expect(issuePaths('A', [bad])).toEqual(['changes.0.records.0.content']);
    }
  });

  it('AAAA: IPv6 in the canonical form PowerDNS stores', () => {
    expect(wire('AAAA', '2001:0DB8:0:0::1')).toBe('2001:db8::1');
    expect(wire('AAAA', '::ffff:192.0.2.1')).toBe('::ffff:c000:201');
    for (const bad of ['192.0.2.1', '2001:db8::g', 'fe80::1%eth0']) expect(issuePaths('AAAA', [bad])).toEqual(['changes.0.records.0.content']);
  });

  it('CNAME: an absolute target with a trailing dot, never at the apex, one record', () => {
    expect(wire('CNAME', 'Target.Example.net')).toBe('target.example.net.');
    expect(wire('CNAME', 'target.example.net.')).toBe('target.example.net.');
    expect(wire('CNAME', '@')).toBe('example.com.');
    expect(wire('CNAME', 's1._domainkey.mailer.net')).toBe('s1._domainkey.mailer.net.');
    expect(issuePaths('CNAME', ['not a host'])).toEqual(['changes.0.records.0.content']);
    expect(issuePaths('CNAME', ['single'])).toEqual(['changes.0.records.0.content']);
    expect(issuePaths('CNAME', ['a.example.net'], '@')).toEqual(['changes.0.name']);
    expect(issuePaths('CNAME', ['a.example.net', 'b.example.net'])).toEqual(['changes.0.records']);
  });

  it('MX: preference and host', () => {
    expect(wire('MX', '10 mail.example.com')).toBe('10 mail.example.com.');
    expect(wire('MX', '0 .')).toBe('0 .');
    expect(wire('MX', '5 @')).toBe('5 example.com.');
    for (const bad of ['mail.example.com', '70000 mail.example.com', '-1 mail.example.com', '10 mail_x.example.com', '10 192.0.2.1']) {
      expect(issuePaths('MX', [bad])).toEqual(['changes.0.records.0.content']);
    }
  });

  it('TXT: plain text is quoted and escaped, long text split into 255-byte strings', () => {
    expect(wire('TXT', 'v=spf1 mx a ~all')).toBe('"v=spf1 mx a ~all"');
    expect(wire('TXT', 'say "hi" \\ now')).toBe('"say \\"hi\\" \\\\ now"');
    expect(wire('TXT', 'café\n')).toBe('"caf\\195\\169\\010"');
    expect(quoteTxt('x'.repeat(300))).toBe(`"${'x'.repeat(255)}" "${'x'.repeat(45)}"`);
    // Text already in zone-file form is kept.
    expect(wire('TXT', '"v=spf1 -all"')).toBe('"v=spf1 -all"');
    expect(wire('TXT', '"part one"   "part two"')).toBe('"part one" "part two"');
    for (const bad of ['"unterminated', '"a""b"', '"a" b', `"${'x'.repeat(256)}"`]) {
      expect(issuePaths('TXT', [bad])).toEqual(['changes.0.records.0.content']);
    }
  });

  it('SRV: priority, weight, port and target under a _service._proto name', () => {
    expect(wire('SRV', '10 5 5060 sip.example.com', '_sip._tcp')).toBe('10 5 5060 sip.example.com.');
    expect(wire('SRV', '0 0 0 .', '_imap._tcp')).toBe('0 0 0 .');
    for (const bad of ['10 5 sip.example.com', '10 5 70000 sip.example.com', '10 5 5060 not_a_host', 'a b c d']) {
      expect(issuePaths('SRV', [bad], '_sip._tcp')).toEqual(['changes.0.records.0.content']);
    }
    expect(issuePaths('SRV', ['10 5 5060 sip.example.com'], 'sip')).toEqual(['changes.0.name']);
  });

  it('CAA: flags, a known tag and a value, quoted on the wire', () => {
    expect(wire('CAA', '0 issue letsencrypt.org')).toBe('0 issue "letsencrypt.org"');
    expect(wire('CAA', '0 issuewild "letsencrypt.org; validationmethods=dns-01"')).toBe('0 issuewild "letsencrypt.org; validationmethods=dns-01"');
    expect(wire('CAA', '128 issue ";"')).toBe('128 issue ";"');
    expect(wire('CAA', '0 IODEF mailto:security@example.com')).toBe('0 iodef "mailto:security@example.com"');
    for (const bad of ['0 issue', '256 issue letsencrypt.org', '0 policy letsencrypt.org', '0 issue "bad value"', '0 iodef security@example.com', '0 issue a"b']) {
      expect(issuePaths('CAA', [bad])).toEqual(['changes.0.records.0.content']);
    }
  });

  it('NS: hostnames, for the apex or a delegated subdomain', () => {
    expect(wire('NS', 'ns1.example.net', 'sub')).toBe('ns1.example.net.');
    expect(wire('NS', 'ns1.example.net.', '@')).toBe('ns1.example.net.');
    for (const bad of ['192.0.2.1', 'ns1', 'ns_1.example.net']) expect(issuePaths('NS', [bad], 'sub')).toEqual(['changes.0.records.0.content']);
  });
});

describe('rrset changes', () => {
  it('names every failing field at once, by position', () => {
    const result = validateRrsetChanges(ZONE, [
      { name: 'www', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.1' }] },
      { name: 'mail', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.2' }, { content: 'nope' }] },
      { name: 'x', type: 'SOA', ttl: 10, changetype: 'UPSERT', records: [] },
    ]);
    if (result.ok) throw new Error('accepted');
    expect(result.issues.map((i) => i.path).sort()).toEqual(['changes.1.records.1.content', 'changes.2.changetype', 'changes.2.ttl', 'changes.2.type'].sort());
  });

  it('requires a ttl and at least one record to REPLACE, and refuses duplicate records', () => {
    const noTtl = validateRrsetChanges(ZONE, [{ name: 'www', type: 'A', changetype: 'REPLACE', records: [] }]);
    expect(noTtl.ok ? [] : noTtl.issues.map((i) => i.path).sort()).toEqual(['changes.0.records', 'changes.0.ttl']);
    expect(issuePaths('A', ['192.0.2.1', '192.0.2.1'])).toEqual(['changes.0.records.1.content']);
    expect(issuePaths('MX', ['10 mail.example.com', '10 mail.example.com.'])).toEqual(['changes.0.records.1.content']);
  });

  it('refuses the same rrset twice in one batch and an empty batch', () => {
    const twice = validateRrsetChanges(ZONE, [
      { name: 'www', type: 'A', changetype: 'DELETE' },
      { name: 'www.example.com.', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.1' }] },
    ]);
    expect(twice.ok ? [] : twice.issues.map((i) => i.path)).toEqual(['changes.1.name']);
    const empty = validateRrsetChanges(ZONE, []);
    expect(empty.ok ? [] : empty.issues.map((i) => i.path)).toEqual(['changes']);
  });

  it('turns a DELETE into the wire change, ignoring records and ttl', () => {
    expect(validateRrsetChanges(ZONE, [{ name: '_sip._tcp', type: 'SRV', changetype: 'DELETE' }])).toEqual({
      ok: true,
      changes: [{ name: '_sip._tcp.example.com.', type: 'SRV', changetype: 'DELETE' }],
    });
  });

  it('keeps the disabled flag and defaults it to false', () => {
    const parsed = rrsetChangeSchema(ZONE).parse({
      name: 'www',
      type: 'A',
      ttl: 300,
      changetype: 'REPLACE',
      records: [{ content: '192.0.2.1', disabled: true }, { content: '192.0.2.2' }],
    });
    expect(parsed).toEqual({
      name: 'www.example.com.',
      type: 'A',
      ttl: 300,
      changetype: 'REPLACE',
      records: [
        { content: '192.0.2.1', disabled: true },
        { content: '192.0.2.2', disabled: false },
      ],
    });
  });

  it('refuses ttl outside 60..604800 and a zone name that is not a hostname', () => {
    expect(replace('A', ['192.0.2.1']).ok).toBe(true);
    const low = validateRrsetChanges(ZONE, [{ name: 'www', type: 'A', ttl: 5, changetype: 'REPLACE', records: [{ content: '192.0.2.1' }] }]);
    expect(low.ok ? [] : low.issues.map((i) => i.path)).toEqual(['changes.0.ttl']);
    expect(() => rrsetChangeSchema('not a zone')).toThrow();
  });
});
