import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReceivedHeader, buildReturnPath, formatDateTime, type ReceivedInput } from '../../../../mail/protocol/smtp/received-header.js';

const date = new Date(Date.UTC(2024, 0, 2, 10, 0, 5));
const base: ReceivedInput = {
  helo: 'client.example', clientHostname: 'mail.client.example', remoteAddress: '192.0.2.1',
  hostname: 'mx.example.test', protocol: 'ESMTP', tls: null, queueId: 'Q1', recipient: 'user@example.test', date,
};

const CASES: [string, Partial<ReceivedInput>, string][] = [
  ['plain, one recipient', {},
    'Received: from client.example (mail.client.example [192.0.2.1])\r\n\tby mx.example.test (Mailroom) with ESMTP id Q1\r\n\tfor <user@example.test>; Tue, 02 Jan 2024 10:00:05 +0000\r\n'],
  ['TLS with cipher', { protocol: 'ESMTPS', tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' } },
    'Received: from client.example (mail.client.example [192.0.2.1])\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)\r\n\tby mx.example.test (Mailroom) with ESMTPS id Q1\r\n\tfor <user@example.test>; Tue, 02 Jan 2024 10:00:05 +0000\r\n'],
  ['several recipients: no for clause', { recipient: null },
    'Received: from client.example (mail.client.example [192.0.2.1])\r\n\tby mx.example.test (Mailroom) with ESMTP id Q1; Tue, 02 Jan 2024 10:00:05 +0000\r\n'],
  ['no reverse DNS, no HELO, IPv6', { helo: null, clientHostname: null, remoteAddress: '2001:db8::1' },
    'Received: from [IPv6:2001:db8::1] (unknown [IPv6:2001:db8::1])\r\n\tby mx.example.test (Mailroom) with ESMTP id Q1\r\n\tfor <user@example.test>; Tue, 02 Jan 2024 10:00:05 +0000\r\n'],
  ['IPv4-mapped address', { remoteAddress: '::ffff:192.0.2.9', clientHostname: null },
    'Received: from client.example (unknown [192.0.2.9])\r\n\tby mx.example.test (Mailroom) with ESMTP id Q1\r\n\tfor <user@example.test>; Tue, 02 Jan 2024 10:00:05 +0000\r\n'],
  ['hostile HELO cannot open a comment or end the field', { helo: 'evil) by x; (\r\nX-Injected: 1' },
    'Received: from evil??by?x?????X-Injected:?1 (mail.client.example [192.0.2.1])\r\n\tby mx.example.test (Mailroom) with ESMTP id Q1\r\n\tfor <user@example.test>; Tue, 02 Jan 2024 10:00:05 +0000\r\n'],
  ['odd recipient is left out', { recipient: 'a>b;c@example.test' },
    'Received: from client.example (mail.client.example [192.0.2.1])\r\n\tby mx.example.test (Mailroom) with ESMTP id Q1; Tue, 02 Jan 2024 10:00:05 +0000\r\n'],
];

for (const [name, over, expected] of CASES) {
  test(`Received: ${name}`, () => {
    assert.equal(buildReceivedHeader({ ...base, ...over }), expected);
  });
}

test('Return-Path', () => {
  assert.equal(buildReturnPath('a@b.example'), 'Return-Path: <a@b.example>\r\n');
  assert.equal(buildReturnPath(''), 'Return-Path: <>\r\n');
  assert.equal(buildReturnPath('a\r\nX: y@b'), 'Return-Path: <a??X:?y@b>\r\n');
});

test('RFC 5322 date', () => {
  assert.equal(formatDateTime(new Date(Date.UTC(1999, 11, 31, 23, 59, 59))), 'Fri, 31 Dec 1999 23:59:59 +0000');
});
