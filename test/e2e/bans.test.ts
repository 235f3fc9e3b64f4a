// Brute-force bans end to end: the real daemon with IMAP and submission on loopback. Ten wrong
// IMAP logins from one address ban it (auth.ban defaults: 10 within 10 minutes, one hour): the
// right password is then refused over IMAP, SMTP connections are refused with 421 4.7.0, and
// the control socket publishes an `auth.ban` event for the agent's firewall. The wrong logins
// run in parallel so the growing delays (1 s, 2 s ... 30 s per answer) do not add up.
// Loopback is not exempt; this file's daemon is its own, so no other test is banned.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { ControlClient } from '../../mail/control/control-client.js';
import { CONTROL_SOCKET, type ControlEvent } from '../../mail/control/control-protocol.js';
import { MailroomInstance, SmtpClient, TEST_PASSWORD, waitFor } from './harness.js';

const ALICE = 'alice@e2e.test';
let mx: MailroomInstance;

/** One IMAP exchange on a fresh connection: the greeting, then LOGIN; resolves with the tagged reply. */
function imapLogin(port: number, user: string, password: string): Promise<{ greeting: string; reply: string }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    let greeting = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`IMAP timeout; read: ${buf}`)); }, 60_000);
    sock.setEncoding('latin1');
    sock.on('error', (err) => { clearTimeout(timer); reject(err); });
    // A banned address is turned away before the greeting: `* BYE`, then the close.
    sock.on('close', () => { clearTimeout(timer); resolve({ greeting: greeting || buf.split('\r\n')[0]!, reply: '' }); });
    sock.on('data', (d: string) => {
      buf += d;
      const lines = buf.split('\r\n');
      if (!greeting && lines.length > 1) {
        greeting = lines[0]!;
        sock.write(`a1 LOGIN "${user}" "${password}"\r\n`);
      }
      const tagged = lines.find((l) => l.startsWith('a1 '));
      if (tagged) { clearTimeout(timer); sock.end('a2 LOGOUT\r\n'); resolve({ greeting, reply: tagged }); }
    });
  });
}

describe('bans after failed logins', { timeout: 120_000 }, () => {
  before(async () => {
    mx = await MailroomInstance.start({
      imap: true,
      submission: true,
      users: [ALICE],
      editConfig: (cfg) => { cfg.auth = { allowInsecure: true }; cfg.inbound = { verify: false }; },
    });
  });
  after(async () => { await mx?.cleanup(); });

  test('ten wrong IMAP logins ban the address: right password refused, SMTP refused, auth.ban published', async () => {
    const ok = await imapLogin(mx.imapPort, ALICE, TEST_PASSWORD);
    assert.match(ok.reply, /^a1 OK/, 'the right password works before the ban');

    const events: ControlEvent[] = [];
    const control = new ControlClient({ socketPath: path.join(mx.dataDir, 'run', CONTROL_SOCKET) });
    const sub = control.subscribe((e) => events.push(e), () => undefined);
    try {
      // The event stream is live once it has delivered something; log lines flow all the time.
      await waitFor(() => events.length > 0 || null, 10_000, 'the control event stream');
      const failures = await Promise.all(Array.from({ length: 10 }, () => imapLogin(mx.imapPort, ALICE, 'wrong-password-1')));
      for (const f of failures) assert.match(f.reply, /^a1 NO \[AUTHENTICATIONFAILED\]/, f.reply);

      const ban = await waitFor(() => events.find((e) => e.type === 'auth.ban') ?? null, 10_000, 'an auth.ban event');
      assert.ok(ban.type === 'auth.ban');
      assert.equal(ban.ip, '127.0.0.1');
      assert.equal(ban.seconds, 3600);
      assert.match(ban.reason, /10 failed logins/);

      const refused = await imapLogin(mx.imapPort, ALICE, TEST_PASSWORD);
      assert.match(refused.greeting, /^\* BYE \[UNAVAILABLE\] Too many failed logins/, `a banned address is refused at connect: ${refused.greeting}`);
      assert.equal(refused.reply, '', 'no login is even attempted');

      for (const port of [mx.port, mx.submissionPort]) {
        const c = await SmtpClient.connect(port, { timeoutMs: 5000 });
        try {
          const greeting = await c.readReply(10_000);
          assert.equal(greeting.code, 421, `SMTP port ${port}: ${greeting.text}`);
          assert.equal(greeting.enhanced, '4.7.0');
          assert.equal(await c.waitClose(5000), true);
        } finally {
          c.destroy();
        }
      }
      assert.ok(mx.jsonLogs().some((l) => l.msg === 'address banned after failed logins' && l.remote === '127.0.0.1'));
    } finally {
      sub.close();
    }
  });
});
