// The ACME flow against a real Pebble with real HTTP-01: dnsmasq resolves the names to
// 127.0.0.1, the challenge responder answers on the port Pebble validates, the certificate is
// installed at the tls files; and the failures: an unreachable directory (a clear error, an
// "acme" alert raised, resolved by the next success), the names of a certificate.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AlertEngine } from '../../../agent/alerts/alert-engine.js';
import { reportAcmeAttempt } from '../../../agent/acme/acme-alert.js';
import { AcmeService, type AcmeSettings } from '../../../agent/acme/acme-service.js';
import { startChallengeResponder, type ChallengeResponder } from '../../../agent/acme/challenge-responder.js';
import { challengeDir, FileChallengeStore } from '../../../agent/acme/challenge-store.js';
import { getFreePort } from '../../e2e/harness.js';
import { pebbleAvailable, startPebble, type PebbleFixture } from '../../helpers/pebble-fixture.js';
import { dnsmasqAvailable, startDnsmasq, type DnsmasqFixture } from '../../mail/queue/dnsmasq-fixture.js';

const available = pebbleAvailable() && dnsmasqAvailable();

function selfSigned(dir: string, host: string): { cert: string; key: string } {
  mkdirSync(path.join(dir, 'tls'), { recursive: true });
  const cert = path.join(dir, 'tls', 'cert.pem');
  const key = path.join(dir, 'tls', 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

describe('ACME with Pebble', { skip: available ? false : 'pebble or dnsmasq not installed' }, () => {
  let dns: DnsmasqFixture;
  let pebble: PebbleFixture;
  let responder: ChallengeResponder;
  let dir: string;
  let httpPort: number;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-acme-'));
    dns = await startDnsmasq(['--address=/mail.example.test/127.0.0.1', '--address=/example.test/127.0.0.1']);
    httpPort = await getFreePort();
    responder = await startChallengeResponder(new FileChallengeStore(challengeDir(dir)), '127.0.0.1', httpPort);
    pebble = await startPebble({ httpPort, dnsServer: dns.server });
  });
  after(async () => {
    await responder?.close();
    await pebble?.stop();
    await dns?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const settings = (over: Partial<AcmeSettings> = {}): AcmeSettings => ({
    enabled: true, directoryUrl: pebble.directoryUrl, email: 'admin@example.test', caCertFile: pebble.caCertFile, names: [], ...over,
  });

  test('issues for the host name and the autoconfig names over HTTP-01, installs the pair, and a failure before it raises an alert that the success resolves', async () => {
    const files = selfSigned(dir, 'mail.example.test');
    const engine = new AlertEngine();
    let installed = 0;
    const make = (acme: AcmeSettings) => {
      const service: AcmeService = new AcmeService({
        dataDir: dir, hostname: 'mail.example.test', acme, tlsFiles: files,
        domains: async () => ['example.test'],
        challenges: new FileChallengeStore(challengeDir(dir)),
        onInstalled: async () => { installed++; },
        onAttempt: (a) => reportAcmeAttempt(engine, a, 20),
        poll: { attempts: 20, minMs: 200, maxMs: 2000 },
      });
      return service;
    };

    // A directory where nothing listens: a clear error naming it, and the alert.
    const deadPort = await getFreePort();
    const bad = make(settings({ directoryUrl: `https://127.0.0.1:${deadPort}/dir` }));
    await assert.rejects(bad.issue('schedule'), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'acme_directory_unreachable');
      assert.match(err.message, new RegExp(`cannot read the ACME directory https://127\\.0\\.0\\.1:${deadPort}/dir: .*ECONNREFUSED`));
      return true;
    });
    assert.deepEqual(engine.list().map((a) => [a.id, a.kind, a.severity]), [['acme:issuance', 'acme', 'warning']]);
    assert.equal(installed, 0);

    const service = make(settings());
    assert.deepEqual(await service.wantedNames(), ['mail.example.test', 'autoconfig.example.test', 'autodiscover.example.test', 'mta-sts.example.test']);
    assert.equal((await service.status()).acme.renewalDue, true, 'a self-signed certificate is due');
    const status = await service.issue('api');
    assert.equal(installed, 1);
    assert.deepEqual([...status.names].sort(), ['autoconfig.example.test', 'autodiscover.example.test', 'mail.example.test', 'mta-sts.example.test']);
    assert.equal(status.subject, 'mail.example.test');
    assert.equal(status.selfSigned, false);

    const chain = readFileSync(files.cert, 'utf8');
    const leaf = new X509Certificate(chain);
    const intermediate = new X509Certificate(await pebble.intermediate());
    assert.ok(leaf.checkIssued(intermediate) && leaf.verify(intermediate.publicKey), 'signed by this Pebble\'s intermediate');
    assert.ok(leaf.checkPrivateKey((await import('node:crypto')).createPrivateKey(readFileSync(files.key))), 'the key belongs to the certificate');
    assert.equal(statSync(files.key).mode & 0o777, 0o600);
    assert.deepEqual(engine.list(), [], 'the success resolved the alert');
    assert.equal((await service.status()).acme.renewalDue, false);
    assert.equal(await service.renewIfDue(), null, 'nothing to do while the certificate is current');
  });
});
