// The boot test's clients: SMTP, POP3 and IMAP over a line-oriented socket client, and the
// panel's HTTPS API. Small on purpose (no dependencies: image:test runs before or without the
// repository's node_modules), and strict: every unexpected reply fails the test with what was
// said. Used by boot-test.mjs.

import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';

export class TestFailure extends Error {}
export const fail = (msg) => { throw new TestFailure(msg); };
let serverName = 'localhost';
/** The name sent as SNI in STARTTLS/STLS and HTTPS. */
export function setServerName(name) { serverName = name; }

// ---- a line-oriented client for SMTP, POP3 and IMAP ------------------------------------------

export class LineClient {
  constructor(socket) { this.attach(socket); }
  attach(socket) {
    this.socket = socket;
    this.buffer = '';
    this.waiters = [];
    this.closed = false;
    socket.setEncoding('latin1');
    socket.on('data', (d) => { this.buffer += d; this.wake(); });
    socket.on('close', () => { this.closed = true; this.wake(); });
    socket.on('error', () => { this.closed = true; this.wake(); });
  }
  wake() { for (const w of this.waiters.splice(0)) w(); }
  /** Resolves with the next line (without CRLF). */
  async line(timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.buffer.indexOf('\r\n');
      if (i >= 0) { const l = this.buffer.slice(0, i); this.buffer = this.buffer.slice(i + 2); return l; }
      if (this.closed) fail('connection closed while waiting for a reply');
      const left = deadline - Date.now();
      if (left <= 0) fail('no reply within the time limit');
      await Promise.race([new Promise((r) => this.waiters.push(r)), sleep(Math.min(left, 1000), undefined, { ref: false })]);
    }
  }
  send(text) { this.socket.write(text + '\r\n', 'latin1'); }
  /** Replaces the plain socket by TLS over it; returns the peer certificate's SHA-256. */
  async startTls() {
    if (this.buffer !== '') fail('data buffered before the TLS handshake');
    const plain = this.socket;
    plain.removeAllListeners('data');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false, servername: serverName });
    await new Promise((resolve, reject) => { secure.once('secureConnect', resolve); secure.once('error', reject); });
    this.attach(secure);
    return secure.getPeerCertificate().fingerprint256;
  }
  close() { this.socket.destroy(); }
}

export async function connect(port) {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  return new LineClient(socket);
}

/** An SMTP reply (all its lines); fails unless its code starts with `want`. */
async function smtpReply(c, want, what) {
  let l;
  const lines = [];
  do { l = await c.line(); lines.push(l); } while (/^\d{3}-/.test(l));
  if (!l.startsWith(want)) fail(`SMTP ${what}: expected ${want}, got: ${lines.join(' | ')}`);
  return lines;
}

export async function sendOverSmtp(port, to, subject, token) {
  const c = await connect(port);
  await smtpReply(c, '220', 'greeting');
  c.send('EHLO client.example.org'); await smtpReply(c, '250', 'EHLO');
  c.send('MAIL FROM:<sender@example.org>'); await smtpReply(c, '250', 'MAIL FROM');
  c.send(`RCPT TO:<${to}>`); await smtpReply(c, '250', 'RCPT TO');
  c.send('DATA'); await smtpReply(c, '354', 'DATA');
  c.send(['From: <sender@example.org>', `To: <${to}>`, `Subject: ${subject}`, `Message-ID: <${token}@example.org>`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`, '', `The image boot test, ${token}.`, '.'].join('\r\n'));
  const reply = await smtpReply(c, '250', 'end of data');
  c.send('QUIT'); await c.line().catch(() => {});
  c.close();
  return reply.at(-1);
}

export async function readOverPop3(port, user, password, token) {
  const c = await connect(port);
  const greet = await c.line(); if (!greet.startsWith('+OK')) fail(`POP3 greeting: ${greet}`);
  c.send('STLS'); const stls = await c.line(); if (!stls.startsWith('+OK')) fail(`POP3 STLS: ${stls}`);
  const fingerprint = await c.startTls();
  c.send(`USER ${user}`); let r = await c.line(); if (!r.startsWith('+OK')) fail(`POP3 USER: ${r}`);
  c.send(`PASS ${password}`); r = await c.line(); if (!r.startsWith('+OK')) fail(`POP3 PASS: ${r}`);
  c.send('STAT'); r = await c.line(); if (!r.startsWith('+OK')) fail(`POP3 STAT: ${r}`);
  const count = Number(r.split(' ')[1]);
  let found = false;
  for (let i = 1; i <= count && !found; i++) {
    c.send(`RETR ${i}`); r = await c.line(); if (!r.startsWith('+OK')) fail(`POP3 RETR: ${r}`);
    for (;;) { const l = await c.line(); if (l === '.') break; if (l.includes(token)) found = true; }
  }
  c.send('QUIT'); await c.line().catch(() => {});
  c.close();
  if (!found) fail(`POP3: the message with ${token} is not in the mailbox (${count} messages)`);
  return fingerprint;
}

export async function readOverImap(port, user, password, token) {
  const c = await connect(port);
  const greet = await c.line(); if (!greet.startsWith('* OK')) fail(`IMAP greeting: ${greet}`);
  let n = 0;
  const cmd = async (text) => {
    const tag = `t${++n}`; c.send(`${tag} ${text}`);
    const untagged = [];
    for (;;) {
      const l = await c.line();
      if (l.startsWith(`${tag} `)) { if (!l.startsWith(`${tag} OK`)) fail(`IMAP ${text.split(' ')[0]}: ${l}`); return untagged; }
      untagged.push(l);
    }
  };
  await cmd('STARTTLS');
  const fingerprint = await c.startTls();
  const quote = (s) => `"${s.replace(/(["\\])/g, '\\$1')}"`;
  await cmd(`LOGIN ${quote(user)} ${quote(password)}`);
  await cmd('SELECT INBOX');
  const fetched = await cmd('FETCH 1:* (BODY.PEEK[])');
  await cmd('LOGOUT').catch(() => {});
  c.close();
  if (!fetched.some((l) => l.includes(token))) fail(`IMAP: the message with ${token} is not in INBOX`);
  // The MX verified it: the verifier (dist/bundle/mailauth.js, loaded on demand) was there. Its
  // DNS answers may be errors offline; "verification unavailable" means the library did not load.
  if (!fetched.some((l) => /^Authentication-Results:/i.test(l))) fail('IMAP: the message has no Authentication-Results field');
  if (fetched.some((l) => l.includes('verification unavailable'))) fail('IMAP: the MX could not load its verifier (spf=temperror, verification unavailable)');
  return fingerprint;
}

// ---- the panel's API ---------------------------------------------------------------------------

/** One HTTPS request to the panel on 127.0.0.1:port; resolves {status, body (parsed JSON or text), cookies, fingerprint}. */
export function panelRequest(port, method, path, { body, cookie } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request({
      host: '127.0.0.1', port, method, path, servername: serverName, rejectUnauthorized: false, timeout: 300_000,
      headers: { accept: 'application/json', ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}), ...(cookie ? { cookie } : {}) },
    }, (res) => {
      // Read now: once the body has been read the socket may be handed back and gone.
      const fingerprint = res.socket?.getPeerCertificate?.()?.fingerprint256;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let parsed = text;
        try { parsed = JSON.parse(text); } catch { /* not JSON */ }
        const cookies = (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]);
        resolve({ status: res.statusCode, body: parsed, cookies, fingerprint });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

/** Retries `fn` until it resolves (the agent starts after the mail daemon, later than the banner). */
export async function retrying(what, seconds, fn) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try { return await fn(); } catch (err) {
      if (err instanceof TestFailure || Date.now() > deadline) throw err instanceof TestFailure ? err : new TestFailure(`${what}: ${err.message}`);
    }
    await sleep(3000);
  }
}
