// Which names a certificate gets, whether a certificate covers them, and when it is due.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certificateNames, coversNames } from '../../../agent/acme/certificate-names.js';
import { renewalReason } from '../../../agent/acme/certificate-status.js';
import { renewalExpression } from '../../../agent/acme/renewal-scheduler.js';
import type { TlsCertificateStatus } from '../../../ui/shared/api-types.js';

test('the host name first, then each domain\'s autoconfig, autodiscover and mta-sts names and the extra names, once each', () => {
  assert.deepEqual(certificateNames('Mail.Example.com', ['example.com', 'other.org'], ['webmail.example.com', 'mail.example.com']), [
    'mail.example.com',
    'autoconfig.example.com', 'autoconfig.other.org', 'autodiscover.example.com', 'autodiscover.other.org',
    'mta-sts.example.com', 'mta-sts.other.org', 'webmail.example.com',
  ]);
  assert.deepEqual(certificateNames('mx.example.com', []), ['mx.example.com']);
});

test('coversNames: exact names and one-label wildcards', () => {
  const table: [string[], string[], boolean][] = [
    [['a.test', 'b.test'], ['a.test'], true],
    [['a.test'], ['a.test', 'b.test'], false],
    [['*.example.test'], ['autoconfig.example.test'], true],
    [['*.example.test'], ['a.b.example.test'], false],
    [['*.example.test'], ['example.test'], false],
    [['A.TEST'], ['a.test'], true],
  ];
  for (const [have, want, expected] of table) assert.equal(coversNames(have, want), expected, `${have} covers ${want}`);
});

test('renewal is due when there is no certificate, it is self-signed, fewer than 30 days are left, or a name is missing', () => {
  const cert = (over: Partial<TlsCertificateStatus>): TlsCertificateStatus => ({
    file: 'cert.pem', subject: 'mx.test', names: ['mx.test', 'autoconfig.a.test'], issuer: 'Pebble Intermediate', selfSigned: false,
    notBefore: '2026-01-01T00:00:00Z', notAfter: '2026-04-01T00:00:00Z', daysLeft: 60, fingerprint256: 'AA', ...over,
  });
  const want = ['mx.test', 'autoconfig.a.test'];
  assert.equal(renewalReason(null, want), 'no usable certificate');
  assert.equal(renewalReason(cert({ selfSigned: true }), want), 'the certificate is self-signed');
  assert.equal(renewalReason(cert({ daysLeft: 29 }), want), 'the certificate expires in 29 day(s)');
  assert.equal(renewalReason(cert({ daysLeft: 30 }), want), null);
  assert.equal(renewalReason(cert({}), [...want, 'mta-sts.a.test']), 'the certificate lacks some names');
});

test('the schedule is twice a day, 12 hours apart, fixed per host name', () => {
  const e = renewalExpression('mx.example.com');
  assert.match(e, /^(\d+) (\d+),(\d+) \* \* \*$/);
  const [, minute, h1, h2] = /^(\d+) (\d+),(\d+)/.exec(e)!.map(Number);
  assert.ok(minute! < 60 && h1! < 12 && h2 === h1! + 12);
  assert.equal(renewalExpression('mx.example.com'), e);
});
