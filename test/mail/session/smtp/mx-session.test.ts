// Scripted exchanges with the MX session over an in-memory socket pair, with fake stores.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, envelope } from './harness.js';
import { createDiskReserveCheck } from '../../../../mail/delivery/disk-reserve.js';

const MSG = 'Subject: hi\r\nFrom: <x@sender.example>\r\n\r\nhello\r\n';

test('greeting and EHLO: SIZE, STARTTLS, PIPELINING, 8BITMIME, ENHANCEDSTATUSCODES; no AUTH', async () => {
  const h = harness();
  const { client, greeting } = await h.connect();
  assert.equal(greeting?.code, 220);
  assert.match(greeting!.text, /^mx\.example\.test ESMTP/);
  const ehlo = await client.command('EHLO client.example');
  assert.equal(ehlo.code, 250);
  const caps = ehlo.lines.map((l) => l.slice(4));
  for (const cap of ['PIPELINING', '8BITMIME', 'ENHANCEDSTATUSCODES', 'STARTTLS', 'SIZE 1000']) assert.ok(caps.includes(cap), `missing ${cap}: ${caps}`);
  assert.ok(!caps.some((c) => c.startsWith('AUTH')), 'AUTH must not be offered on the MX');
  assert.equal((await client.command('AUTH PLAIN AGpvZQBzZWNyZXQ=')).code, 500);
  assert.equal((await client.command('QUIT')).code, 221);
});

test('without a certificate STARTTLS is neither offered nor accepted', async () => {
  const h = harness({ tls: false });
  const { client } = await h.connect();
  const ehlo = await client.command('EHLO client.example');
  assert.ok(!ehlo.lines.some((l) => l.includes('STARTTLS')));
  assert.equal((await client.command('STARTTLS')).code, 500);
});

test('a message is delivered once per mailbox, with Return-Path and Received, 250 with the queue id', async () => {
  const h = harness();
  const { client } = await h.connect();
  const replies = await envelope(client, 'x@sender.example', ['alice@example.test', 'team@example.test', 'AL@Example.Test']);
  assert.deepEqual(replies.map((r) => r.code), [250, 250, 250, 250, 250]);
  assert.equal((await client.command('DATA')).code, 354);
  client.send(MSG + '.\r\n');
  const done = await client.reply();
  assert.equal(done?.code, 250);
  assert.equal(done?.lines[0], '250 2.0.0 Ok: queued as Q1');
  assert.equal(h.store.stored.length, 1);
  const m = h.store.stored[0]!;
  assert.deepEqual(m.recipients.sort(), ['u-alice@example.test', 'u-bob@example.test']);
  assert.ok(m.body.startsWith('Return-Path: <x@sender.example>\r\nReceived: from client.example (unknown [192.0.2.10])\r\n\tby mx.example.test (Mailroom) with ESMTP id Q1; Tue, 02 Jan 2024 10:00:00 +0000\r\n'), m.body);
  assert.ok(m.body.endsWith(MSG));
  const line = h.logs.find((l) => l.msg === 'message');
  assert.equal(line?.qid, 'Q1');
  assert.equal(line?.outcome, 'delivered');
  assert.ok(typeof line?.cid === 'string');
  assert.deepEqual(line?.recipients, ['alice@example.test', 'team@example.test', 'al@example.test']);
});

test('one recipient is named in the Received field', async () => {
  const h = harness();
  const { client } = await h.connect();
  await envelope(client, '', ['bob@example.test']);
  await client.command('DATA');
  client.send(MSG + '.\r\n');
  assert.equal((await client.reply())?.code, 250);
  assert.match(h.store.stored[0]!.body, /^Return-Path: <>\r\nReceived: [^]*\tfor <bob@example\.test>; Tue, 02 Jan 2024/);
});

test('unknown user 550 5.1.1, foreign domain 550 5.7.1, bad syntax 501', async () => {
  const h = harness();
  const { client } = await h.connect();
  await envelope(client, 'x@sender.example', []);
  assert.deepEqual((await client.command('RCPT TO:<nobody@example.test>')).lines, ['550 5.1.1 <nobody@example.test>: no such user here']);
  assert.deepEqual((await client.command('RCPT TO:<victim@elsewhere.example>')).lines, ['550 5.7.1 <victim@elsewhere.example>: relay access denied']);
  assert.equal((await client.command('RCPT TO:<@@>')).code, 501);
  assert.equal((await client.command('DATA')).code, 503);
  assert.equal(h.store.begun, 0);
});

test('directory failure defers the recipient with 451 4.3.0', async () => {
  const h = harness();
  h.directory.failing = true;
  const { client } = await h.connect();
  await envelope(client, 'x@sender.example', []);
  assert.deepEqual((await client.command('RCPT TO:<alice@example.test>')).lines, ['451 4.3.0 Temporary local failure, try again later']);
});

test('too many recipients: 452 4.5.3', async () => {
  const h = harness();
  h.directory.addUser('carol@example.test');
  h.directory.addUser('dave@example.test');
  const { client } = await h.connect();
  const r = await envelope(client, 'x@sender.example', ['alice@example.test', 'bob@example.test', 'carol@example.test', 'dave@example.test']);
  assert.deepEqual(r.map((x) => x.code), [250, 250, 250, 250, 250, 452]);
  assert.match(r[5]!.lines[0]!, /^452 4\.5\.3 /);
});

test('a user over quota: 452 4.2.2', async () => {
  const h = harness();
  h.directory.addUser('full@example.test', 100);
  h.store.usageBytes.set('u-full@example.test', 100);
  const { client } = await h.connect();
  await envelope(client, 'x@sender.example', []);
  assert.deepEqual((await client.command('RCPT TO:<full@example.test>')).lines, ['452 4.2.2 <full@example.test>: mailbox full, try again later']);
  assert.equal((await client.command('RCPT TO:<alice@example.test>')).code, 250);
});

test('disk below the reserve: 452 4.3.1 at MAIL FROM and RCPT TO', async () => {
  let free = 10;
  const disk = createDiskReserveCheck({ probe: async () => free, reserve: 100, cacheMs: 0 });
  const h = harness({ checks: [disk] });
  const { client } = await h.connect();
  await client.command('EHLO client.example');
  assert.deepEqual((await client.command('MAIL FROM:<x@sender.example>')).lines, ['452 4.3.1 Insufficient system storage, try again later']);
  free = 1000;
  assert.equal((await client.command('MAIL FROM:<x@sender.example>')).code, 250);
  free = 10;
  assert.equal((await client.command('RCPT TO:<alice@example.test>')).lines[0], '452 4.3.1 Insufficient system storage, try again later');
});

test('SIZE: announced too big 552 5.3.4; sent too big 552 5.3.4 and nothing stored', async () => {
  const h = harness();
  const { client } = await h.connect();
  await client.command('EHLO client.example');
  assert.match((await client.command('MAIL FROM:<x@sender.example> SIZE=5000')).lines[0]!, /^552 5\.3\.4 /);
  assert.equal((await client.command('MAIL FROM:<x@sender.example> SIZE=500')).code, 250);
  assert.equal((await client.command('RCPT TO:<alice@example.test>')).code, 250);
  assert.equal((await client.command('DATA')).code, 354);
  client.send('Subject: big\r\n\r\n' + ('x'.repeat(70) + '\r\n').repeat(40) + '.\r\n');
  assert.match((await client.reply())!.lines[0]!, /^552 5\.3\.4 /);
  assert.equal(h.store.stored.length, 0);
  assert.equal(h.store.aborted.length, 1);
  // the session goes on
  assert.equal((await client.command('NOOP')).code, 250);
});

const SMUGGLE_BODIES: [string, string][] = [
  ['<LF>.<LF>', 'Subject: a\r\n\r\nhi\n.\nMAIL FROM:<evil@x>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n'],
  ['<LF>.<CRLF>', 'Subject: a\r\n\r\nhi\n.\r\nMAIL FROM:<evil@x>\r\n'],
  ['<CRLF>.<LF>', 'Subject: a\r\n\r\nhi\r\n.\nMAIL FROM:<evil@x>\r\n'],
  ['<CR>.<CRLF>', 'Subject: a\r\n\r\nhi\r.\r\nMAIL FROM:<evil@x>\r\n'],
  ['<CRLF>.<CR>', 'Subject: a\r\n\r\nhi\r\n.\rMAIL FROM:<evil@x>\r\n'],
  ['<CR>.<CR>', 'Subject: a\r\n\r\nhi\r.\rMAIL FROM:<evil@x>\r\n'],
];

for (const [name, body] of SMUGGLE_BODIES) {
  test(`SMTP smuggling ${name}: one message, refused with 550 5.5.2, nothing stored, no second transaction`, async () => {
    const h = harness();
    const { client } = await h.connect();
    await envelope(client, 'x@sender.example', ['alice@example.test']);
    assert.equal((await client.command('DATA')).code, 354);
    client.send(body + '.\r\n');
    const r = await client.reply();
    assert.equal(r?.lines[0], '550 5.5.2 Message refused: bare <CR> or <LF> next to a lone "." line (SMTP smuggling)');
    // Only <CRLF>.<CRLF> ended the data: no reply to a smuggled MAIL FROM/RCPT/DATA came out.
    assert.equal((await client.command('NOOP')).code, 250);
    assert.equal(h.store.stored.length, 0);
    assert.equal(h.store.begun, 1);
    assert.equal(h.store.aborted.length, 1);
  });
}

test('smtp-server ends DATA only at <CRLF>.<CRLF>: a bare <LF>.<LF> does not end the message early', async () => {
  const h = harness();
  const { client } = await h.connect();
  await envelope(client, 'x@sender.example', ['alice@example.test']);
  await client.command('DATA');
  // If <LF>.<LF> ended DATA, "NOOP" would be answered with 250 before the final reply.
  client.send('Subject: a\r\n\r\nhi\n.\nNOOP\r\n');
  await new Promise((r) => setTimeout(r, 100));
  assert.doesNotMatch(client.transcript, /\r\n250 2\.0\.0 OK\r\n|Ok: queued|550/);
  client.send('.\r\n');
  assert.equal((await client.reply())?.code, 550);
  assert.equal((await client.command('NOOP')).code, 250);
});

test('bare CR is refused with 550 5.6.0; bare LF is stored as CRLF', async () => {
  const h = harness();
  const { client } = await h.connect();
  await envelope(client, 'x@sender.example', ['alice@example.test']);
  await client.command('DATA');
  client.send('Subject: a\r\n\r\nhi\rthere\r\n.\r\n');
  assert.equal((await client.reply())?.lines[0], '550 5.6.0 Message refused: bare <CR> in message');
  await client.command('MAIL FROM:<x@sender.example>');
  await client.command('RCPT TO:<alice@example.test>');
  await client.command('DATA');
  client.send('Subject: a\n\nline one\nline two\r\n.\r\n');
  assert.equal((await client.reply())?.code, 250);
  assert.ok(h.store.stored[0]!.body.endsWith('Subject: a\r\n\r\nline one\r\nline two\r\n'));
});

test('dot-stuffed lines are unstuffed and kept', async () => {
  const h = harness();
  const { client } = await h.connect();
  await envelope(client, 'x@sender.example', ['alice@example.test']);
  await client.command('DATA');
  client.send('Subject: a\r\n\r\n..\r\n..leading\r\n.\r\n');
  assert.equal((await client.reply())?.code, 250);
  assert.ok(h.store.stored[0]!.body.endsWith('\r\n\r\n.\r\n.leading\r\n'));
});

test('pipelining guard: message data sent right behind DATA (before 354) is refused with 554 and the connection closed', async () => {
  const h = harness();
  const { client } = await h.connect();
  await client.command('EHLO client.example');
  client.send('MAIL FROM:<x@sender.example>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n' + MSG + '.\r\nQUIT\r\n');
  assert.equal((await client.reply())?.code, 250);
  assert.equal((await client.reply())?.code, 250);
  assert.equal((await client.reply())?.lines[0], '554 5.5.0 Error: improper pipelining, data sent before the 354 reply');
  assert.equal(await client.reply(), null);
  assert.ok(await client.closed());
  assert.equal(h.store.stored.length, 0);
  assert.equal(h.store.begun, 0);
});

test('pipelining guard: a legitimate pipelined client (waits for 354) is served', async () => {
  const h = harness();
  const { client } = await h.connect();
  await client.command('EHLO client.example');
  client.send('MAIL FROM:<x@sender.example>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n');
  assert.deepEqual([(await client.reply())?.code, (await client.reply())?.code, (await client.reply())?.code, (await client.reply())?.code], [250, 250, 250, 354]);
  client.send(MSG + '.\r\nQUIT\r\n');
  assert.equal((await client.reply())?.code, 250);
  assert.equal((await client.reply())?.code, 221);
  assert.equal(h.store.stored.length, 1);
});

test('250 only after commit() resolved', async () => {
  const h = harness();
  let open!: () => void;
  h.store.commitGate = new Promise<void>((r) => { open = r; });
  const { client } = await h.connect();
  await envelope(client, 'x@sender.example', ['alice@example.test']);
  await client.command('DATA');
  const before = client.transcript.length;
  client.send(MSG + '.\r\n');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(client.transcript.slice(before), '', 'nothing may be answered before the commit');
  assert.equal(h.store.stored.length, 0);
  open();
  assert.equal((await client.reply())?.code, 250);
  assert.equal(h.store.stored.length, 1);
});

for (const failAt of ['write', 'commit'] as const) {
  test(`store failure at ${failAt}: abort, 451 4.3.0, nothing stored`, async () => {
    const h = harness();
    h.store.failAt = failAt;
    const { client } = await h.connect();
    await envelope(client, 'x@sender.example', ['alice@example.test', 'bob@example.test']);
    await client.command('DATA');
    client.send(MSG + '.\r\n');
    assert.equal((await client.reply())?.lines[0], '451 4.3.0 Temporary local failure, try again later');
    assert.equal(h.store.stored.length, 0);
    assert.deepEqual(h.store.aborted, ['Q1']);
    assert.equal(h.logs.find((l) => l.msg === 'message')?.outcome, 'failed');
    assert.equal((await client.command('RSET')).code, 250);
  });
}

test('too many errors: 421 and close', async () => {
  const h = harness({ limits: { maxErrors: 3 } });
  const { client } = await h.connect();
  await client.command('EHLO client.example');
  await client.command('MAIL FROM:<x@sender.example>');
  assert.equal((await client.command('RCPT TO:<a@elsewhere.example>')).code, 550);
  assert.equal((await client.command('BOGUS')).code, 500);
  assert.equal((await client.command('RCPT TO:<b@elsewhere.example>')).code, 550);
  const r = await client.reply();
  assert.match(r!.lines[0]!, /^421 4\.7\.0 mx\.example\.test Error: too many errors/);
  assert.ok(await client.closed());
});

test('connections per IP: the one over the limit gets 421 4.7.0 and is closed', async () => {
  const h = harness({ connectionsPerIp: 2 });
  const a = await h.connect('198.51.100.7');
  const b = await h.connect('198.51.100.7');
  const c = await h.connect('198.51.100.7');
  assert.equal(a.greeting?.code, 220);
  assert.equal(b.greeting?.code, 220);
  assert.match(c.greeting!.lines[0]!, /^421 4\.7\.0 /);
  assert.ok(await c.client.closed());
  const other = await h.connect('198.51.100.8');
  assert.equal(other.greeting?.code, 220);
  await a.client.command('QUIT');
  assert.ok(await a.client.closed());
  await new Promise((r) => setTimeout(r, 50));
  const d = await h.connect('198.51.100.7');
  assert.equal(d.greeting?.code, 220);
});

test('total connections: 421 4.7.0', async () => {
  const h = harness({ maxConnections: 1 });
  await h.connect('198.51.100.1');
  const second = await h.connect('198.51.100.2');
  assert.match(second.greeting!.lines[0]!, /^421 4\.7\.0 .*too many connections/);
});

test('idle timeout closes the connection with 421', async () => {
  const h = harness({ limits: { idleTimeout: 0.3 } });
  const { client } = await h.connect();
  await client.command('EHLO client.example');
  const r = await client.reply(2000);
  assert.equal(r?.code, 421);
  assert.ok(await client.closed());
});

test('shutdown: idle sessions get 421 4.3.2; a message in flight finishes first', async () => {
  const h = harness();
  const idle = await h.connect();
  await idle.client.command('EHLO client.example');
  const busy = await h.connect('192.0.2.11');
  await envelope(busy.client, 'x@sender.example', ['alice@example.test']);
  await busy.client.command('DATA');
  busy.client.send('Subject: slow\r\n\r\nfirst part\r\n');
  const closing = h.listener.close(3000);
  assert.match((await idle.client.reply())!.lines[0]!, /^421 4\.3\.2 /);
  busy.client.send('second part\r\n.\r\n');
  assert.equal((await busy.client.reply())?.code, 250);
  assert.match((await busy.client.reply())!.lines[0]!, /^421 4\.3\.2 /);
  await closing;
  assert.equal(h.listener.connections, 0);
  assert.equal(h.store.stored.length, 1);
});

test('connection and close are logged as JSON with the cid', async () => {
  const h = harness();
  const { client } = await h.connect();
  await client.command('QUIT');
  await client.closed();
  await new Promise((r) => setTimeout(r, 20));
  const open = h.logs.find((l) => l.msg === 'connection open');
  const closed = h.logs.find((l) => l.msg === 'connection closed');
  assert.ok(open?.cid && open.cid === closed?.cid);
  assert.equal(open?.remote, '192.0.2.10');
});

test('client gone in the middle of DATA: the delivery is aborted, nothing stored', async () => {
  const h = harness();
  const { client } = await h.connect();
  await envelope(client, 'x@sender.example', ['alice@example.test']);
  await client.command('DATA');
  client.send('Subject: half\r\n\r\nhalf a mess');
  await new Promise((r) => setTimeout(r, 50));
  client.socket.destroy();
  for (let i = 0; i < 100 && h.store.aborted.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(h.store.aborted, ['Q1']);
  assert.equal(h.store.stored.length, 0);
  await h.session.settled();
});

test('unknown ESMTP parameters: 555 5.5.4; the advertised ones are accepted', async () => {
  const h = harness();
  const { client } = await h.connect();
  await client.command('EHLO client.example');
  assert.deepEqual((await client.command('MAIL FROM:<x@sender.example> NOSUCHPARAM=1')).lines, ['555 5.5.4 Unsupported parameter NOSUCHPARAM']);
  assert.equal((await client.command('MAIL FROM:<x@sender.example> SIZE=10 BODY=8BITMIME SMTPUTF8')).code, 250);
  assert.deepEqual((await client.command('RCPT TO:<alice@example.test> NOTIFY=NEVER')).lines, ['555 5.5.4 Unsupported parameter NOTIFY']);
  assert.equal((await client.command('RCPT TO:<alice@example.test>')).code, 250);
});
