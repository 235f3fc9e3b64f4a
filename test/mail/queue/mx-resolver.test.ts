// Against a real DNS server: dnsmasq on a loopback port (skipped when it is not installed).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDnsLookup, type DnsLookup } from '../../../mail/queue/dns-lookup.js';
import { MxResolutionError, resolveMxRoute } from '../../../mail/queue/mx-resolver.js';
import { dnsmasqAvailable, startDnsmasq, type DnsmasqFixture } from './dnsmasq-fixture.js';

describe('resolveMxRoute (dnsmasq)', { skip: dnsmasqAvailable() ? false : 'dnsmasq not installed (apt-get install dnsmasq)' }, () => {
  let dnsmasq: DnsmasqFixture;
  let dns: DnsLookup;
  before(async () => {
    dnsmasq = await startDnsmasq([
      '--mx-host=multi.test,mx2.multi.test,20', '--mx-host=multi.test,mx1.multi.test,10', '--mx-host=multi.test,mx1b.multi.test,10',
      '--host-record=mx1.multi.test,127.0.0.11', '--host-record=mx1b.multi.test,127.0.0.12', '--host-record=mx2.multi.test,127.0.0.13,::1',
      '--host-record=implicit.test,127.0.0.14,fd00::14',
      '--mx-host=nullmx.test,.,0', '--host-record=nullmx.test,127.0.0.15',
      '--mx-host=dangling.test,nowhere.dangling.test,10',
      '--txt-record=noaddr.test,"nothing here"',
      // A zone whose upstream is a closed port: dnsmasq answers SERVFAIL or times out.
      '--server=/broken.example/127.0.0.1#9',
    ]);
    dns = createDnsLookup({ servers: [dnsmasq.server], timeoutMs: 500, tries: 1 });
  });
  after(() => dnsmasq?.stop());

  it('orders MX hosts by preference and has A and AAAA for each', async () => {
    const route = await resolveMxRoute('multi.test', { dns, random: () => 0.5 });
    assert.equal(route.implicit, false);
    assert.deepEqual(route.hosts.map((h) => h.preference), [10, 10, 20]);
    assert.deepEqual(new Set(route.hosts.slice(0, 2).map((h) => h.name)), new Set(['mx1.multi.test', 'mx1b.multi.test']));
    assert.deepEqual(route.hosts[2], { name: 'mx2.multi.test', preference: 20, addresses: ['::1', '127.0.0.13'] });
  });

  it('shuffles equal preferences', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) seen.add((await resolveMxRoute('multi.test', { dns })).hosts[0]!.name);
    assert.deepEqual(seen, new Set(['mx1.multi.test', 'mx1b.multi.test']));
  });

  it('uses the domain itself when it has no MX (implicit MX)', async () => {
    const route = await resolveMxRoute('implicit.test', { dns });
    assert.equal(route.implicit, true);
    assert.deepEqual(route.hosts, [{ name: 'implicit.test', preference: 0, addresses: ['fd00::14', '127.0.0.14'] }]);
  });

  const failures: [string, string, boolean, string][] = [
    ['nullmx.test', 'mx_null', true, '5.1.10'],
    ['missing.test', 'mx_domain_not_found', true, '5.1.2'],
    ['noaddr.test', 'mx_domain_no_address', true, '5.1.2'],
    ['dangling.test', 'mx_hosts_not_found', true, '5.4.4'],
    ['broken.example', 'mx_lookup_failed', false, '4.4.3'],
  ];
  for (const [domain, code, permanent, status] of failures) {
    it(`${domain}: ${code} (${permanent ? 'permanent' : 'temporary'})`, async () => {
      await assert.rejects(resolveMxRoute(domain, { dns }), (err: unknown) => {
        assert.ok(err instanceof MxResolutionError);
        assert.deepEqual([err.code, err.permanent, err.status], [code, permanent, status]);
        return true;
      });
    });
  }
});
