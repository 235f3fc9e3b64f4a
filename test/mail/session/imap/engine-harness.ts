// IMAP session harness: the real service (listeners, sessions) on loopback, over a real store
// and directory in a temp directory, and a scripted client that reads responses (literals
// included) and can switch to TLS or DEFLATE mid-stream.

import net from 'node:net';
import tls from 'node:tls';
import zlib from 'node:zlib';
import { createLogger, silentLogger } from '../../../../core/log.js';
import { AuthPenalty } from '../../../../mail/auth/auth-penalty.js';
import type { ImapLimits } from '../../../../mail/session/imap/deps.js';
import { startImapService, type ImapService } from '../../../../mail/session/imap/index.js';
import { SqliteDirectory } from '../../../../mail/store/sqlite/directory.js';
import { chunks, openStoreFixture, type StoreFixture } from '../../store/store-fixture.js';
import { selfSignedCert } from '../smtp/harness.js';

export const PASSWORD = 'Vq7!trellis-Oxbow-42';
export const ALICE = 'alice@example.test';
export const BOB = 'bob@example.test';
/** Alice's quota: 10 MiB. Bob has none. */
export const ALICE_QUOTA = 10 * 1024 * 1024;

export interface ImapHarness {
  store: StoreFixture;
  directory: SqliteDirectory;
  service: ImapService;
  delays: number[];
  logs: Record<string, unknown>[];
  aliceId: string;
  bobId: string;
  deliver(raw: string | Buffer, options?: { userId?: string; folder?: string; flags?: string[] }): Promise<void>;
  connect(which?: 'imap' | 'imaps'): Promise<ImapTestClient>;
  /** Connects (TLS port), reads the greeting and logs in. */
  login(user?: string): Promise<ImapTestClient>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  allowInsecureAuth?: boolean;
  tls?: boolean;
  limits?: Partial<ImapLimits>;
  /** The listeners' limits (default 50 per IP, 100 in all). */
  connections?: { connectionsPerIp?: number; maxConnections?: number };
}

export async function imapHarness(options: HarnessOptions = {}): Promise<ImapHarness> {
  const store = await openStoreFixture();
  const directory = new SqliteDirectory({ db: store.db, mailStore: store.store, logger: silentLogger });
  await directory.addDomain('example.test');
  const alice = await directory.addUser(ALICE, PASSWORD, { quota: ALICE_QUOTA });
  const bob = await directory.addUser(BOB, PASSWORD);
  const logs: Record<string, unknown>[] = [];
  const delays: number[] = [];
  const logger = createLogger({ level: 'debug', sink: { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) } });
  const service = await startImapService({
    hostname: 'mx.example.test',
    listen: { imap: '127.0.0.1:0', imaps: '127.0.0.1:0' },
    tls: options.tls === false ? null : selfSignedCert(),
    limits: {
      maxLineLength: 8192, maxLiteralSize: 8192, appendLimit: 1024 * 1024, idleTimeout: 600, preAuthTimeout: 60,
      maxErrors: 10, connectionsPerUser: 5, connectionsPerIp: 50, maxConnections: 100,
      ...options.limits, ...options.connections,
    },
    allowInsecureAuth: options.allowInsecureAuth ?? false,
    directory, mailStore: store.store, logger,
    authPenalty: new AuthPenalty({ baseMs: 100, maxMs: 1000 }),
    version: '9.8.7',
    sleep: async (ms) => { delays.push(ms); },
  });
  const h: ImapHarness = {
    store, directory, service, delays, logs, aliceId: alice.id, bobId: bob.id,
    async deliver(raw, opts = {}) {
      const tx = store.store.beginDelivery();
      tx.addRecipient({ userId: opts.userId ?? alice.id, ...(opts.folder ? { folder: opts.folder } : {}), ...(opts.flags ? { flags: opts.flags } : {}) });
      await tx.writeBody(chunks(raw, 7));
      await tx.commit();
    },
    async connect(which = 'imap') {
      return ImapTestClient.connect(service.addresses[which]!.port, which === 'imaps');
    },
    async login(user = ALICE) {
      const c = await h.connect('imaps');
      await c.line();
      const r = await c.command(`LOGIN ${user} "${PASSWORD}"`);
      if (!r.tagged.includes(' OK ')) throw new Error(`login failed: ${r.tagged}`);
      return c;
    },
    async close() {
      await service.close(500);
      await store.cleanup();
    },
  };
  return h;
}

export interface TaggedResponse {
  /** Untagged and continuation lines before the tagged one (literals inlined). */
  untagged: string[];
  tagged: string;
}

/** Reads IMAP responses as latin1 text; a `{n}` at a line's end pulls the literal into the line. */
export class ImapTestClient {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private tagCounter = 0;
  private inflater: zlib.InflateRaw | null = null;
  private deflater: zlib.DeflateRaw | null = null;
  closed = false;

  private constructor(private socket: net.Socket | tls.TLSSocket) {
    this.attach(socket);
  }

  static async connect(port: number, implicitTls: boolean): Promise<ImapTestClient> {
    const socket = implicitTls
      ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false })
      : net.connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => { socket.once(implicitTls ? 'secureConnect' : 'connect', resolve); socket.once('error', reject); });
    return new ImapTestClient(socket);
  }

  private readonly onData = (d: Buffer) => {
    if (this.inflater) this.inflater.write(d);
    else this.received(d);
  };

  private received(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    this.wake();
  }

  private attach(socket: net.Socket | tls.TLSSocket): void {
    socket.on('data', this.onData);
    socket.on('close', () => {
      // Compressed bytes that arrived just before the close are still being inflated.
      if (this.inflater) this.inflater.flush(() => { this.closed = true; this.wake(); });
      else { this.closed = true; this.wake(); }
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Bytes received and not yet read, as text. */
  get pending(): string {
    return this.buffer.toString('latin1');
  }

  private async waitMore(deadline: number): Promise<void> {
    if (this.closed) throw new Error(`connection closed; buffered: ${JSON.stringify(this.pending)}`);
    if (Date.now() > deadline) throw new Error(`timeout; buffered: ${JSON.stringify(this.pending)}`);
    await new Promise<void>((resolve) => { this.waiters.push(resolve); setTimeout(resolve, 50); });
  }

  /** One response line without CRLF; literals announced at a line's end are read into it. */
  async line(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let out = '';
    for (;;) {
      const i = this.buffer.indexOf('\r\n');
      if (i < 0) { await this.waitMore(deadline); continue; }
      const text = this.buffer.toString('latin1', 0, i);
      const literal = /\{(\d+)\}$/.exec(text);
      if (!literal) {
        this.buffer = this.buffer.subarray(i + 2);
        return out + text;
      }
      const n = Number(literal[1]);
      while (this.buffer.length < i + 2 + n) await this.waitMore(deadline);
      out += text + '\r\n' + this.buffer.toString('latin1', i + 2, i + 2 + n);
      this.buffer = this.buffer.subarray(i + 2 + n);
    }
  }

  nextTag(): string {
    return `a${++this.tagCounter}`;
  }

  send(data: string | Buffer): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (this.deflater) {
      this.deflater.write(bytes);
      this.deflater.flush(zlib.constants.Z_SYNC_FLUSH);
    } else {
      this.socket.write(bytes);
    }
  }

  /** Reads lines until the one tagged `tag`. */
  async until(tag: string, timeoutMs = 5000): Promise<TaggedResponse> {
    const untagged: string[] = [];
    for (;;) {
      const l = await this.line(timeoutMs);
      if (l.startsWith(`${tag} `)) return { untagged, tagged: l };
      untagged.push(l);
    }
  }

  /** Sends `tag text` and reads up to its tagged reply. */
  async command(text: string, tag = this.nextTag()): Promise<TaggedResponse> {
    this.send(`${tag} ${text}\r\n`);
    return this.until(tag);
  }

  /** STARTTLS and the handshake; returns the tagged reply. */
  async startTls(): Promise<string> {
    const r = await this.command('STARTTLS');
    if (!/ OK /.test(r.tagged)) return r.tagged;
    await this.upgradeTls();
    return r.tagged;
  }

  async upgradeTls(): Promise<void> {
    const raw = this.socket as net.Socket;
    raw.off('data', this.onData);
    raw.removeAllListeners('close');
    const secure = tls.connect({ socket: raw, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => { secure.once('secureConnect', resolve); secure.once('error', reject); });
    this.socket = secure;
    this.attach(secure);
  }

  /** COMPRESS DEFLATE; from its OK on, both directions are raw deflate. */
  async compress(): Promise<string> {
    const r = await this.command('COMPRESS DEFLATE');
    if (!/ OK /.test(r.tagged)) return r.tagged;
    const inflater = zlib.createInflateRaw();
    inflater.on('data', (d: Buffer) => this.received(d));
    const deflater = zlib.createDeflateRaw();
    deflater.on('data', (d: Buffer) => this.socket.write(d));
    this.inflater = inflater;
    this.deflater = deflater;
    // Whatever arrived after the OK in the same packet is compressed already.
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    if (rest.length > 0) inflater.write(rest);
    return r.tagged;
  }

  async waitClosed(timeoutMs = 3000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  /** Everything until the server closes the connection. */
  async rest(timeoutMs = 3000): Promise<string> {
    await this.waitClosed(timeoutMs);
    const text = this.pending;
    this.buffer = Buffer.alloc(0);
    return text;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
