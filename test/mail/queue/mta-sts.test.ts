import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mxMatchesPolicy, parseMtaStsPolicy, parseMtaStsTxt, tlsRequirementFor, type MtaStsPolicy } from '../../../mail/queue/mta-sts.js';

describe('parseMtaStsTxt', () => {
  const table: [string, { id: string } | null][] = [
    ['v=STSv1; id=20160831085700Z;', { id: '20160831085700Z' }],
    ['v=STSv1;id=abc', { id: 'abc' }],
    ['v=STSv1; ext=1; id=x1 ', { id: 'x1' }],
    ['v=STSv2; id=abc', null],
    ['id=abc; v=STSv1', null],
    ['v=STSv1;', null],
    ['v=STSv1; id=has-dash', null],
  ];
  for (const [txt, want] of table) it(JSON.stringify(txt), () => assert.deepEqual(parseMtaStsTxt(txt), want));
});

describe('parseMtaStsPolicy', () => {
  it('parses the RFC 8461 example, CRLF or LF, ignoring unknown keys', () => {
    const text = 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\nfuture: x\r\n';
    assert.deepEqual(parseMtaStsPolicy(text), { mode: 'enforce', mx: ['mail.example.com', '*.example.net', 'backupmx.example.com'], maxAgeSeconds: 604800 });
    assert.deepEqual(parseMtaStsPolicy(text.replace(/\r\n/g, '\n')), parseMtaStsPolicy(text));
  });
  it('caps max_age at a year and allows mode none without mx', () => {
    assert.deepEqual(parseMtaStsPolicy('version: STSv1\nmode: none\nmax_age: 99999999999'.slice(0, 44)), { mode: 'none', mx: [], maxAgeSeconds: 31_557_600 });
  });
  const bad: [string, string][] = [
    ['missing version', 'mode: enforce\nmx: a.b\nmax_age: 1'],
    ['wrong version', 'version: STSv2\nmode: enforce\nmx: a.b\nmax_age: 1'],
    ['bad mode', 'version: STSv1\nmode: strict\nmx: a.b\nmax_age: 1'],
    ['no max_age', 'version: STSv1\nmode: enforce\nmx: a.b'],
    ['negative max_age', 'version: STSv1\nmode: enforce\nmx: a.b\nmax_age: -1'],
    ['enforce without mx', 'version: STSv1\nmode: enforce\nmax_age: 1'],
    ['line without key', 'version: STSv1\nnonsense\nmode: none\nmax_age: 1'],
    ['wildcard in the middle', 'version: STSv1\nmode: enforce\nmx: a.*.b\nmax_age: 1'],
  ];
  for (const [name, text] of bad) {
    it(`rejects: ${name}`, () => assert.throws(() => parseMtaStsPolicy(text), (err: { code?: string }) => err.code === 'mta_sts_policy_invalid'));
  }
});

describe('mxMatchesPolicy / tlsRequirementFor', () => {
  const policy: MtaStsPolicy = { mode: 'enforce', mx: ['mail.example.com', '*.example.net'], maxAgeSeconds: 86400 };
  const table: [string, boolean][] = [
    ['mail.example.com', true], ['MAIL.Example.COM.', true], ['mx1.example.net', true],
    ['a.b.example.net', false], ['example.net', false], ['other.example.com', false], ['mail.example.com.evil', false],
  ];
  for (const [host, want] of table) it(`${host} ${want ? 'matches' : 'does not match'}`, () => assert.equal(mxMatchesPolicy(host, policy), want));

  it('decides per mode', () => {
    assert.equal(tlsRequirementFor('mail.example.com', null), 'opportunistic');
    assert.equal(tlsRequirementFor('mail.example.com', policy), 'verified-tls');
    assert.equal(tlsRequirementFor('evil.example.org', policy), 'refuse');
    assert.equal(tlsRequirementFor('evil.example.org', { ...policy, mode: 'testing' }), 'opportunistic');
    assert.equal(tlsRequirementFor('evil.example.org', { ...policy, mode: 'none' }), 'opportunistic');
  });
});
