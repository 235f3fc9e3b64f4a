import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../../../core/log.js';
import type { CheckContext } from '../../../mail/pipeline/contracts.js';
import type { PolicyDnsResolver } from '../../../mail/pipeline/dnsbl-resolver.js';
import { confirmReverseDns, createReverseDnsCheck } from '../../../mail/pipeline/reverse-dns-check.js';

const dnsError = (code: string) => Promise.reject(Object.assign(new Error(code), { code }));

function resolver(ptr: Record<string, string[] | string>, a: Record<string, string[] | string>, counter = { n: 0 }): PolicyDnsResolver {
  const answer = (table: Record<string, string[] | string>, key: string) => {
    const v = table[key];
    if (v === undefined) return dnsError('ENOTFOUND');
    return typeof v === 'string' ? dnsError(v) : Promise.resolve(v);
  };
  return {
    reverse: (ip) => { counter.n++; return answer(ptr, ip); },
    resolve4: (name) => answer(a, name),
    resolve6: (name) => answer(a, `6:${name}`),
  };
}

const R = resolver(
  { '192.0.2.1': ['mx.sender.example'], '192.0.2.2': ['liar.example'], '192.0.2.4': 'ESERVFAIL', '2001:db8::1': ['v6.sender.example'], '192.0.2.5': ['gone.example', 'mx5.sender.example'] },
  { 'mx.sender.example': ['192.0.2.1'], 'liar.example': ['198.51.100.1'], '6:v6.sender.example': ['2001:db8:0::1'], 'mx5.sender.example': ['192.0.2.5'] },
);

test('confirmReverseDns: a table', async () => {
  const table: [string, string][] = [
    ['192.0.2.1', 'confirmed'], ['192.0.2.2', 'unconfirmed'], ['192.0.2.3', 'none'], ['192.0.2.4', 'error'],
    ['2001:db8::1', 'confirmed'], ['192.0.2.5', 'confirmed'], ['127.0.0.1', 'confirmed'], ['::1', 'confirmed'],
  ];
  for (const [ip, want] of table) assert.equal((await confirmReverseDns(ip, R)).status, want, ip);
});

const ctx = (ip: string, over: Partial<CheckContext> = {}): CheckContext => ({ connectionId: 'c', remoteAddress: ip, remoteHostname: null, helo: 'x.example', tls: false, authenticatedUser: null, mailFrom: 'a@b.example', recipients: [], ...over });

test('reverse-dns check: "defer" answers 450 4.7.25, "log" accepts; results cached per address', async () => {
  const counter = { n: 0 };
  const r = resolver({ '192.0.2.2': ['liar.example'] }, { 'liar.example': ['198.51.100.1'] }, counter);
  const defer = createReverseDnsCheck({ policy: 'defer', resolver: r, logger: silentLogger });
  const res = await defer.mailFrom!(ctx('192.0.2.2'));
  assert.ok(res.action === 'defer' && res.code === 450 && res.enhanced === '4.7.25', JSON.stringify(res));
  await defer.mailFrom!(ctx('192.0.2.2'));
  assert.equal(counter.n, 1, 'cached');
  assert.equal((await defer.mailFrom!(ctx('192.0.2.2', { authenticatedUser: 'u@x.example' }))).action, 'accept');
  assert.equal((await defer.mailFrom!(ctx('127.0.0.1'))).action, 'accept');
  const log = createReverseDnsCheck({ policy: 'log', resolver: r, logger: silentLogger });
  assert.equal((await log.mailFrom!(ctx('192.0.2.2'))).action, 'accept');
});
