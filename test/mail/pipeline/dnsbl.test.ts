import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, type LogSink } from '../../../core/log.js';
import type { CheckContext } from '../../../mail/pipeline/contracts.js';
import { dnsListQueryName, DnsListClient } from '../../../mail/pipeline/dnsbl.js';
import { blockListZones, createDnsblCheck } from '../../../mail/pipeline/dnsbl-check.js';
import type { PolicyDnsResolver } from '../../../mail/pipeline/dnsbl-resolver.js';

const dnsError = (code: string) => Object.assign(new Error(code), { code });

/** A resolver answering from a table: name -> addresses, or an error code. */
function fakeResolver(table: Record<string, string[] | string>, asked: string[] = []): PolicyDnsResolver {
  return {
    resolve4: (name) => {
      asked.push(name);
      const v = table[name];
      if (v === undefined) return Promise.reject(dnsError('ENOTFOUND'));
      if (typeof v === 'string') return v === 'HANG' ? new Promise(() => undefined) : Promise.reject(dnsError(v));
      return Promise.resolve(v);
    },
    resolve6: () => Promise.reject(dnsError('ENODATA')),
    reverse: () => Promise.reject(dnsError('ENOTFOUND')),
  };
}

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink: LogSink = { write(line: string) { for (const l of line.split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>); return true; } };
  return { lines, logger: createLogger({ sink, level: 'debug' }) };
}

const ctx = (ip: string): CheckContext => ({ connectionId: 'c1', remoteAddress: ip, remoteHostname: null, helo: null, tls: false, authenticatedUser: null, mailFrom: null, recipients: [] });

test('dnsListQueryName: reversed octets and nibbles (RFC 5782)', () => {
  const table: [string, string, string | null][] = [
    ['192.0.2.99', 'zen.example', '99.2.0.192.zen.example'],
    ['127.0.0.2', 'bl.test.', '2.0.0.127.bl.test'],
    ['::ffff:10.1.2.3', 'bl.test', '3.2.1.10.bl.test'],
    ['2001:db8:1:2:3:4:567:89ab', 'bl.test', 'b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.bl.test'],
    ['nonsense', 'bl.test', null],
  ];
  for (const [ip, zone, want] of table) assert.equal(dnsListQueryName(ip, zone), want, ip);
});

test('DnsListClient: listed, clear, errors, list-refusal codes; answers cached, errors not', async () => {
  const asked: string[] = [];
  let now = 0;
  const client = new DnsListClient({
    resolver: fakeResolver({
      '2.0.0.127.bl.test': ['127.0.0.2'],
      '3.0.0.127.bl.test': ['127.255.255.254'],
      '4.0.0.127.bl.test': 'ESERVFAIL',
      '5.0.0.127.bl.test': ['192.0.2.1'],
      '6.0.0.127.bl.test': 'HANG',
    }, asked),
    cacheMs: 1000, timeoutMs: 50, now: () => now,
  });
  assert.deepEqual(await client.lookup('127.0.0.2', 'bl.test'), { status: 'listed', answer: '127.0.0.2' });
  assert.deepEqual(await client.lookup('127.0.0.1', 'bl.test'), { status: 'clear' });
  assert.equal((await client.lookup('127.0.0.3', 'bl.test')).status, 'error', 'a 127.255.255.x answer is the list refusing, not a listing');
  assert.equal((await client.lookup('127.0.0.4', 'bl.test')).status, 'error');
  assert.deepEqual(await client.lookup('127.0.0.5', 'bl.test'), { status: 'clear' }, 'an answer outside 127/8 is no listing');
  assert.deepEqual(await client.lookup('127.0.0.6', 'bl.test'), { status: 'error', error: 'ETIMEOUT' });
  const before = asked.length;
  await client.lookup('127.0.0.2', 'bl.test');
  await client.lookup('127.0.0.1', 'bl.test');
  await client.lookup('127.0.0.4', 'bl.test');
  assert.equal(asked.length, before + 1, 'only the failed lookup is asked again');
  now = 2000;
  await client.lookup('127.0.0.2', 'bl.test');
  assert.equal(asked.length, before + 2, 'the cache entry expired');
});

test('dnsbl check: 554 5.7.1 naming the zone; log-only zones and failures accept; DNSWL skips the block-lists', async () => {
  const { lines, logger } = memoryLogger();
  const asked: string[] = [];
  const client = new DnsListClient({
    resolver: fakeResolver({
      '2.0.0.127.bl.test': ['127.0.0.2'],
      '2.0.0.127.soft.test': ['127.0.0.4'],
      '2.0.0.127.broken.test': 'ESERVFAIL',
      '9.0.0.127.wl.test': ['127.0.9.1'],
      '9.0.0.127.bl.test': ['127.0.0.2'],
    }, asked),
  });
  const check = createDnsblCheck({ client, blockLists: blockListZones(['broken.test', { zone: 'soft.test', action: 'log' }, 'bl.test']), allowLists: ['wl.test'], logger });
  const r = await check.connect!(ctx('127.0.0.2'));
  assert.ok(r.action === 'reject' && r.code === 554 && r.enhanced === '5.7.1', JSON.stringify(r));
  assert.match((r as { message: string }).message, /blocked using bl\.test/);
  assert.ok(lines.some((l) => l.msg === 'DNSBL lookup failed, client accepted' && l.zone === 'broken.test'));
  assert.ok(lines.some((l) => l.zone === 'soft.test' && l.outcome === 'listed'));
  assert.equal((await check.connect!(ctx('127.0.0.1'))).action, 'accept');
  asked.length = 0;
  assert.equal((await check.connect!(ctx('127.0.0.9'))).action, 'accept', 'allow-listed');
  assert.deepEqual(asked, ['9.0.0.127.wl.test'], 'an allow-listed client is not looked up on the block-lists');
  assert.equal(await check.isAllowListed('127.0.0.9'), true);
  assert.equal(await check.isAllowListed('127.0.0.2'), false);
  const noAllow = createDnsblCheck({ client, blockLists: [], allowLists: [], logger });
  assert.equal(await noAllow.isAllowListed('127.0.0.9'), false);
});
