// The MTA-STS policy fetcher against a real HTTPS server on 127.0.0.1 whose certificate names
// mta-sts.example.test: a good policy is returned; a redirect, a 404, the wrong media type, an
// oversized body, a server that never answers, a certificate for another name and an
// unresolvable host are all errors with their own code. The name is resolved through the
// injected DnsLookup (here a table: this test is about HTTPS, the resolver has its own tests).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { DnsLookup } from '../../../mail/queue/dns-lookup.js';
import { createPolicyFetcher } from '../../../mail/queue/mta-sts-fetcher.js';

const POLICY = 'version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n';

function certFor(name: string, dir: string): { key: string; cert: string } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`], { stdio: 'ignore' });
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

const dns: DnsLookup = {
  resolveMx: async () => [],
  resolve6: async () => { throw Object.assign(new Error('no AAAA'), { code: 'ENODATA' }); },
  resolve4: async (name) => {
    if (name.endsWith('.example.test')) return ['127.0.0.1'];
    throw Object.assign(new Error(`no ${name}`), { code: 'ENOTFOUND' });
  },
  resolveTxt: async () => [],
};

let dir: string;
let good: { key: string; cert: string };
let server: https.Server;
let port: number;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mailroom-mtasts-'));
  good = certFor('mta-sts.example.test', dir);
  server = https.createServer({ key: good.key, cert: good.cert }, (req, res) => {
    const host = (req.headers.host ?? '').split(':')[0];
    if (req.url !== '/.well-known/mta-sts.txt') { res.writeHead(404); res.end(); return; }
    if (host === 'mta-sts.example.test') { res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }); res.end(POLICY); return; }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a policy served over HTTPS with a valid certificate is returned', async () => {
  const fetch = createPolicyFetcher({ dns, ca: good.cert, port });
  assert.equal(await fetch('https://mta-sts.example.test/.well-known/mta-sts.txt'), POLICY);
});

test('a certificate the trust store does not vouch for is refused', async () => {
  const fetch = createPolicyFetcher({ dns, port });
  await assert.rejects(fetch('https://mta-sts.example.test/.well-known/mta-sts.txt'), { code: 'mta_sts_fetch_failed' });
});

test('redirects, 404, wrong media type, oversized bodies, slow servers and unknown hosts are errors', async (t) => {
  const behaviour = { mode: 'redirect' as 'redirect' | 'html' | 'huge' | 'hang' };
  const other = https.createServer({ key: good.key, cert: good.cert }, (_req, res) => {
    if (behaviour.mode === 'redirect') res.writeHead(301, { location: 'https://elsewhere.example.test/' }).end();
    else if (behaviour.mode === 'html') res.writeHead(200, { 'content-type': 'text/html' }).end(POLICY);
    else if (behaviour.mode === 'huge') res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(70 * 1024));
    // 'hang': never answers
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  t.after(() => { other.closeAllConnections(); other.close(); });
  const fetch = createPolicyFetcher({ dns, ca: good.cert, port: (other.address() as AddressInfo).port, timeoutMs: 500 });
  const url = 'https://mta-sts.example.test/.well-known/mta-sts.txt';
  for (const [mode, code] of [['redirect', 'mta_sts_fetch_status'], ['html', 'mta_sts_fetch_type'], ['huge', 'mta_sts_fetch_size'], ['hang', 'mta_sts_fetch_timeout']] as const) {
    behaviour.mode = mode;
    await assert.rejects(fetch(url), { code }, mode);
  }
  const byName = createPolicyFetcher({ dns, ca: good.cert, port });
  await assert.rejects(byName('https://mta-sts.unknown.invalid/.well-known/mta-sts.txt'), { code: 'mta_sts_fetch_failed' });
  await assert.rejects(byName('http://mta-sts.example.test/.well-known/mta-sts.txt'), { code: 'mta_sts_fetch_url' });
  await assert.rejects(byName('https://127.0.0.1/.well-known/mta-sts.txt'), { code: 'mta_sts_fetch_url' });
});

test('a certificate for another name is refused even when its issuer is trusted', async (t) => {
  const wrong = certFor('www.example.test', dir);
  const srv = https.createServer({ key: wrong.key, cert: wrong.cert }, (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(POLICY));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  const fetch = createPolicyFetcher({ dns, ca: wrong.cert, port: (srv.address() as AddressInfo).port });
  await assert.rejects(fetch('https://mta-sts.example.test/.well-known/mta-sts.txt'), { code: 'mta_sts_fetch_failed' });
});
