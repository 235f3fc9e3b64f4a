// The filter benchmark's load: S sessions at once, each over one kept-open connection, sending
// messages back to back until N have been sent in all, and timing every message from the end of
// DATA leaving the socket to the server's reply. Unlike a paced probe beside smtp-source, every
// message of the load is measured, so p50/p99 are over all N at exactly S in flight.
// Also sends single messages and returns the reply (the refusals of GTUBE and EICAR).

import net from 'node:net';

export interface Reply {
  code: number;
  text: string;
}

class SmtpSession {
  private buf = '';
  private lines: string[] = [];
  private waiters: ((r: Reply | Error) => void)[] = [];
  private closed: Error | null = null;

  private constructor(private readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => this.onData(d.toString('latin1')));
    const fail = (e: Error) => {
      this.closed ??= e;
      for (const w of this.waiters.splice(0)) w(e);
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('connection closed')));
  }

  static open(port: number): Promise<SmtpSession> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: '127.0.0.1', port }, () => { sock.off('error', reject); resolve(new SmtpSession(sock)); });
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
      if (line.length < 4 || line[3] !== '-') {
        const reply = { code: Number(line.slice(0, 3)), text: this.lines.join('\n') };
        this.lines = [];
        this.waiters.shift()?.(reply);
      }
    }
  }

  reply(): Promise<Reply> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => this.waiters.push((r) => (r instanceof Error ? reject(r) : resolve(r))));
  }

  async send(data: string | Buffer): Promise<Reply> {
    const p = this.reply();
    this.sock.write(data);
    return p;
  }

  async expect(line: string, klass: number): Promise<void> {
    const r = await this.send(line + '\r\n');
    if (Math.floor(r.code / 100) !== klass) throw new Error(`${line.split(/[ :]/)[0]}: ${r.text}`);
  }

  close(): void {
    this.sock.end('QUIT\r\n');
    this.sock.destroy();
  }
}

export interface LoadOptions {
  port: number;
  sessions: number;
  messages: number;
  from: string;
  to: string;
  /** The DATA section of message i, dot-stuffed and ending in CRLF.CRLF. */
  message: (i: number) => Buffer;
  /** Stop sending after this long; what was measured so far counts, the run is marked capped. */
  capMs: number;
}

export interface LoadResult {
  /** End of DATA → 250, per accepted message. */
  latenciesMs: number[];
  accepted: number;
  /** Messages answered other than 250 at the end of DATA, with the first such reply. */
  refused: number;
  firstRefusal: string | null;
  /** Sessions that broke (connection lost, unexpected reply before DATA). */
  errors: number;
  firstError: string | null;
  /** First connection until the last reply. */
  wallMs: number;
  capped: boolean;
}

async function openSession(port: number): Promise<SmtpSession> {
  const s = await SmtpSession.open(port);
  const greet = await s.reply();
  if (greet.code !== 220) { s.close(); throw new Error(`greeting: ${greet.text}`); }
  await s.expect('EHLO client.bench.test', 2);
  return s;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const r: LoadResult = { latenciesMs: [], accepted: 0, refused: 0, firstRefusal: null, errors: 0, firstError: null, wallMs: 0, capped: false };
  let next = 0;
  // Sessions open before the clock starts: the MX's greeting wait (limits.greetingWait) is a
  // per-connection cost that the filters do not change.
  const opened = await Promise.all(Array.from({ length: o.sessions }, () => openSession(o.port)));
  const t0 = performance.now();
  const deadline = t0 + o.capMs;
  const session = async (first: SmtpSession) => {
    let s: SmtpSession | null = first;
    while (next < o.messages) {
      if (performance.now() > deadline) { r.capped = true; break; }
      const i = next++;
      try {
        s ??= await openSession(o.port);
        await s.expect(`MAIL FROM:<${o.from}>`, 2);
        await s.expect(`RCPT TO:<${o.to}>`, 2);
        await s.expect('DATA', 3);
        const data = o.message(i);
        const sent = performance.now();
        const reply = await s.send(data);
        const ms = performance.now() - sent;
        if (reply.code === 250) { r.accepted++; r.latenciesMs.push(ms); } else { r.refused++; r.firstRefusal ??= reply.text; }
      } catch (err) {
        r.errors++;
        r.firstError ??= (err as Error).message;
        s?.close();
        s = null;
        if (r.errors > 50) break;
      }
    }
    s?.close();
  };
  await Promise.all(opened.map(session));
  r.wallMs = performance.now() - t0;
  return r;
}

/** One transaction on a new connection; the reply to the end of DATA. */
export async function sendOne(port: number, from: string, to: string, data: Buffer): Promise<Reply> {
  const s = await openSession(port);
  try {
    await s.expect(`MAIL FROM:<${from}>`, 2);
    await s.expect(`RCPT TO:<${to}>`, 2);
    await s.expect('DATA', 3);
    return await s.send(data);
  } finally {
    s.close();
  }
}

/** The q-th quantile (0..1) by nearest rank; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
