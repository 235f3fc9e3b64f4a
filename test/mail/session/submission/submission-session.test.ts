// Submission over in-memory sockets (and one real STARTTLS socket): AUTH only after TLS,
// MAIL/RCPT/DATA only after AUTH, sender ownership (envelope and header From), hourly limits,
// and the routing of local and foreign recipients.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import { PASSWORD, message, plain, submissionHarness } from './harness.js';

test('AUTH before STARTTLS is refused with 538, and not accepted even with the right password', async () => {
  const h = submissionHarness();
  const { client } = await h.connect();
  const ehlo = await client.command('EHLO client.example');
  assert.match(ehlo.text, /STARTTLS/);
  const auth = await client.command(`AUTH PLAIN ${plain('alice@example.test', PASSWORD)}`);
  assert.equal(auth.code, 538);
  const mail = await client.command('MAIL FROM:<alice@example.test>');
  assert.equal(mail.code, 530);
  assert.match(mail.lines[0]!, /^530 5\.7\.0 /);
});

test('without a certificate, AUTH is still refused on a plain connection (538 5.7.11)', async () => {
  const h = submissionHarness({ tls: false });
  const { client } = await h.connect();
  await client.command('EHLO client.example');
  const auth = await client.command(`AUTH PLAIN ${plain('alice@example.test', PASSWORD)}`);
  assert.equal(auth.code, 538);
  assert.match(auth.lines[0]!, /^538 5\.7\.11 /);
});

test('MAIL, RCPT and DATA without AUTH get 530 5.7.0', async () => {
  const h = submissionHarness({ allowInsecureAuth: true });
  const { client } = await h.connect();
  await client.command('EHLO client.example');
  for (const cmd of ['MAIL FROM:<alice@example.test>', 'RCPT TO:<bob@example.test>', 'DATA']) {
    const r = await client.command(cmd);
    assert.equal(r.code, 530, cmd);
    assert.match(r.lines[0]!, /^530 5\.7\.0 /, cmd);
  }
});

test('a wrong password gets 535 5.7.8 after a delay that grows per client address', async () => {
  const h = submissionHarness({ allowInsecureAuth: true });
  const { client } = await h.connect();
  await client.command('EHLO client.example');
  const r1 = await client.command(`AUTH PLAIN ${plain('alice@example.test', 'wrong')}`);
  assert.match(r1.lines[0]!, /^535 5\.7\.8 /);
  const r2 = await client.command(`AUTH PLAIN ${plain('nobody@example.test', 'wrong')}`);
  assert.match(r2.lines[0]!, /^535 5\.7\.8 /);
  assert.deepEqual(h.delays, [100, 200]);
  const ok = await client.command(`AUTH PLAIN ${plain('alice@example.test', PASSWORD)}`);
  assert.equal(ok.code, 235);
});

async function authed(h: ReturnType<typeof submissionHarness>, user = 'alice@example.test') {
  const { client } = await h.connect();
  await client.command('EHLO client.example');
  const a = await client.command(`AUTH PLAIN ${plain(user, PASSWORD)}`);
  assert.equal(a.code, 235, a.text);
  return client;
}

test('envelope sender: own address and own alias pass; another user, another alias and the null sender get 553 5.7.1', async () => {
  const h = submissionHarness({ allowInsecureAuth: true });
  const client = await authed(h);
  for (const from of ['bob@example.test', 'team@example.test', 'alice@other.example', '']) {
    const r = await client.command(`MAIL FROM:<${from}>`);
    assert.equal(r.code, 553, from);
    assert.match(r.lines[0]!, /^553 5\.7\.1 /, from);
  }
  assert.equal((await client.command('MAIL FROM:<sales@example.test>')).code, 250);
  await client.command('RSET');
  assert.equal((await client.command('MAIL FROM:<Alice@Example.TEST>')).code, 250);
});

test('header From not owned: 553 5.7.1 at the end of DATA, nothing stored or queued', async () => {
  const h = submissionHarness({ allowInsecureAuth: true });
  const client = await authed(h);
  await client.command('MAIL FROM:<alice@example.test>');
  await client.command('RCPT TO:<bob@example.test>');
  await client.command('RCPT TO:<carol@example.net>');
  assert.equal((await client.command('DATA')).code, 354);
  client.send(message('bob@example.test'));
  const r = await client.reply();
  assert.equal(r!.code, 553);
  assert.match(r!.lines[0]!, /^553 5\.7\.1 From header address <bob@example\.test> not owned/);
  assert.equal(h.store.stored.length, 0);
  assert.equal(h.queue.queued.length, 0);
  // The session goes on: a message with her own From is accepted.
  await client.command('MAIL FROM:<alice@example.test>');
  await client.command('RCPT TO:<bob@example.test>');
  await client.command('DATA');
  client.send(message('sales@example.test'));
  assert.equal((await client.reply())!.code, 250);
});

test('a message without a From field is refused 553 5.7.1', async () => {
  const h = submissionHarness({ allowInsecureAuth: true });
  const client = await authed(h);
  await client.command('MAIL FROM:<alice@example.test>');
  await client.command('RCPT TO:<bob@example.test>');
  await client.command('DATA');
  client.send('Subject: no from\r\n\r\nbody\r\n.\r\n');
  const r = await client.reply();
  assert.match(r!.lines[0]!, /^553 5\.7\.1 /);
});

test('local recipients go to the store and foreign ones to the queue, both behind one Received field', async () => {
  const h = submissionHarness({ allowInsecureAuth: true });
  const client = await authed(h);
  await client.command('MAIL FROM:<alice@example.test>');
  assert.equal((await client.command('RCPT TO:<bob@example.test>')).code, 250);
  assert.equal((await client.command('RCPT TO:<carol@example.net>')).code, 250);
  assert.equal((await client.command('RCPT TO:<nobody@example.test>')).code, 550);
  await client.command('DATA');
  client.send(message('alice@example.test'));
  const r = await client.reply();
  assert.match(r!.lines[0]!, /^250 2\.0\.0 Ok: queued as Q1$/);
  assert.equal(h.store.stored.length, 1);
  assert.deepEqual(h.store.stored[0]!.recipients, ['u-bob@example.test']);
  assert.equal(h.queue.queued.length, 1);
  assert.deepEqual(h.queue.queued[0]!.envelope, { from: 'alice@example.test', recipients: ['carol@example.net'] });
  assert.equal('Return-Path: <alice@example.test>\r\n' + h.queue.queued[0]!.body, h.store.stored[0]!.body);
  assert.match(h.store.stored[0]!.body, /^Return-Path: <alice@example\.test>\r\nReceived: from client\.example \(unknown \[192\.0\.2\.10\]\)\r\n\tby mx\.example\.test \(Mailroom\) with ESMTPA id Q1; /);
  assert.ok(h.store.stored[0]!.body.endsWith('\r\n\r\nbody line\r\n'));
});

test('when the spool fails, the local delivery is aborted too and the client gets 451', async () => {
  const h = submissionHarness({ allowInsecureAuth: true });
  h.queue.fail = true;
  const client = await authed(h);
  await client.command('MAIL FROM:<alice@example.test>');
  await client.command('RCPT TO:<bob@example.test>');
  await client.command('RCPT TO:<carol@example.net>');
  await client.command('DATA');
  client.send(message('alice@example.test'));
  const r = await client.reply();
  assert.match(r!.lines[0]!, /^451 4\.3\.0 /);
  assert.equal(h.store.stored.length, 0);
  assert.deepEqual(h.store.aborted, ['Q1']);
});

test('when the local commit fails, the spooled copy is removed and the client gets 451', async () => {
  const h = submissionHarness({ allowInsecureAuth: true });
  h.store.failAt = 'commit';
  const client = await authed(h);
  await client.command('MAIL FROM:<alice@example.test>');
  await client.command('RCPT TO:<bob@example.test>');
  await client.command('RCPT TO:<carol@example.net>');
  await client.command('DATA');
  client.send(message('alice@example.test'));
  const r = await client.reply();
  assert.match(r!.lines[0]!, /^451 4\.3\.0 /);
  assert.deepEqual(h.queue.removed, ['S1']);
  assert.equal(h.queue.queued.length, 0);
});

test('hourly limits: messages per hour at MAIL FROM, recipients per hour at RCPT TO, 450 4.7.1', async () => {
  const h = submissionHarness({ allowInsecureAuth: true, messagesPerHour: 1, recipientsPerHour: 2 });
  const client = await authed(h);
  await client.command('MAIL FROM:<alice@example.test>');
  assert.equal((await client.command('RCPT TO:<bob@example.test>')).code, 250);
  assert.equal((await client.command('RCPT TO:<carol@example.net>')).code, 250);
  const third = await client.command('RCPT TO:<dave@example.net>');
  assert.match(third.lines[0]!, /^450 4\.7\.1 /);
  await client.command('DATA');
  client.send(message('alice@example.test'));
  assert.equal((await client.reply())!.code, 250);
  const again = await client.command('MAIL FROM:<alice@example.test>');
  assert.match(again.lines[0]!, /^450 4\.7\.1 /);
  // Another user has her own budget.
  const bob = await authed(h, 'bob@example.test');
  assert.equal((await bob.command('MAIL FROM:<bob@example.test>')).code, 250);
});

test('STARTTLS then AUTH PLAIN with nodemailer over 127.0.0.1: delivered, Received says ESMTPSA', async () => {
  const h = submissionHarness();
  const address = await h.listener.listen('127.0.0.1:0');
  try {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1', port: address.port, secure: false, requireTLS: true, name: 'client.example',
      auth: { user: 'alice@example.test', pass: PASSWORD },
      tls: { rejectUnauthorized: false, servername: 'mx.example.test' },
    });
    const info = await transport.sendMail({ envelope: { from: 'alice@example.test', to: ['bob@example.test'] }, raw: 'From: alice@example.test\r\nSubject: tls\r\n\r\nover TLS\r\n' });
    transport.close();
    assert.match(info.response, /^250 2\.0\.0 Ok: queued as Q1$/);
    assert.match(h.store.stored[0]!.body, /with ESMTPSA id Q1/);
  } finally {
    await h.listener.close(1000);
  }
});
