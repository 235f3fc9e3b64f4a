// TLS certificates from a real ACME CA, end to end: Pebble (Let's Encrypt's test CA) validates
// HTTP-01 by resolving the names through a dnsmasq the test runs and fetching the challenge from
// the agent's listen.http; `mailroom tls issue` installs the certificate; the running mail
// daemon and agent serve it to new connections (IMAPS, SMTP STARTTLS, the panel's HTTPS) while
// connections opened before keep working, and nothing restarts. Also: an unreachable directory
// is one clear line from the CLI; a failure in the agent answers 502 and raises the "acme"
// alert; `mailroom tls status --json`.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import type { AlertsResponse, TlsCertificateStatus } from '../../ui/shared/api-types.js';
import { ApiClient } from '../ui/agent-fixture.js';
import { pebbleAvailable, startPebble, type PebbleFixture } from '../helpers/pebble-fixture.js';
import { dnsmasqAvailable, startDnsmasq, type DnsmasqFixture } from '../mail/queue/dnsmasq-fixture.js';
import { AgentProcess } from './agent-process.js';
import { getFreePort, MailroomInstance, TEST_PASSWORD, waitFor } from './harness.js';

const HOST = 'mail.example.test';
const available = pebbleAvailable() && dnsmasqAvailable();

/** A line reader over a socket (plain or TLS) for SMTP and IMAP. */
class Lines {
  private buf = '';
  private waiters: (() => void)[] = [];
  constructor(readonly socket: net.Socket | tls.TLSSocket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => { this.buf += d; for (const w of this.waiters.splice(0)) w(); });
    socket.on('error', () => undefined);
  }
  detach(): void { this.socket.removeAllListeners('data'); }
  /** Reads until a line matches `done`; returns everything read up to it. */
  async until(done: RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.buf.split('\r\n');
      const idx = lines.findIndex((l, i) => i < lines.length - 1 && done.test(l));
      if (idx >= 0) {
        const taken = lines.slice(0, idx + 1).join('\r\n');
        this.buf = lines.slice(idx + 1).join('\r\n');
        return taken;
      }
      if (Date.now() > deadline) throw new Error(`timeout waiting for ${done}; got: ${this.buf.slice(-300)}`);
      await new Promise<void>((resolve) => { const t = setTimeout(resolve, 200); this.waiters.push(() => { clearTimeout(t); resolve(); }); });
    }
  }
  send(line: string): void { this.socket.write(line + '\r\n'); }
}

function tlsConnect(options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ rejectUnauthorized: false, ...options }, () => resolve(s));
    s.once('error', reject);
  });
}

async function imaps(port: number): Promise<{ lines: Lines; cert: X509Certificate }> {
  const s = await tlsConnect({ host: '127.0.0.1', port, servername: HOST });
  const lines = new Lines(s);
  await lines.until(/^\* OK/);
  return { lines, cert: s.getPeerX509Certificate()! };
}

async function smtpStartTls(port: number): Promise<{ lines: Lines; cert: X509Certificate }> {
  const raw = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => { raw.once('connect', resolve); raw.once('error', reject); });
  const plain = new Lines(raw);
  await plain.until(/^220 /, 20_000);
  plain.send('EHLO client.example.test');
  await plain.until(/^250 /);
  plain.send('STARTTLS');
  await plain.until(/^220 /);
  plain.detach();
  const s = await tlsConnect({ socket: raw, servername: HOST });
  const lines = new Lines(s);
  lines.send('EHLO client.example.test');
  await lines.until(/^250 /);
  return { lines, cert: s.getPeerX509Certificate()! };
}

async function httpsCert(port: number): Promise<X509Certificate> {
  const s = await tlsConnect({ host: '127.0.0.1', port, servername: HOST });
  const cert = s.getPeerX509Certificate()!;
  s.destroy();
  return cert;
}

describe('ACME certificates with Pebble, hot-reloaded into the running daemons', { skip: available ? false : 'pebble or dnsmasq not installed' }, () => {
  let dns: DnsmasqFixture | null = null;
  let pebble: PebbleFixture | null = null;
  let inst: MailroomInstance | null = null;
  let agent: AgentProcess | null = null;
  let adminPort = 0;
  const open: Lines[] = [];

  before(async () => {
    dns = await startDnsmasq([`--address=/${HOST}/127.0.0.1`, '--address=/example.test/127.0.0.1']);
    const httpPort = await getFreePort();
    adminPort = await getFreePort();
    pebble = await startPebble({ httpPort, dnsServer: dns.server });
    const directoryUrl = pebble.directoryUrl;
    const caCertFile = pebble.caCertFile;
    inst = await MailroomInstance.start({
      hostname: HOST, domains: ['example.test'], users: ['alice@example.test'], imap: true, startTimeoutMs: 60_000,
      editConfig: (cfg) => {
        (cfg.listen as Record<string, unknown>).admin = `127.0.0.1:${adminPort}`;
        (cfg.listen as Record<string, unknown>).http = `127.0.0.1:${httpPort}`;
        cfg.acme = { directoryUrl, caCertFile, email: 'postmaster@example.test' };
        cfg.agent = { alertInterval: 1 };
      },
    });
    agent = new AgentProcess(inst.dataDir);
    await agent.started();
  });
  after(async () => {
    for (const l of open) l.socket.destroy();
    await agent?.stop();
    await inst?.cleanup();
    await pebble?.stop();
    await dns?.stop();
  });

  test('a bad directory URL is one clear line and exit 1; nothing is changed', async () => {
    const file = path.join(inst!.dataDir, 'config.json');
    const original = readFileSync(file, 'utf8');
    const dead = await getFreePort();
    const cfg = JSON.parse(original) as { acme: Record<string, unknown> };
    cfg.acme.directoryUrl = `https://127.0.0.1:${dead}/dir`;
    writeFileSync(file, JSON.stringify(cfg));
    const before = readFileSync(inst!.certFile);
    try {
      const res = await inst!.cli(['tls', 'issue'], { allowFail: true, timeoutMs: 60_000 });
      assert.equal(res.code, 1);
      assert.match(res.stderr, new RegExp(`^mailroom: cannot read the ACME directory https://127\\.0\\.0\\.1:${dead}/dir: no answer from the ACME server \\(ECONNREFUSED, after retries\\)\\n$`));
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    } finally {
      writeFileSync(file, original);
    }
    assert.deepEqual(readFileSync(inst!.certFile), before);
  });

  test('a failure in the agent answers 502 and raises the acme alert', async () => {
    const api = new ApiClient(adminPort, readFileSync(inst!.certFile));
    const token = await waitFor(() => agent!.lines.find((l) => typeof l.setupToken === 'string'), 10_000, 'the setup token');
    const setup = await api.request('POST', '/api/v1/setup', { json: { token: token.setupToken, username: 'root', password: TEST_PASSWORD } });
    assert.equal(setup.status, 201, setup.text);
    const status = await api.request('GET', '/api/v1/tls');
    assert.equal(status.status, 200, status.text);
    assert.equal((status.json as { certificate: TlsCertificateStatus }).certificate.selfSigned, true);

    const ca = pebble!.caCertFile;
    renameSync(ca, `${ca}.away`);
    try {
      const res = await api.request('POST', '/api/v1/tls/issue');
      assert.equal(res.status, 502, res.text);
      assert.equal((res.json as { error: { code: string } }).error.code, 'acme_ca_unreadable');
    } finally {
      renameSync(`${ca}.away`, ca);
    }
    const alert = await waitFor(async () => ((await api.request('GET', '/api/v1/alerts')).json as AlertsResponse).active.find((a) => a.id === 'acme:issuance'), 10_000, 'the acme alert');
    assert.equal(alert.kind, 'acme');
    assert.match(alert.message, /could not be renewed: cannot read acme\.caCertFile/);
  });

  test('tls issue: new IMAPS, SMTP STARTTLS and HTTPS handshakes get the Pebble certificate; old connections go on; no restart', async () => {
    const mailPid = inst!.pid;
    const agentPid = agent!.child.pid;
    const initCert = new X509Certificate(readFileSync(inst!.certFile));
    const oldImap = await imaps(inst!.imapsPort);
    const oldSmtp = await smtpStartTls(inst!.port);
    open.push(oldImap.lines, oldSmtp.lines);
    assert.equal(oldImap.cert.fingerprint256, initCert.fingerprint256);
    assert.equal(oldSmtp.cert.fingerprint256, initCert.fingerprint256);

    // The agent holds listen.http, so it answers the challenges the CLI publishes.
    const res = await inst!.cli(['tls', 'issue', '--json'], { timeoutMs: 180_000 });
    const issued = JSON.parse(res.stdout.toString('utf8')) as TlsCertificateStatus & { mailReloaded: boolean };
    assert.equal(issued.mailReloaded, true);
    assert.deepEqual([...issued.names].sort(), ['autoconfig.example.test', 'autodiscover.example.test', HOST, 'mta-sts.example.test'].sort());

    const intermediate = new X509Certificate(await pebble!.intermediate());
    const fromPebble = (c: X509Certificate) => c.checkIssued(intermediate) && c.verify(intermediate.publicKey) && c.subject.includes(`CN=${HOST}`);
    const newImap = await imaps(inst!.imapsPort);
    open.push(newImap.lines);
    assert.ok(fromPebble(newImap.cert), `IMAPS serves ${newImap.cert.subject} from ${newImap.cert.issuer}`);
    assert.equal(newImap.cert.fingerprint256, issued.fingerprint256);
    const newSmtp = await smtpStartTls(inst!.port);
    open.push(newSmtp.lines);
    assert.ok(fromPebble(newSmtp.cert), `SMTP STARTTLS serves ${newSmtp.cert.subject} from ${newSmtp.cert.issuer}`);
    // The agent notices the new file by itself.
    await waitFor(async () => fromPebble(await httpsCert(adminPort)), 20_000, 'the panel\'s HTTPS to serve the new certificate');

    // Connections opened before the renewal still work.
    oldImap.lines.send('a1 NOOP');
    assert.match(await oldImap.lines.until(/^a1 /), /a1 OK/);
    oldSmtp.lines.send('NOOP');
    assert.match(await oldSmtp.lines.until(/^\d{3} /), /^250 /m);
    assert.equal(inst!.pid, mailPid);
    assert.ok(inst!.alive);
    assert.equal(agent!.child.pid, agentPid);
    assert.ok(agent!.alive);

    const status = JSON.parse((await inst!.cli(['tls', 'status', '--json'])).stdout.toString('utf8')) as TlsCertificateStatus;
    assert.equal(status.selfSigned, false);
    assert.equal(status.subject, HOST);
    assert.equal(status.fingerprint256, issued.fingerprint256);
    assert.ok(status.daysLeft > 30, String(status.daysLeft));
    assert.ok(status.names.includes('autodiscover.example.test'));
  });
});
