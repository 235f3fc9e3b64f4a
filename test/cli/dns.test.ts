// `mailroom dns DOMAIN [--json] [--check]` through the real CLI: the records to publish, and
// --check against a real DNS server (dnsmasq) that serves some records right, one wrong and one
// not at all.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assertOneLineError, makeTempDir, runCli } from './run-cli.js';
import { dnsmasqAvailable, startDnsmasq } from '../mail/queue/dnsmasq-fixture.js';
import { txtRecordArg } from '../mail/queue/dnsmasq-txt.js';

type Rec = { type: string; name: string; value: string };
type Checked = Rec & { status: string; found: string[] };

describe('mailroom dns', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let data: string;
  let records: Rec[];
  const cli = (args: string[]) => runCli(data, args);

  before(async () => {
    tmp = makeTempDir();
    data = path.join(tmp.root, 'data');
    assert.equal((await cli(['init', '--hostname', 'mx.example.test'])).code, 0);
    assert.equal((await cli(['domain', 'add', 'example.test'])).code, 0);
  });
  after(() => tmp.cleanup());

  test('--json: a stable array of {type, name, value} with every record a domain needs', async () => {
    const res = await cli(['dns', 'Example.TEST', '--json']);
    assert.equal(res.code, 0, res.stderr);
    records = JSON.parse(res.stdout) as Rec[];
    for (const r of records) assert.deepEqual(Object.keys(r), ['type', 'name', 'value']);
    const by = (type: string, name: string) => records.filter((r) => r.type === type && r.name === name).map((r) => r.value);
    assert.deepEqual(by('MX', 'example.test.'), ['10 mx.example.test.']);
    assert.deepEqual(by('TXT', 'example.test.'), ['v=spf1 mx -all']);
    const dkim = records.filter((r) => r.name.endsWith('._domainkey.example.test.'));
    assert.equal(dkim.length, 2);
    assert.ok(dkim.some((r) => /^v=DKIM1; k=rsa; p=MIIB/.test(r.value)));
    assert.ok(dkim.some((r) => /^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/.test(r.value)));
    assert.deepEqual(by('TXT', '_dmarc.example.test.'), ['v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:postmaster@example.test']);
    assert.match(by('TXT', '_mta-sts.example.test.')[0]!, /^v=STSv1; id=[0-9a-f]{20}$/);
    assert.deepEqual(by('CNAME', 'mta-sts.example.test.'), ['mx.example.test.']);
    assert.deepEqual(by('TXT', '_smtp._tls.example.test.'), ['v=TLSRPTv1; rua=mailto:postmaster@example.test']);
    assert.deepEqual(by('CNAME', 'autoconfig.example.test.'), ['mx.example.test.']);
    assert.deepEqual(by('CNAME', 'autodiscover.example.test.'), ['mx.example.test.']);
    // The development listeners from `mailroom init`.
    assert.deepEqual(by('SRV', '_submission._tcp.example.test.'), ['0 1 2587 mx.example.test.']);
    assert.deepEqual(by('SRV', '_submissions._tcp.example.test.'), ['0 1 2465 mx.example.test.']);
    assert.deepEqual(by('SRV', '_imaps._tcp.example.test.'), ['0 1 2993 mx.example.test.']);
    assert.deepEqual(by('SRV', '_pop3s._tcp.example.test.'), ['0 1 2995 mx.example.test.']);
    assert.equal((await cli(['dns', 'example.test', '--json'])).stdout, res.stdout, 'stable');
  });

  test('text: zone-file lines, long TXT split into 255-byte strings, the MTA-STS policy', async () => {
    const res = await cli(['dns', 'example.test']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^example\.test\.\tIN\tMX\t10 mx\.example\.test\.$/m);
    assert.match(res.stdout, /_domainkey\.example\.test\.\tIN\tTXT\t"v=DKIM1; k=rsa; p=[^"]{237}" "[^"]+"$/m);
    assert.match(res.stdout, /https:\/\/mta-sts\.example\.test\/\.well-known\/mta-sts\.txt/);
    assert.match(res.stdout, /; {3}mx: mx\.example\.test$/m);
  });

  test('refusals: unknown domain, bad flag, missing argument', async () => {
    assertOneLineError(await cli(['dns', 'other.test']), 1, /not a mail domain/);
    assertOneLineError(await cli(['dns', 'example.test', '--bogus=1']), 2, /unknown option --bogus/);
    assertOneLineError(await cli(['dns']), 2, /missing argument/);
  });

  describe('--check against dnsmasq', { skip: !dnsmasqAvailable() && 'dnsmasq is not installed' }, () => {
    const serve = (recs: Rec[]): string[] => recs.map((r) => {
      const name = r.name.replace(/\.$/, '');
      const target = r.value.split(' ').pop()!.replace(/\.$/, '');
      switch (r.type) {
        case 'MX': return `--mx-host=${name},${target},10`;
        case 'CNAME': return `--cname=${name},${target}`;
        case 'SRV': { const [prio, weight, port] = r.value.split(' '); return `--srv-host=${name},${target},${port},${prio},${weight}`; }
        default: return txtRecordArg(name, r.value);
      }
    });
    const useServer = (server: string) => {
      const file = path.join(data, 'config.json');
      const config = JSON.parse(readFileSync(file, 'utf8'));
      config.dns = { servers: [server] };
      writeFileSync(file, JSON.stringify(config, null, 2));
    };

    test('every record present: exit 0', async () => {
      const dns = await startDnsmasq(['--host-record=mx.example.test,127.0.0.3', ...serve(records)]);
      try {
        useServer(dns.server);
        const res = await cli(['dns', 'example.test', '--check']);
        assert.equal(res.code, 0, res.stdout + res.stderr);
        assert.equal(res.stdout.split('\n').filter((l) => l.startsWith('present ')).length, records.length);
      } finally {
        await dns.stop();
      }
    });

    test('one wrong (the Ed25519 key), one missing (DMARC): each reported, exit 1', async () => {
      const ed = records.find((r) => r.value.includes('k=ed25519'))!;
      const served = records
        .filter((r) => !r.name.startsWith('_dmarc.'))
        .map((r) => (r === ed ? { ...r, value: `v=DKIM1; k=ed25519; p=${randomBytes(32).toString('base64')}` } : r));
      // Another TXT record at the apex (a site verification) must not confuse the SPF check.
      const dns = await startDnsmasq(['--host-record=mx.example.test,127.0.0.3', ...serve(served), txtRecordArg('example.test', 'google-site-verification=abc')]);
      try {
        useServer(dns.server);
        const res = await cli(['dns', 'example.test', '--check', '--json']);
        assert.equal(res.code, 1, res.stderr);
        const checked = JSON.parse(res.stdout) as Checked[];
        assert.equal(checked.length, records.length);
        const notPresent = checked.filter((c) => c.status !== 'present').map((c) => [c.status, c.name]);
        assert.deepEqual(notPresent, [['wrong', ed.name], ['missing', '_dmarc.example.test.']]);
        assert.deepEqual(checked.find((c) => c.name === ed.name)!.found, [served.find((r) => r.name === ed.name)!.value]);
        const text = await cli(['dns', 'example.test', '--check']);
        assert.equal(text.code, 1);
        assert.match(text.stdout, /^wrong {3}TXT {3}mr\d{4}a-ed\._domainkey\.example\.test\.\n {8}want: v=DKIM1; k=ed25519; p=.*\n {8}found: v=DKIM1; k=ed25519; p=/m);
        assert.match(text.stdout, /^missing TXT {3}_dmarc\.example\.test\.\n {8}want: v=DMARC1; p=quarantine/m);
        assert.match(text.stdout, /^present MX {4}example\.test\.$/m);
      } finally {
        await dns.stop();
      }
    });
  });
});
