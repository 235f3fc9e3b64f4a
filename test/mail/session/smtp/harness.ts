// Session-test harness: an in-memory socket pair that smtp-server accepts through
// server.connect(), a scripted client, and fakes of the Directory and MailStore.

import { Duplex } from 'node:stream';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Directory, MailStore, DeliveryTransaction, DeliveryTarget, DeliveryReceipt, Resolution, User } from '../../../../mail/store/contracts.js';
import type { Check } from '../../../../mail/pipeline/contracts.js';
import { createLogger, type Logger } from '../../../../core/log.js';
import { SmtpSessionServer } from '../../../../mail/session/smtp/smtp-session-server.js';
import type { SmtpSessionDeps } from '../../../../mail/session/smtp/deps.js';
import { SmtpListener } from '../../../../mail/listener/smtp-listener.js';

/** One end of an in-memory connection, with the bits of net.Socket smtp-server uses. */
export class MemorySocket extends Duplex {
  peer!: MemorySocket;
  remoteAddress: string;
  remotePort = 40000;
  localAddress = '127.0.0.1';
  localPort = 25;
  private idleMs = 0;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(remoteAddress = '192.0.2.10') {
    super({ allowHalfOpen: false });
    this.remoteAddress = remoteAddress;
  }

  get readyState(): string {
    if (this.destroyed) return 'closed';
    if (this.writableEnded) return this.readableEnded ? 'closed' : 'readOnly';
    return this.readableEnded ? 'writeOnly' : 'open';
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.touch();
    if (!this.peer.destroyed && !this.peer.readableEnded) {
      this.peer.touch();
      this.peer.push(chunk);
    }
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.peer.destroyed) this.peer.push(null);
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (!this.peer.destroyed && !this.peer.readableEnded) this.peer.push(null);
    cb(err);
  }

  setTimeout(ms: number, cb?: () => void): this {
    if (cb) this.once('timeout', cb);
    this.idleMs = ms;
    this.touch();
    return this;
  }
  setNoDelay(): this { return this; }
  setKeepAlive(): this { return this; }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.idleMs > 0 && !this.destroyed) {
      this.idleTimer = setTimeout(() => this.emit('timeout'), this.idleMs);
      this.idleTimer.unref();
    }
  }
}

export function socketPair(remoteAddress?: string): { server: MemorySocket; client: MemorySocket } {
  const server = new MemorySocket(remoteAddress);
  const client = new MemorySocket('127.0.0.1');
  server.peer = client;
  client.peer = server;
  return { server, client };
}

export interface Reply { code: number; lines: string[]; text: string }

/** Reads replies and writes commands on the client end of a pair. */
export class ScriptedClient {
  private buffer = '';
  private waiters: (() => void)[] = [];
  ended = false;
  /** Everything the server sent, for "no 250 yet" assertions. */
  transcript = '';

  constructor(readonly socket: MemorySocket) {
    socket.on('data', (chunk: Buffer) => {
      const s = chunk.toString('latin1');
      this.buffer += s;
      this.transcript += s;
      this.wake();
    });
    socket.on('end', () => { this.ended = true; this.wake(); });
    socket.on('close', () => { this.ended = true; this.wake(); });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** The next complete reply, or null when the connection closed first. */
  async reply(timeoutMs = 3000): Promise<Reply | null> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const lines: string[] = [];
      let pos = 0;
      let complete = false;
      while (true) {
        const nl = this.buffer.indexOf('\r\n', pos);
        if (nl < 0) break;
        const line = this.buffer.slice(pos, nl);
        pos = nl + 2;
        lines.push(line);
        if (line.length < 4 || line[3] === ' ') { complete = true; break; }
      }
      if (complete) {
        this.buffer = this.buffer.slice(pos);
        return { code: Number(lines[0]!.slice(0, 3)), lines, text: lines.map((l) => l.slice(4)).join('\n') };
      }
      if (this.ended) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs} ms; got so far: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** Sends a command and returns its reply. */
  async command(text: string): Promise<Reply> {
    this.send(text + '\r\n');
    const r = await this.reply();
    if (!r) throw new Error(`connection closed after ${text}`);
    return r;
  }

  async closed(timeoutMs = 3000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.ended;
  }
}

export function user(address: string, quota: number | null = null): User {
  return { id: `u-${address}`, address, quota, createdAt: new Date(0) };
}

/** A directory of example.test: users, aliases; anything else is foreign. */
export class FakeDirectory {
  users = new Map<string, User>();
  aliases = new Map<string, string[]>();
  domains = new Set(['example.test']);
  failing = false;

  addUser(address: string, quota: number | null = null): User {
    const u = user(address, quota);
    this.users.set(address, u);
    return u;
  }

  async resolve(address: string): Promise<Resolution> {
    if (this.failing) throw new Error('directory down');
    const domain = address.slice(address.lastIndexOf('@') + 1);
    if (!this.domains.has(domain)) return { kind: 'foreign' };
    const u = this.users.get(address);
    if (u) return { kind: 'mailboxes', users: [u] };
    const targets = this.aliases.get(address);
    if (targets) return { kind: 'mailboxes', users: targets.map((t) => this.users.get(t)!).filter(Boolean) };
    return { kind: 'unknown' };
  }

  asDirectory(): Directory {
    return this as unknown as Directory;
  }
}

export interface StoredFake { id: string; recipients: string[]; body: string }

export class FakeMailStore {
  stored: StoredFake[] = [];
  aborted: string[] = [];
  begun = 0;
  usageBytes = new Map<string, number>();
  /** When set, commit() waits for it. */
  commitGate: Promise<void> | null = null;
  /** When set, writeBody() or commit() fails. */
  failAt: 'write' | 'commit' | null = null;
  private seq = 0;

  beginDelivery(): DeliveryTransaction {
    this.begun++;
    const id = `Q${++this.seq}`;
    const recipients: DeliveryTarget[] = [];
    let body = '';
    const store = this as FakeMailStore;
    return {
      id,
      addRecipient(t) { recipients.push(t); },
      async writeBody(it) {
        for await (const c of it) {
          body += typeof c === 'string' ? c : c.toString('latin1');
          if (store.failAt === 'write') throw new Error('disk on fire');
        }
        return { size: body.length };
      },
      async commit(): Promise<DeliveryReceipt> {
        if (store.commitGate) await store.commitGate;
        if (store.failAt === 'commit') throw new Error('fsync failed');
        store.stored.push({ id, recipients: recipients.map((r) => r.userId), body });
        return { id, size: body.length, blobId: `b-${id}`, delivered: recipients.map((r, i) => ({ userId: r.userId, folder: 'INBOX', uid: i + 1 })) };
      },
      async abort() { store.aborted.push(id); },
    };
  }

  async usage(userId: string): Promise<{ bytes: number; messages: number }> {
    return { bytes: this.usageBytes.get(userId) ?? 0, messages: 0 };
  }

  asMailStore(): MailStore {
    return this as unknown as MailStore;
  }
}

let cachedCert: { key: string; cert: string } | null = null;
/** A throwaway self-signed certificate for mx.example.test, made with openssl. */
export function selfSignedCert(): { key: string; cert: string } {
  if (cachedCert) return cachedCert;
  const dir = mkdtempSync(path.join(tmpdir(), 'mailroom-cert-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=mx.example.test'], { stdio: 'ignore' });
  cachedCert = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  return cachedCert;
}

export interface Harness {
  directory: FakeDirectory;
  store: FakeMailStore;
  session: SmtpSessionServer;
  listener: SmtpListener;
  logs: Record<string, unknown>[];
  /** Connects a client and reads the greeting. */
  connect(remoteAddress?: string): Promise<{ client: ScriptedClient; greeting: Reply | null }>;
}

export function harness(options: { limits?: Partial<SmtpSessionDeps['limits']>; connectionsPerIp?: number; maxConnections?: number; tls?: boolean; checks?: Check[] } = {}): Harness {
  const directory = new FakeDirectory();
  directory.addUser('alice@example.test');
  directory.addUser('bob@example.test');
  directory.aliases.set('team@example.test', ['alice@example.test', 'bob@example.test']);
  directory.aliases.set('al@example.test', ['alice@example.test']);
  const store = new FakeMailStore();
  const logs: Record<string, unknown>[] = [];
  const logger: Logger = createLogger({ level: 'debug', sink: { write: (line: string) => logs.push(JSON.parse(line)) } });
  const session = new SmtpSessionServer({
    hostname: 'mx.example.test',
    limits: { maxMessageSize: 1000, maxRecipients: 3, maxLineLength: 4096, idleTimeout: 300, maxErrors: 5, ...options.limits },
    tls: options.tls === false ? null : selfSignedCert(),
    directory: directory.asDirectory(),
    mailStore: store.asMailStore(),
    checks: options.checks ?? [],
    logger,
    now: () => new Date(Date.UTC(2024, 0, 2, 10, 0, 0)),
  });
  const listener = new SmtpListener({
    name: 'smtp', hostname: 'mx.example.test',
    limits: { connectionsPerIp: options.connectionsPerIp ?? 10, maxConnections: options.maxConnections ?? 100 },
    session, logger,
  });
  return {
    directory, store, session, listener, logs,
    async connect(remoteAddress = '192.0.2.10') {
      const pair = socketPair(remoteAddress);
      const client = new ScriptedClient(pair.client);
      listener.handle(pair.server);
      const greeting = await client.reply();
      return { client, greeting };
    },
  };
}

/** EHLO, MAIL FROM, RCPT TO each; returns the replies. */
export async function envelope(client: ScriptedClient, from: string, rcpts: string[]): Promise<Reply[]> {
  const out = [await client.command('EHLO client.example'), await client.command(`MAIL FROM:<${from}>`)];
  for (const r of rcpts) out.push(await client.command(`RCPT TO:<${r}>`));
  return out;
}
