// Let's Encrypt's test CA, Pebble (Debian's `pebble`), as a test fixture: its own HTTPS
// certificate made with openssl (the package ships none), ACME and management listeners on free
// loopback ports, HTTP-01 validation against `httpPort` on whatever address the given DNS
// server (dnsmasq) returns. PEBBLE_VA_NOSLEEP skips its random validation delays and
// PEBBLE_WFE_NONCEREJECT=0 its deliberate bad-nonce errors. Pebble makes a new root and
// intermediate at every start; intermediate() fetches the one that signs this run's certificates.
// See ../../../shared/PEERS.md.

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { getFreePort, sleep } from '../e2e/harness.js';

export interface PebbleFixture {
  /** https://127.0.0.1:PORT/dir */
  directoryUrl: string;
  /** PEM file of Pebble's own HTTPS certificate (self-signed): config acme.caCertFile. */
  caCertFile: string;
  /** PEM of the intermediate that signs this run's certificates. */
  intermediate(): Promise<string>;
  /** Pebble's output, for assertion messages. */
  output(): string;
  stop(): Promise<void>;
}

export function pebbleAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v pebble']).status === 0;
}

function get(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

export async function startPebble(options: { httpPort: number; dnsServer: string }): Promise<PebbleFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-pebble-'));
  let child: ChildProcess | null = null;
  let out = '';
  try {
    const certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-sha256', '-nodes', '-days', '2', '-subj', '/CN=pebble test', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
    const [acmePort, mgmtPort, tlsPort] = [await getFreePort(), await getFreePort(), await getFreePort()];
    const configFile = path.join(dir, 'pebble-config.json');
    writeFileSync(configFile, JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`, managementListenAddress: `127.0.0.1:${mgmtPort}`,
        certificate: certFile, privateKey: keyFile, httpPort: options.httpPort, tlsPort,
        ocspResponderURL: '', externalAccountBindingRequired: false,
      },
    }));
    child = spawn('pebble', ['-config', configFile, '-dnsserver', options.dnsServer], {
      cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0' },
    });
    child.stdout!.on('data', (d) => { out += d; });
    child.stderr!.on('data', (d) => { out += d; });
    const ca = readFileSync(certFile);
    const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`pebble exited: ${out}`);
      const ok = await get(directoryUrl, ca).then((r) => r.status === 200, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`pebble did not answer on ${directoryUrl}: ${out}`);
      await sleep(100);
    }
    const proc = child;
    return {
      directoryUrl,
      caCertFile: certFile,
      async intermediate() {
        const r = await get(`https://127.0.0.1:${mgmtPort}/intermediates/0`, ca);
        if (r.status !== 200) throw new Error(`pebble /intermediates/0: HTTP ${r.status}`);
        return r.body;
      },
      output: () => out,
      async stop() {
        if (proc.exitCode === null && proc.signalCode === null) {
          const exited = new Promise((resolve) => proc.once('exit', resolve));
          proc.kill('SIGTERM');
          await Promise.race([exited, sleep(5000).then(() => proc.kill('SIGKILL'))]);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
