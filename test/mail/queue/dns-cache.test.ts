// The queue's DNS cache: TTLs (clipped, 0 not cached, unknown ones assumed short), negative
// answers cached, resolver failures never, shared in-flight queries, the LRU bound; then through
// createDnsLookup against a real dnsmasq, which is stopped to show the answers come from the cache.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DnsCache, type TtlAnswer } from '../../../mail/queue/dns-cache.js';
import { createDnsLookup } from '../../../mail/queue/dns-lookup.js';
import { dnsmasqAvailable, startDnsmasq } from './dnsmasq-fixture.js';

const errno = (code: string) => Object.assign(new Error(`query failed: ${code}`), { code });

function counter<T>(answer: () => TtlAnswer<T> | Error) {
  const calls = { n: 0 };
  const fetch = async (): Promise<TtlAnswer<T>> => {
    calls.n++;
    const a = answer();
    if (a instanceof Error) throw a;
    return a;
  };
  return { calls, fetch };
}

describe('DnsCache', () => {
  it('keeps an answer for its TTL and asks again after', async () => {
    let clock = 1_000_000;
    const cache = new DnsCache({ now: () => clock });
    const { calls, fetch } = counter(() => ({ value: ['192.0.2.1'], ttlSeconds: 30 }));
    assert.deepEqual(await cache.get('A x.test', fetch), ['192.0.2.1']);
    clock += 29_999;
    assert.deepEqual(await cache.get('A x.test', fetch), ['192.0.2.1']);
    assert.equal(calls.n, 1);
    clock += 1;
    await cache.get('A x.test', fetch);
    assert.equal(calls.n, 2);
    assert.equal(cache.stats.hits, 1);
  });

  it('does not cache a TTL of 0, clips long TTLs, and assumes unknownTtlSeconds when none is given', async () => {
    let clock = 0;
    const cache = new DnsCache({ now: () => clock, maxTtlSeconds: 100, unknownTtlSeconds: 10 });
    const zero = counter(() => ({ value: 1, ttlSeconds: 0 }));
    await cache.get('zero', zero.fetch);
    await cache.get('zero', zero.fetch);
    assert.equal(zero.calls.n, 2);

    const long = counter(() => ({ value: 2, ttlSeconds: 86_400 }));
    await cache.get('long', long.fetch);
    clock = 99_000;
    await cache.get('long', long.fetch);
    assert.equal(long.calls.n, 1);
    clock = 100_000;
    await cache.get('long', long.fetch);
    assert.equal(long.calls.n, 2, 'clipped to maxTtlSeconds');

    clock = 0;
    const unknown = counter(() => ({ value: 3, ttlSeconds: null }));
    await cache.get('mx', unknown.fetch);
    clock = 9_999;
    await cache.get('mx', unknown.fetch);
    clock = 10_000;
    await cache.get('mx', unknown.fetch);
    assert.equal(unknown.calls.n, 2);
  });

  it('caches NXDOMAIN and NODATA for negativeTtlSeconds and throws them again', async () => {
    let clock = 0;
    const cache = new DnsCache({ now: () => clock, negativeTtlSeconds: 60 });
    for (const code of ['ENOTFOUND', 'ENODATA']) {
      const { calls, fetch } = counter<string[]>(() => errno(code));
      await assert.rejects(cache.get(`TXT ${code}`, fetch), { code });
      clock += 59_000;
      await assert.rejects(cache.get(`TXT ${code}`, fetch), { code });
      assert.equal(calls.n, 1);
      clock += 1000;
      await assert.rejects(cache.get(`TXT ${code}`, fetch), { code });
      assert.equal(calls.n, 2);
    }
    assert.equal(cache.stats.negativeHits, 2);
  });

  it('never caches a resolver failure (timeout, SERVFAIL, refused)', async () => {
    const cache = new DnsCache();
    for (const code of ['ETIMEOUT', 'ESERVFAIL', 'ECONNREFUSED']) {
      const { calls, fetch } = counter<string[]>(() => errno(code));
      await assert.rejects(cache.get(code, fetch), { code });
      await assert.rejects(cache.get(code, fetch), { code });
      assert.equal(calls.n, 2, code);
    }
    assert.equal(cache.size, 0);
  });

  it('shares one query among concurrent askers', async () => {
    const cache = new DnsCache();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let calls = 0;
    const fetch = async () => { calls++; await gate; return { value: 'a', ttlSeconds: 60 }; };
    const all = Promise.all([cache.get('k', fetch), cache.get('k', fetch), cache.get('k', fetch)]);
    release();
    assert.deepEqual(await all, ['a', 'a', 'a']);
    assert.equal(calls, 1);
  });

  it('holds at most maxEntries, dropping the least recently used', async () => {
    const cache = new DnsCache({ maxEntries: 3 });
    const calls: string[] = [];
    const get = (k: string) => cache.get(k, async () => { calls.push(k); return { value: k, ttlSeconds: 600 }; });
    for (const k of ['a', 'b', 'c']) await get(k);
    await get('a'); // a is now the most recently used
    await get('d'); // evicts b
    assert.equal(cache.size, 3);
    calls.length = 0;
    for (const k of ['a', 'c', 'd', 'b']) await get(k);
    assert.deepEqual(calls, ['b']);
    assert.ok(cache.stats.evictions >= 1);
  });
});

describe('createDnsLookup with its cache, against dnsmasq', { skip: dnsmasqAvailable() ? false : 'dnsmasq not installed' }, () => {
  it('answers MX, A and negative lookups from the cache once the server is gone', async () => {
    const dnsmasq = await startDnsmasq(['--local-ttl=600', '--mx-host=cached.test,mx.cached.test,10', '--host-record=mx.cached.test,127.0.0.31']);
    const cache = new DnsCache();
    const dns = createDnsLookup({ servers: [dnsmasq.server], timeoutMs: 500, tries: 1, cache });
    try {
      assert.deepEqual(await dns.resolveMx('cached.test'), [{ exchange: 'mx.cached.test', priority: 10 }]);
      assert.deepEqual(await dns.resolve4('MX.cached.test.'), ['127.0.0.31']);
      await assert.rejects(dns.resolveTxt('_mta-sts.cached.test'), { code: 'ENOTFOUND' });
      await assert.rejects(dns.resolve6('mx.cached.test'), { code: 'ENODATA' });
    } finally {
      await dnsmasq.stop();
    }
    // The server is gone: only the cache can answer.
    assert.deepEqual(await dns.resolveMx('CACHED.test'), [{ exchange: 'mx.cached.test', priority: 10 }]);
    const a = await dns.resolve4('mx.cached.test');
    assert.deepEqual(a, ['127.0.0.31']);
    a.push('mutated by a caller');
    assert.deepEqual(await dns.resolve4('mx.cached.test'), ['127.0.0.31'], 'callers get their own copy');
    await assert.rejects(dns.resolveTxt('_mta-sts.cached.test'), { code: 'ENOTFOUND' });
    await assert.rejects(dns.resolve6('mx.cached.test'), { code: 'ENODATA' });
    // A name never asked is not in the cache: the dead server's failure is not an answer.
    await assert.rejects(dns.resolve4('other.cached.test'), (err: NodeJS.ErrnoException) => err.code !== 'ENOTFOUND' && err.code !== 'ENODATA');
  });

  it('with cache: false, asks the server every time', async () => {
    const dnsmasq = await startDnsmasq(['--local-ttl=600', '--host-record=plain.test,127.0.0.32']);
    const dns = createDnsLookup({ servers: [dnsmasq.server], timeoutMs: 500, tries: 1, cache: false });
    assert.deepEqual(await dns.resolve4('plain.test'), ['127.0.0.32']);
    await dnsmasq.stop();
    await assert.rejects(dns.resolve4('plain.test'));
  });
});
