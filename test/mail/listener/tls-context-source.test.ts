// The mail daemon's reloadable certificate: a new pair reaches the listeners; a pair that does
// not belong together (a renewal caught halfway) is refused and the old one stays in use. Real
// TLS handshakes against a tls.Server whose context comes from the source.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { TlsContextSource, TlsReloadError } from '../../../mail/listener/tls-context-source.js';

function makePair(dir: string, name: string): { key: Buffer; cert: Buffer } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

async function servedSubject(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const cn = s.getPeerX509Certificate()!.subject;
      s.destroy();
      resolve(cn);
    });
    s.once('error', reject);
  });
}

test('reload hands new handshakes the new certificate and keeps the old one when the new pair is unusable', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-tls-source-'));
  const server = tls.createServer({ minVersion: 'TLSv1.2' }, (s) => s.end());
  try {
    const a = makePair(dir, 'a.test');
    const b = makePair(dir, 'b.test');
    let current: { key: Buffer; cert: Buffer } = a;
    const source = new TlsContextSource({ read: () => current });
    const loaded = source.load();
    assert.ok('context' in loaded);
    server.setSecureContext({ key: a.key, cert: a.cert });
    let changes = 0;
    source.onChange((credentials) => { changes++; server.setSecureContext({ key: credentials.key, cert: credentials.cert }); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    assert.equal(await servedSubject(port), 'CN=a.test');
    assert.equal(source.current!.info.subject, 'a.test');

    current = { key: a.key, cert: b.cert }; // caught between the two renames
    assert.throws(() => source.reload(), (err: unknown) => err instanceof TlsReloadError && err.code === 'tls_invalid');
    assert.equal(changes, 0);
    assert.equal(source.current!.info.subject, 'a.test');
    assert.equal(await servedSubject(port), 'CN=a.test');

    current = b;
    const info = source.reload();
    assert.deepEqual([info.subject, info.names], ['b.test', ['b.test']]);
    assert.equal(changes, 1);
    assert.equal(await servedSubject(port), 'CN=b.test');

    const missing = new TlsContextSource({ read: () => { throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' }); } });
    const r = missing.load();
    assert.ok('error' in r && r.error.code === 'tls_unreadable');
    assert.equal(missing.current, null);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
