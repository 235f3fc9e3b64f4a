// The outbound bench's load generator: N messages to one foreign recipient over C concurrent SMTP
// sessions, either all of a session's messages over one connection or a new connection per
// message, with or without AUTH PLAIN. The same client drives Mailroom (submission, AUTH) and
// Postfix (smtpd, relay permitted to mynetworks), so both see identical bytes. Each message is
// timed from the end of DATA leaving the socket to the 250 (the server holds it durably then).
// Commands go one at a time (no PIPELINING), the same for both servers.

import net from 'node:net';

export interface OutboundLoadOptions {
  port: number;
  sessions: number;
  messages: number;
  /** Body bytes per message, headers not counted (as smtp-source -l). */
  size: number;
  from: string;
  to: string;
  /** AUTH PLAIN once per connection; null: no AUTH (Postfix relays for mynetworks). */
  auth: { user: string; pass: string } | null;
  /** true: QUIT and reconnect after every message. */
  connectionPerMessage: boolean;
  /** Stop starting messages after this long. */
  timeLimitMs: number;
  /** Goes into Subject and Message-ID. */
  label: string;
}

export interface OutboundLoadResult {
  /** Messages answered 250 at the end of DATA. */
  accepted: number;
  failures: number;
  firstFailure: string | null;
  /** End of DATA → 250, per accepted message. */
  latenciesMs: number[];
  /** AUTH → 235 per connection (empty without AUTH). */
  authMs: number[];
  connections: number;
  startedAt: bigint;
  /** When the last 250 came back. */
  finishedAt: bigint;
  capped: boolean;
}

interface Reply { code: number; text: string }

/** A lock-step SMTP client: one command, one reply. */
class LoadConnection {
  private buf = '';
  private lines: string[] = [];
  private waiter: ((r: Reply | Error) => void) | null = null;
  private queued: Reply[] = [];
  private closedErr: Error | null = null;

  private constructor(private readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.setTimeout(60000, () => sock.destroy(new Error('no answer for 60 s')));
    sock.on('data', (d: Buffer) => this.onData(d.toString('latin1')));
    const fail = (e: Error) => {
      this.closedErr ??= e;
      const w = this.waiter;
      this.waiter = null;
      w?.(this.closedErr);
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('connection closed')));
  }

  static open(port: number): Promise<LoadConnection> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: '127.0.0.1', port }, () => { sock.removeListener('error', reject); resolve(new LoadConnection(sock)); });
      sock.once('error', reject);
    });
  }

  private onData(text: string): void {
    this.buf += text;
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i).replace(/\r$/, '');
      this.buf = this.buf.slice(i + 1);
      this.lines.push(line);
      if (line.length >= 4 && line[3] === '-') continue; // a multi-line reply goes on
      const reply = { code: Number(line.slice(0, 3)), text: this.lines.join(' | ') };
      this.lines = [];
      const w = this.waiter;
      this.waiter = null;
      if (w) w(reply); else this.queued.push(reply);
    }
  }

  reply(): Promise<Reply> {
    const q = this.queued.shift();
    if (q) return Promise.resolve(q);
    if (this.closedErr) return Promise.reject(this.closedErr);
    return new Promise((resolve, reject) => { this.waiter = (r) => (r instanceof Error ? reject(r) : resolve(r)); });
  }

  /** Sends `data` and waits for a reply of class `expect` (2, 3); throws with the reply otherwise. */
  async send(data: string | Buffer, expect: number, what: string): Promise<Reply> {
    const p = this.reply();
    this.sock.write(data);
    const r = await p;
    if (Math.floor(r.code / 100) !== expect) throw new Error(`${what}: ${r.text}`);
    return r;
  }

  quit(): void {
    if (!this.closedErr) this.sock.end('QUIT\r\n');
    this.sock.destroy();
  }
}

/** The message: a few header fields and `size` bytes of 78-character lines; never a leading dot. */
export function buildMessage(opts: Pick<OutboundLoadOptions, 'from' | 'to' | 'size' | 'label'>, seq: number): Buffer {
  const headers = [
    `From: <${opts.from}>`,
    `To: <${opts.to}>`,
    `Subject: outbound bench ${opts.label} ${seq}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <ob-${opts.label}-${process.pid}-${seq}-${Date.now()}@bench.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
  ].join('\r\n');
  const line = 'x'.repeat(78) + '\r\n';
  let body = line.repeat(Math.ceil(opts.size / line.length)).slice(0, opts.size);
  body = body.replace(/\r?\n?$/, '') + '\r\n';
  return Buffer.from(headers + '\r\n' + body + '.\r\n', 'latin1');
}

export async function runOutboundLoad(opts: OutboundLoadOptions): Promise<OutboundLoadResult> {
  const result: OutboundLoadResult = {
    accepted: 0, failures: 0, firstFailure: null, latenciesMs: [], authMs: [], connections: 0,
    startedAt: process.hrtime.bigint(), finishedAt: process.hrtime.bigint(), capped: false,
  };
  const deadline = Date.now() + opts.timeLimitMs;
  let next = 0;
  const authLine = opts.auth ? `AUTH PLAIN ${Buffer.from(`\0${opts.auth.user}\0${opts.auth.pass}`).toString('base64')}\r\n` : null;

  const fail = (err: unknown) => {
    result.failures++;
    result.firstFailure ??= (err as Error).message;
  };

  const openSession = async (): Promise<LoadConnection> => {
    const conn = await LoadConnection.open(opts.port);
    result.connections++;
    try {
      const greet = await conn.reply();
      if (greet.code !== 220) throw new Error(`greeting: ${greet.text}`);
      await conn.send('EHLO load.bench.test\r\n', 2, 'EHLO');
      if (authLine) {
        const t0 = process.hrtime.bigint();
        await conn.send(authLine, 2, 'AUTH');
        result.authMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      return conn;
    } catch (err) {
      conn.quit();
      throw err;
    }
  };

  const worker = async () => {
    let conn: LoadConnection | null = null;
    while (next < opts.messages && result.failures <= 50) {
      if (Date.now() > deadline) { result.capped = true; break; }
      const seq = next++;
      try {
        conn ??= await openSession();
        await conn.send(`MAIL FROM:<${opts.from}>\r\n`, 2, 'MAIL');
        await conn.send(`RCPT TO:<${opts.to}>\r\n`, 2, 'RCPT');
        await conn.send('DATA\r\n', 3, 'DATA');
        const msg = buildMessage(opts, seq);
        const t0 = process.hrtime.bigint();
        await conn.send(msg, 2, 'end of DATA');
        const t1 = process.hrtime.bigint();
        result.latenciesMs.push(Number(t1 - t0) / 1e6);
        result.accepted++;
        if (t1 > result.finishedAt) result.finishedAt = t1;
        if (opts.connectionPerMessage) { conn.quit(); conn = null; }
      } catch (err) {
        fail(err);
        conn?.quit();
        conn = null;
      }
    }
    conn?.quit();
  };

  await Promise.all(Array.from({ length: Math.max(1, opts.sessions) }, () => worker()));
  if (result.accepted === 0) result.finishedAt = process.hrtime.bigint();
  return result;
}
