// DNSBL and DNSWL at connect, end to end: the real daemon asks a real DNS server on loopback
// (a small node:dgram server this test starts, configured as dns.servers). 127.0.0.2 is on the
// block-list bl.test and is refused with 554 5.7.1 naming the zone; a zone whose server fails
// (SERVFAIL) is skipped with a warning; 127.0.0.3 is on both the block-list and the allow-list
// wl.test, so it is let in and, with greylisting on, not greylisted either.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { MailroomInstance, SmtpClient, buildMessage, rawDeliver, uniqueToken, waitFor } from './harness.js';

const ALICE = 'alice@e2e.test';

/** name -> A records, or 'SERVFAIL'; anything else is NXDOMAIN. */
type Zone = Record<string, string[] | 'SERVFAIL'>;

/** A minimal authoritative DNS server over UDP: A questions from a table. */
async function startDnsServer(zone: Zone): Promise<{ port: number; queries: string[]; close(): Promise<void> }> {
  const queries: string[] = [];
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    if (msg.length < 12) return;
    const labels: string[] = [];
    let i = 12;
    while (i < msg.length && msg[i] !== 0) { const len = msg[i]!; labels.push(msg.subarray(i + 1, i + 1 + len).toString('latin1')); i += len + 1; }
    const qEnd = i + 5; // zero byte, QTYPE, QCLASS
    const qtype = msg.readUInt16BE(i + 1);
    const name = labels.join('.').toLowerCase();
    queries.push(name);
    const entry = zone[name];
    const answers = qtype === 1 && Array.isArray(entry) ? entry : [];
    const rcode = entry === 'SERVFAIL' ? 2 : entry === undefined ? 3 : 0;
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8400 | (msg.readUInt16BE(2) & 0x0100) | 0x0080 | rcode, 2); // QR AA (RD) RA
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const rrs = answers.map((a) => {
      const rr = Buffer.alloc(16);
      rr.writeUInt16BE(0xc00c, 0); rr.writeUInt16BE(1, 2); rr.writeUInt16BE(1, 4); rr.writeUInt32BE(60, 6); rr.writeUInt16BE(4, 10);
      a.split('.').forEach((o, k) => rr.writeUInt8(Number(o), 12 + k));
      return rr;
    });
    sock.send(Buffer.concat([header, msg.subarray(12, qEnd), ...rrs]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  return { port: sock.address().port, queries, close: () => new Promise((resolve) => sock.close(() => resolve())) };
}

const ZONE: Zone = {
  '2.0.0.127.bl.test': ['127.0.0.2'],
  '3.0.0.127.bl.test': ['127.0.0.2'],
  '3.0.0.127.wl.test': ['127.0.10.1'],
};
for (const ip of ['1', '2', '3']) ZONE[`${ip}.0.0.127.broken.test`] = 'SERVFAIL';

let dns: Awaited<ReturnType<typeof startDnsServer>>;
let blocking: MailroomInstance;
let allowing: MailroomInstance;

describe('DNSBL and DNSWL at connect', { timeout: 90_000 }, () => {
  before(async () => {
    dns = await startDnsServer(ZONE);
    const servers = [`127.0.0.1:${dns.port}`];
    [blocking, allowing] = await Promise.all([
      MailroomInstance.start({
        users: [ALICE],
        editConfig: (cfg) => { cfg.dns = { servers }; cfg.dnsbl = { zones: ['broken.test', 'bl.test'] }; cfg.inbound = { verify: false }; },
      }),
      MailroomInstance.start({
        users: [ALICE],
        editConfig: (cfg) => {
          cfg.dns = { servers }; cfg.dnsbl = { zones: ['bl.test'] }; cfg.dnswl = { zones: ['wl.test'] };
          cfg.greylisting = { enabled: true, delaySeconds: 600 };
          cfg.inbound = { verify: false };
        },
      }),
    ]);
  });
  after(async () => {
    await Promise.all([blocking?.cleanup(), allowing?.cleanup()]);
    await dns?.close();
  });

  test('a listed client reads 554 5.7.1 naming the zone; a failing zone is skipped with a warning', async () => {
    const c = await SmtpClient.connect(blocking.port, { localAddress: '127.0.0.2', timeoutMs: 5000 });
    try {
      const greeting = await c.readReply(15_000);
      assert.equal(greeting.code, 554, greeting.text);
      assert.equal(greeting.enhanced, '5.7.1');
      assert.match(greeting.text, /blocked using bl\.test/);
    } finally {
      c.destroy();
    }
    assert.ok(dns.queries.includes('2.0.0.127.bl.test'), `asked the configured server: ${dns.queries.join(' ')}`);
    await waitFor(() => blocking.jsonLogs().some((l) => l.msg === 'DNSBL lookup failed, client accepted' && l.zone === 'broken.test'), 5000, 'the warning about broken.test');
    // A client on no list (127.0.0.1, the readiness probe's address too) is greeted.
    const ok = await SmtpClient.open(blocking.port, { localAddress: '127.0.0.1' });
    await ok.quit();
  });

  test('a client on the allow-list skips the block-list and greylisting', async () => {
    const token = uniqueToken('dnswl');
    const res = await rawDeliver(allowing.port, { from: 'sender@client.example', to: [ALICE], localAddress: '127.0.0.3', message: buildMessage({ from: 'sender@client.example', to: ALICE, subject: token, body: 'hi' }) });
    assert.equal(res.ok, true, JSON.stringify(res));
    await waitFor(async () => (await allowing.findBySubject(ALICE, token)).length === 1, 10_000, 'the message');
    // 127.0.0.2, on the block-list only, is still refused here.
    const refused = await SmtpClient.connect(allowing.port, { localAddress: '127.0.0.2', timeoutMs: 5000 });
    try {
      assert.equal((await refused.readReply(15_000)).code, 554);
    } finally {
      refused.destroy();
    }
  });
});
