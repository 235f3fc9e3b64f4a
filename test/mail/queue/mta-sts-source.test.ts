import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DnsLookup } from '../../../mail/queue/dns-lookup.js';
import { createMtaStsSource } from '../../../mail/queue/mta-sts-source.js';

function fakeDns(txt: Record<string, string[][] | Error>): DnsLookup {
  const no = () => Promise.reject(Object.assign(new Error('no'), { code: 'ENODATA' }));
  return {
    resolveMx: no, resolve4: no, resolve6: no,
    resolveTxt: async (name) => { const v = txt[name]; if (!v) throw Object.assign(new Error('nx'), { code: 'ENOTFOUND' }); if (v instanceof Error) throw v; return v; },
  };
}

const POLICY = 'version: STSv1\nmode: enforce\nmx: mx.far.test\nmax_age: 3600\n';

describe('createMtaStsSource (fake DNS and fetcher)', () => {
  it('fetches the policy from the well-known URL and caches it by id', async () => {
    const txt: Record<string, string[][] | Error> = { '_mta-sts.far.test': [['v=STSv1; ', 'id=one;']] };
    const urls: string[] = [];
    let clock = 0;
    const source = createMtaStsSource({ dns: fakeDns(txt), now: () => clock, fetchPolicy: async (url) => { urls.push(url); return POLICY; } });
    assert.deepEqual(await source('far.test'), { mode: 'enforce', mx: ['mx.far.test'], maxAgeSeconds: 3600 });
    await source('far.test');
    assert.deepEqual(urls, ['https://mta-sts.far.test/.well-known/mta-sts.txt'], 'cached while the id is unchanged');
    txt['_mta-sts.far.test'] = [['v=STSv1; id=two']];
    await source('far.test');
    assert.equal(urls.length, 2, 'a new id refetches');
    clock = 3_600_001;
    txt['_mta-sts.far.test'] = Object.assign(new Error('timeout'), { code: 'ETIMEOUT' });
    assert.equal(await source('far.test'), null, 'expired and DNS failing: no policy');
  });

  it('no record, two records or a failed fetch: no policy (delivery goes on opportunistically)', async () => {
    const dns = fakeDns({ '_mta-sts.two.test': [['v=STSv1; id=a'], ['v=STSv1; id=b']], '_mta-sts.broken.test': [['v=STSv1; id=a']] });
    const source = createMtaStsSource({ dns, fetchPolicy: async () => { throw new Error('certificate invalid'); } });
    assert.equal(await source('none.test'), null);
    assert.equal(await source('two.test'), null);
    assert.equal(await source('broken.test'), null);
  });

  it('keeps using a cached policy when a refetch fails', async () => {
    const txt: Record<string, string[][] | Error> = { '_mta-sts.far.test': [['v=STSv1; id=one']] };
    let fail = false;
    const source = createMtaStsSource({ dns: fakeDns(txt), now: () => 0, fetchPolicy: async () => { if (fail) throw new Error('down'); return POLICY; } });
    await source('far.test');
    fail = true;
    txt['_mta-sts.far.test'] = [['v=STSv1; id=two']];
    assert.equal((await source('far.test'))?.mode, 'enforce');
  });
});
