// Port 465: the listener does the TLS handshake before the session; no STARTTLS is offered,
// AUTH works at once, and a client that never completes the handshake never reaches SMTP.

import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import { PASSWORD, submissionHarness } from './harness.js';

test('implicit TLS with nodemailer (secure: true): AUTH, delivered, Received says ESMTPSA with the cipher', async () => {
  const h = submissionHarness({ implicitTls: true });
  const address = await h.listener.listen('127.0.0.1:0');
  try {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1', port: address.port, secure: true, name: 'client.example',
      auth: { user: 'alice@example.test', pass: PASSWORD },
      tls: { rejectUnauthorized: false, servername: 'mx.example.test' },
    });
    const info = await transport.sendMail({ envelope: { from: 'alice@example.test', to: ['bob@example.test'] }, raw: 'From: alice@example.test\r\nSubject: 465\r\n\r\nimplicit\r\n' });
    transport.close();
    assert.match(info.response, /^250 2\.0\.0 /);
    assert.match(h.store.stored[0]!.body, /\(using TLSv1\.[23] with cipher [A-Z0-9_-]+\)\r\n\tby mx\.example\.test \(Mailroom\) with ESMTPSA id /);
  } finally {
    await h.listener.close(1000);
  }
});

test('implicit TLS: a plaintext client gets no SMTP greeting', async () => {
  const h = submissionHarness({ implicitTls: true });
  const address = await h.listener.listen('127.0.0.1:0');
  try {
    const socket = net.connect(address.port, '127.0.0.1');
    let received = '';
    socket.on('data', (d: Buffer) => { received += d.toString('latin1'); });
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('EHLO client.example\r\n');
    await new Promise<void>((resolve) => { socket.once('close', () => resolve()); setTimeout(resolve, 1000); });
    socket.destroy();
    assert.doesNotMatch(received, /^220 /);
    assert.equal(h.store.stored.length, 0);
  } finally {
    await h.listener.close(1000);
  }
});
