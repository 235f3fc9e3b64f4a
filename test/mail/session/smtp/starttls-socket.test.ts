// Over a real socket on 127.0.0.1: STARTTLS with a throwaway self-signed certificate.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import nodemailer from 'nodemailer';
import { harness } from './harness.js';

test('STARTTLS over 127.0.0.1 with nodemailer: delivered, Received says ESMTPS and the cipher', async () => {
  const h = harness({ limits: { maxMessageSize: 100000 } });
  const address = await h.listener.listen('127.0.0.1:0');
  try {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1', port: address.port, secure: false, requireTLS: true, name: 'client.example',
      tls: { rejectUnauthorized: false, servername: 'mx.example.test' },
    });
    const info = await transport.sendMail({ envelope: { from: 'x@sender.example', to: ['alice@example.test'] }, raw: 'Subject: tls\r\nFrom: x@sender.example\r\n\r\nover TLS\r\n' });
    assert.match(info.response, /^250 2\.0\.0 Ok: queued as Q1$/);
    transport.close();
    const body = h.store.stored[0]!.body;
    assert.match(body, /^Return-Path: <x@sender\.example>\r\nReceived: from client\.example \([^)]* \[127\.0\.0\.1\]\)\r\n\t\(using TLSv1\.[23] with cipher [A-Z0-9_-]+\)\r\n\tby mx\.example\.test \(Mailroom\) with ESMTPS id Q1\r\n\tfor <alice@example\.test>; /);
    assert.ok(body.endsWith('\r\n\r\nover TLS\r\n'));
  } finally {
    await h.listener.close(1000);
  }
});

function readReply(socket: net.Socket | tls.TLSSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString('latin1');
      const lines = buf.split('\r\n');
      if (lines.some((l) => /^\d{3}( |$)/.test(l))) { socket.off('data', onData); resolve(buf); }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

test('STARTTLS: commands pipelined behind STARTTLS in plaintext are discarded, and the guard follows the TLS socket', async () => {
  const h = harness();
  const address = await h.listener.listen('127.0.0.1:0');
  const plain = net.connect(address.port, '127.0.0.1');
  try {
    assert.match(await readReply(plain), /^220 /);
    plain.write('EHLO client.example\r\n');
    assert.match(await readReply(plain), /STARTTLS/);
    plain.write('STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\n');
    assert.match(await readReply(plain), /^220 /);
    const secure = tls.connect({ socket: plain, servername: 'mx.example.test', rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => { secure.once('secureConnect', () => resolve()); secure.once('error', reject); });
    secure.write('EHLO client.example\r\n');
    const ehlo = await readReply(secure);
    assert.match(ehlo, /^250-mx\.example\.test/);
    assert.doesNotMatch(ehlo, /STARTTLS/);
    // The injected MAIL FROM never ran: RCPT still needs a MAIL command.
    secure.write('RCPT TO:<alice@example.test>\r\n');
    assert.match(await readReply(secure), /^503 /);
    // The pipelining guard watches the TLS socket too.
    secure.write('MAIL FROM:<x@sender.example>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\n');
    let all = '';
    await new Promise<void>((resolve) => { secure.on('data', (d: Buffer) => { all += d.toString(); }); secure.on('close', () => resolve()); });
    assert.match(all, /554 5\.5\.0 /);
    assert.equal(h.store.stored.length, 0);
  } finally {
    plain.destroy();
    await h.listener.close(1000);
  }
});
