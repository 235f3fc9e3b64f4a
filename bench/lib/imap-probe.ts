// A small raw IMAP client for measurements: one socket, tagged commands, untagged responses
// handed to a callback as they arrive (so FETCH 1:* over 100,000 messages is not held in memory
// unless asked), literals in responses read by their announced size, IDLE. Timings are taken
// from the command leaving the socket to its tagged completion arriving.

import net from 'node:net';
import tls from 'node:tls';

export interface ImapCompletion {
  status: 'OK' | 'NO' | 'BAD';
  /** The tagged line after the status. */
  text: string;
  /** Untagged responses, when collected. */
  untagged: string[];
  /** Command written → tagged reply read, in ms. */
  ms: number;
  /** Bytes the server sent for this command. */
  bytes: number;
}

export interface CommandOptions {
  /** Keep the untagged responses in the completion (default true). */
  collect?: boolean;
  onUntagged?: (response: string) => void;
  timeoutMs?: number;
}

interface Pending {
  tag: string;
  collect: boolean;
  untagged: string[];
  onUntagged?: (response: string) => void;
  resolve: (c: ImapCompletion) => void;
  reject: (e: Error) => void;
  t0: bigint;
  bytes: number;
  timer: NodeJS.Timeout | null;
}

export class ImapProtocolError extends Error {}

export class ImapConnection {
  greeting = '';
  closed = false;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** A response being assembled across literals. */
  private partial: Buffer[] = [];
  private literalLeft = 0;
  private pending: Pending | null = null;
  private tagCounter = 0;
  private continuationWaiters: ((line: string) => void)[] = [];
  private untaggedListeners = new Set<(r: string) => void>();
  private greetingWaiter: ((line: string) => void) | null = null;
  private closeError: Error | null = null;

  private constructor(private readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => this.onData(d));
    const fail = (e: Error) => {
      this.closed = true;
      this.closeError = e;
      if (this.pending) { const p = this.pending; this.pending = null; if (p.timer) clearTimeout(p.timer); p.reject(e); }
    };
    sock.on('error', fail);
    sock.on('close', () => fail(this.closeError ?? new Error('connection closed')));
  }

  /** Connects (plain, or implicit TLS without certificate checks) and reads the greeting. */
  static connect(opts: { port: number; host?: string; tls?: boolean; timeoutMs?: number; localAddress?: string }): Promise<ImapConnection> {
    return new Promise((resolve, reject) => {
      const host = opts.host ?? '127.0.0.1';
      const local = opts.localAddress ? { localAddress: opts.localAddress } : {};
      const sock: net.Socket = opts.tls
        ? tls.connect({ host, port: opts.port, rejectUnauthorized: false, ...local })
        : net.connect({ host, port: opts.port, ...local });
      const timer = setTimeout(() => { sock.destroy(); reject(new Error(`IMAP connect to ${host}:${opts.port}: no greeting within ${opts.timeoutMs ?? 10000} ms`)); }, opts.timeoutMs ?? 10000);
      const onErr = (e: Error) => { clearTimeout(timer); reject(e); };
      sock.once('error', onErr);
      const conn = new ImapConnection(sock);
      conn.greetingWaiter = (line) => {
        clearTimeout(timer);
        sock.off('error', onErr);
        conn.greeting = line;
        if (/^\* (OK|PREAUTH)/i.test(line)) resolve(conn);
        else { sock.destroy(); reject(new ImapProtocolError(`greeting: ${line}`)); }
      };
    });
  }

  private onData(d: Buffer): void {
    if (this.pending) this.pending.bytes += d.length;
    this.chunks.push(d);
    this.buffered += d.length;
    this.parse();
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }

  private parse(): void {
    for (;;) {
      if (this.literalLeft > 0) {
        if (this.buffered === 0) return;
        const n = Math.min(this.literalLeft, this.buffered);
        this.partial.push(this.take(n));
        this.literalLeft -= n;
        if (this.literalLeft > 0) return;
        continue;
      }
      if (this.buffered === 0) return;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      this.chunks = [all];
      const nl = all.indexOf(0x0a);
      if (nl < 0) return;
      const line = this.take(nl + 1);
      this.partial.push(line);
      // Only a line ending in "}" CRLF can announce a literal: the regex runs for those alone
      // (FETCH 1:* brings 100,000 lines, and the client's time counts in both servers' figures).
      const end = line.length - (line.length > 1 && line[line.length - 2] === 0x0d ? 2 : 1);
      if (end > 0 && line[end - 1] === 0x7d) {
        const m = /\{(\d+)\+?\}\r?\n$/.exec(line.subarray(Math.max(0, line.length - 24)).toString('latin1'));
        if (m) { this.literalLeft = Number(m[1]); if (this.literalLeft > 0) continue; }
      }
      const response = this.partial.length === 1
        ? line.toString('latin1', 0, end)
        : Buffer.concat(this.partial).toString('latin1').replace(/\r?\n$/, '');
      this.partial = [];
      this.dispatch(response);
    }
  }

  private dispatch(response: string): void {
    if (this.greetingWaiter) { const w = this.greetingWaiter; this.greetingWaiter = null; w(response); return; }
    if (response.startsWith('+')) {
      const w = this.continuationWaiters.shift();
      if (w) w(response);
      return;
    }
    if (response.startsWith('* ')) {
      for (const l of this.untaggedListeners) l(response);
      const p = this.pending;
      if (p) { if (p.collect) p.untagged.push(response); p.onUntagged?.(response); }
      return;
    }
    const p = this.pending;
    const sp = response.indexOf(' ');
    if (p && response.slice(0, sp) === p.tag) {
      this.pending = null;
      if (p.timer) clearTimeout(p.timer);
      const rest = response.slice(sp + 1);
      const status = rest.slice(0, rest.indexOf(' ') < 0 ? rest.length : rest.indexOf(' ')).toUpperCase();
      if (status !== 'OK' && status !== 'NO' && status !== 'BAD') { p.reject(new ImapProtocolError(`bad tagged reply: ${response}`)); return; }
      p.resolve({ status, text: rest.slice(status.length + 1), untagged: p.untagged, ms: Number(process.hrtime.bigint() - p.t0) / 1e6, bytes: p.bytes });
    }
  }

  nextTag(): string {
    return `b${++this.tagCounter}`;
  }

  /** Sends `TAG line` and resolves with the tagged completion (NO/BAD resolve, not reject). */
  command(line: string, opts: CommandOptions = {}): Promise<ImapCompletion> {
    if (this.closed) return Promise.reject(this.closeError ?? new Error('connection closed'));
    if (this.pending) return Promise.reject(new Error('a command is already running'));
    const tag = this.nextTag();
    return new Promise((resolve, reject) => {
      const p: Pending = { tag, collect: opts.collect ?? true, untagged: [], onUntagged: opts.onUntagged, resolve, reject, t0: process.hrtime.bigint(), bytes: 0, timer: null };
      if (opts.timeoutMs) p.timer = setTimeout(() => { if (this.pending === p) { this.pending = null; reject(new Error(`${line.split(' ')[0]}: no tagged reply within ${opts.timeoutMs} ms`)); } }, opts.timeoutMs);
      this.pending = p;
      // latin1: a literal's bytes pass through as given (callers encode non-ASCII text to bytes first).
      this.sock.write(`${tag} ${line}\r\n`, 'latin1');
    });
  }

  /** command() that throws unless the server said OK. */
  async ok(line: string, opts: CommandOptions = {}): Promise<ImapCompletion> {
    const c = await this.command(line, opts);
    if (c.status !== 'OK') throw new ImapProtocolError(`${line.replace(/^(LOGIN \S+) .*/i, '$1 ***')}: ${c.status} ${c.text}`);
    return c;
  }

  /** LOGIN with quoted arguments. */
  login(user: string, password: string, timeoutMs = 60000): Promise<ImapCompletion> {
    const q = (s: string) => `"${s.replace(/[\\"]/g, (c) => '\\' + c)}"`;
    return this.ok(`LOGIN ${q(user)} ${q(password)}`, { timeoutMs });
  }

  /** Starts IDLE and resolves with the server's continuation line ("+ idling"). The tagged
   * completion comes after done(). */
  idle(timeoutMs = 30000): Promise<{ continuation: string; done: () => Promise<ImapCompletion> }> {
    if (this.pending) return Promise.reject(new Error('a command is already running'));
    const tag = this.nextTag();
    let completion!: Promise<ImapCompletion>;
    const cont = new Promise<string>((resolve, reject) => {
      let continued = false;
      const waiter = (l: string) => { continued = true; clearTimeout(timer); resolve(l); };
      const timer = setTimeout(() => reject(new Error(`IDLE: no continuation within ${timeoutMs} ms`)), timeoutMs);
      this.continuationWaiters.push(waiter);
      completion = new Promise<ImapCompletion>((res, rej) => {
        this.pending = { tag, collect: false, untagged: [], resolve: res, reject: (e) => { clearTimeout(timer); rej(e); reject(e); }, t0: process.hrtime.bigint(), bytes: 0, timer: null };
      });
      completion.then((c) => {
        if (continued) return;
        // A tagged reply instead of "+": IDLE was refused.
        clearTimeout(timer);
        this.continuationWaiters = this.continuationWaiters.filter((w) => w !== waiter);
        reject(new ImapProtocolError(`IDLE: ${c.status} ${c.text}`));
      }, () => undefined);
      this.sock.write(`${tag} IDLE\r\n`);
    });
    return cont.then((continuation) => ({
      continuation,
      done: () => { this.sock.write('DONE\r\n'); return completion; },
    }));
  }

  /** Calls fn for every untagged response, whatever command runs (IDLE included). */
  onUntagged(fn: (r: string) => void): () => void {
    this.untaggedListeners.add(fn);
    return () => this.untaggedListeners.delete(fn);
  }

  /** Resolves with the first untagged response that matches, or rejects after timeoutMs. */
  waitUntagged(pred: (r: string) => boolean, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const off = this.onUntagged((r) => { if (pred(r)) { clearTimeout(timer); off(); resolve(r); } });
      const timer = setTimeout(() => { off(); reject(new Error(`no matching untagged response within ${timeoutMs} ms`)); }, timeoutMs);
    });
  }

  /** LOGOUT and close; never throws. */
  async logout(timeoutMs = 5000): Promise<void> {
    if (!this.closed) await this.command('LOGOUT', { timeoutMs }).catch(() => undefined);
    this.destroy();
  }

  destroy(): void {
    this.closed = true;
    this.sock.destroy();
  }
}

/** Whether something on 127.0.0.1:port greets with "* OK". */
export function imapGreets(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (v: boolean) => { sock.destroy(); resolve(v); };
    sock.setTimeout(2000, () => done(false));
    sock.on('data', (d: Buffer) => { buf += d.toString('latin1'); if (buf.includes('\n')) done(/^\* (OK|PREAUTH)/.test(buf)); });
    sock.on('error', () => done(false));
  });
}
