// A latency probe: a raw-socket SMTP client that sends messages one after another over one
// session and times each from the end of DATA (the CRLF.CRLF leaving the socket) to the server's
// 2xx reply, which is when the server says the message is durably its own.

import net from 'node:net';

export interface ProbeOptions {
  port: number;
  from: string;
  to: string;
  /** Body bytes per message, headers not counted (as smtp-source -l). */
  bodySize: number;
  /** Most messages to send. */
  count: number;
  /** Least time between the starts of two messages (0: back to back). */
  intervalMs?: number;
  /** Stop early once this returns true (checked between messages). */
  stop?: () => boolean;
  /** Hard cap on the probe's running time. */
  timeLimitMs: number;
  label: string;
}

export interface ProbeResult {
  /** End of DATA to the 250 reply, per message. */
  latenciesMs: number[];
  /** MAIL FROM sent to the final 250, per message (the whole transaction on an open session). */
  transactionMs: number[];
  failures: number;
  firstFailure: string | null;
}

class SmtpConnection {
  private buf = '';
  private waiters: ((line: { code: number; text: string } | Error) => void)[] = [];
  private replyLines: string[] = [];
  private closedErr: Error | null = null;

  private constructor(private readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d) => this.onData(d.toString('latin1')));
    const fail = (e: Error) => {
      this.closedErr = e;
      for (const w of this.waiters.splice(0)) w(e);
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('connection closed')));
  }

  static open(port: number): Promise<SmtpConnection> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: '127.0.0.1', port }, () => resolve(new SmtpConnection(sock)));
      sock.once('error', reject);
    });
  }

  private onData(text: string): void {
    this.buf += text;
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i).replace(/\r$/, '');
      this.buf = this.buf.slice(i + 1);
      this.replyLines.push(line);
      // "250-" continues a multi-line reply; "250 " (or a bare code) ends it.
      if (line.length < 4 || line[3] !== '-') {
        const code = Number(line.slice(0, 3));
        const reply = { code, text: this.replyLines.join('\n') };
        this.replyLines = [];
        const w = this.waiters.shift();
        if (w) w(reply);
      }
    }
  }

  /** Waits for the next complete reply. */
  reply(): Promise<{ code: number; text: string }> {
    if (this.closedErr) return Promise.reject(this.closedErr);
    return new Promise((resolve, reject) => {
      this.waiters.push((r) => (r instanceof Error ? reject(r) : resolve(r)));
    });
  }

  write(data: string | Buffer): void {
    this.sock.write(data);
  }

  async command(line: string, expect: number): Promise<void> {
    const p = this.reply();
    this.write(line + '\r\n');
    const r = await p;
    if (Math.floor(r.code / 100) !== expect) throw new Error(`${line.split(' ')[0]}: ${r.text}`);
  }

  close(): void {
    this.sock.end('QUIT\r\n');
    this.sock.destroy();
  }
}

function message(opts: ProbeOptions, seq: number): Buffer {
  const headers = [
    `From: <${opts.from}>`,
    `To: <${opts.to}>`,
    `Subject: latency probe ${opts.label} ${seq}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <probe-${opts.label}-${process.pid}-${seq}-${Date.now()}@bench.test>`,
    '',
  ].join('\r\n');
  // Body lines of 78 characters plus CRLF, trimmed to the requested size; no line starts with '.'.
  const line = 'x'.repeat(78) + '\r\n';
  let body = line.repeat(Math.ceil(opts.bodySize / line.length)).slice(0, opts.bodySize);
  body = body.replace(/\r?\n?$/, '') + '\r\n';
  return Buffer.from(headers + '\r\n' + body + '.\r\n', 'latin1');
}

/** Sends up to opts.count messages in sequence and returns the DATA-end to 250 latencies. */
export async function runProbe(opts: ProbeOptions): Promise<ProbeResult> {
  const latenciesMs: number[] = [];
  const transactionMs: number[] = [];
  let failures = 0;
  let firstFailure: string | null = null;
  const deadline = Date.now() + opts.timeLimitMs;
  let conn: SmtpConnection | null = null;
  let nextStart = Date.now();
  for (let seq = 0; seq < opts.count; seq++) {
    if (opts.intervalMs) {
      const wait = nextStart - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      nextStart = Math.max(nextStart + opts.intervalMs, Date.now());
    }
    if (Date.now() > deadline || opts.stop?.()) break;
    try {
      if (!conn) {
        conn = await SmtpConnection.open(opts.port);
        const greet = await conn.reply();
        if (greet.code !== 220) throw new Error(`greeting: ${greet.text}`);
        await conn.command('EHLO probe.bench.test', 2);
      }
      const tMail = process.hrtime.bigint();
      await conn.command(`MAIL FROM:<${opts.from}>`, 2);
      await conn.command(`RCPT TO:<${opts.to}>`, 2);
      await conn.command('DATA', 3);
      const msg = message(opts, seq);
      const p = conn.reply();
      const t0 = process.hrtime.bigint();
      conn.write(msg);
      const r = await p;
      const t1 = process.hrtime.bigint();
      if (r.code !== 250) throw new Error(`end of DATA: ${r.text}`);
      latenciesMs.push(Number(t1 - t0) / 1e6);
      transactionMs.push(Number(t1 - tMail) / 1e6);
    } catch (err) {
      failures++;
      firstFailure ??= (err as Error).message;
      conn?.close();
      conn = null;
      if (failures > 20) break;
    }
  }
  conn?.close();
  return { latenciesMs, transactionMs, failures, firstFailure };
}

/** The q-th quantile (0..1) by nearest rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Times connect → 220 greeting for `count` fresh connections in sequence (QUIT after each). */
export async function greetingLatency(port: number, count: number, timeLimitMs: number): Promise<number[]> {
  const out: number[] = [];
  const deadline = Date.now() + timeLimitMs;
  for (let i = 0; i < count && Date.now() < deadline; i++) {
    const t0 = process.hrtime.bigint();
    try {
      const conn = await SmtpConnection.open(port);
      const greet = await conn.reply();
      const t1 = process.hrtime.bigint();
      if (greet.code === 220) out.push(Number(t1 - t0) / 1e6);
      conn.close();
    } catch {
      // counted by its absence
    }
  }
  return out;
}
