// Per-IP rate limits end to end (limits.ratePerIp): the real daemon, real sockets on loopback.
// Loopback is counted like any client. Over the message rate: 451 4.7.1 at MAIL; over the
// connection rate: 421 4.7.0 instead of the greeting, and the connection is closed.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MailroomInstance, SmtpClient } from './harness.js';

let mx: MailroomInstance;

describe('rate limits per client address', { timeout: 90_000 }, () => {
  before(async () => {
    mx = await MailroomInstance.start({
      users: ['alice@e2e.test'],
      limits: { ratePerIp: { connectionsPerMinute: 6, messagesPerMinute: 2 } },
      editConfig: (cfg) => { cfg.inbound = { verify: false }; },
    });
  });
  after(async () => { await mx?.cleanup(); });

  test('messages per minute: the third MAIL FROM within a minute gets 451 4.7.1', async () => {
    const c = await SmtpClient.open(mx.port, { ehlo: 'mta.client.example' });
    try {
      const codes: number[] = [];
      let last = null;
      for (let i = 0; i < 3; i++) {
        last = await c.command('MAIL FROM:<s@client.example>');
        codes.push(last.code);
        await c.command('RSET');
      }
      assert.deepEqual(codes, [250, 250, 451]);
      assert.equal(last!.enhanced, '4.7.1');
      assert.match(last!.text, /Too many messages from your address/);
    } finally {
      await c.quit().catch(() => undefined);
    }
  });

  test('connections per minute: over the limit the client reads 421 4.7.0 and is disconnected', async () => {
    // The harness's readiness probe and the test above used some of the six already.
    let refused = null;
    for (let i = 0; i < 8 && !refused; i++) {
      const c = await SmtpClient.connect(mx.port, { timeoutMs: 5000 });
      try {
        const greeting = await c.readReply(10_000);
        if (greeting.code === 220) { await c.quit(); continue; }
        refused = greeting;
        assert.equal(await c.waitClose(5000), true, 'closed after the 421');
      } finally {
        c.destroy();
      }
    }
    assert.ok(refused, 'one of eight connections within a minute was refused');
    assert.equal(refused.code, 421);
    assert.equal(refused.enhanced, '4.7.0');
    assert.match(refused.text, /Too many connections from your address/);
  });
});
