// ManageSieve session harness, as for POP3 and IMAP: the real service (listener, sessions) on
// loopback over a real directory and Sieve store in a temp directory, and a scripted client
// (scripted-socket.ts) that reads whole responses (literals included) and can switch to TLS.

import { createLogger, silentLogger } from '../../../../core/log.js';
import { AuthPenalty } from '../../../../mail/auth/auth-penalty.js';
import { startManageSieveService, type ManageSieveService } from '../../../../mail/session/managesieve/index.js';
import { SqliteDirectory } from '../../../../mail/store/sqlite/directory.js';
import { SqliteSieveStore } from '../../../../mail/store/sqlite/sieve-store.js';
import { openStoreFixture, type StoreFixture } from '../../store/store-fixture.js';
import { openTestSocket, ScriptedSocket } from '../scripted-socket.js';
import { selfSignedCert } from '../smtp/harness.js';

export const PASSWORD = 'Vq7!trellis-Oxbow-42';
export const ALICE = 'alice@example.test';
export const LIMITS = { maxScriptSize: 2000, maxScripts: 3, maxRedirects: 4, maxLineLength: 1000, maxErrors: 10 };

export interface SieveHarness {
  store: StoreFixture;
  scripts: SqliteSieveStore;
  service: ManageSieveService;
  delays: number[];
  logs: Record<string, unknown>[];
  aliceId: string;
  connect(): Promise<ScriptedSieve>;
  /** Connects, reads the greeting, switches to TLS and logs in as Alice. */
  login(): Promise<ScriptedSieve>;
  close(): Promise<void>;
}

export async function sieveHarness(options: { tls?: boolean; allowInsecureAuth?: boolean } = {}): Promise<SieveHarness> {
  const store = await openStoreFixture();
  const directory = new SqliteDirectory({ db: store.db, mailStore: store.store, logger: silentLogger });
  await directory.addDomain('example.test');
  const alice = await directory.addUser(ALICE, PASSWORD);
  const scripts = new SqliteSieveStore(store.db);
  const logs: Record<string, unknown>[] = [];
  const delays: number[] = [];
  const logger = createLogger({ level: 'debug', sink: { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) } });
  const service = await startManageSieveService({
    hostname: 'mx.example.test',
    listen: '127.0.0.1:0',
    tls: options.tls === false ? null : selfSignedCert(),
    limits: { ...LIMITS, idleTimeout: 600, connectionsPerIp: 20, maxConnections: 100 },
    allowInsecureAuth: options.allowInsecureAuth ?? false,
    directory, scripts, logger,
    authPenalty: new AuthPenalty({ baseMs: 100, maxMs: 1000 }),
    version: '9.8.7',
    sleep: async (ms) => { delays.push(ms); },
  });
  const h: SieveHarness = {
    store, scripts, service, delays, logs, aliceId: alice.id,
    connect: () => ScriptedSieve.connect(service.addresses.managesieve!.port),
    async login() {
      const c = await h.connect();
      await c.response();
      const tlsReply = await c.starttls();
      if (!tlsReply.status.startsWith('OK')) throw new Error(`STARTTLS refused: ${tlsReply.status}`);
      const auth = await c.command(`AUTHENTICATE "PLAIN" "${plain(ALICE, PASSWORD)}"`);
      if (auth.status !== 'OK "Logged in"') throw new Error(`login refused: ${auth.status}`);
      return c;
    },
    async close() {
      await service.close(500);
      await store.cleanup();
    },
  };
  return h;
}

/** SASL PLAIN's initial response, base64. */
export function plain(user: string, password: string): string {
  return Buffer.from(`\0${user}\0${password}`).toString('base64');
}

/** A client string as a non-synchronising literal (what clients send for scripts). */
export function literal(text: string): string {
  return `{${Buffer.byteLength(text)}+}\r\n${text}`;
}

export interface SieveReply {
  /** The lines before the final one, literals folded in (a literal's bytes follow its {N}). */
  lines: string[];
  /** The final OK / NO / BYE line, without CRLF. */
  status: string;
}

/** Reads ManageSieve responses as latin1 text, a literal's bytes taken by count, not by line. */
export class ScriptedSieve extends ScriptedSocket {
  static async connect(port: number): Promise<ScriptedSieve> {
    return new ScriptedSieve(await openTestSocket(port));
  }

  /** One logical line: up to CRLF, with any literal ({N} at a line's end) read whole into it. */
  private async logicalLine(): Promise<string> {
    let line = '';
    for (;;) {
      const part = (await this.takeLine()).slice(0, -2);
      line += part;
      const m = /\{(\d+)\+?\}$/.exec(part);
      if (!m) return line;
      const size = Number(m[1]);
      line += '\r\n' + await this.take(() => (this.buffer.length >= size ? size : -1));
    }
  }

  /** Everything up to and including the next OK / NO / BYE line. */
  async response(): Promise<SieveReply> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.logicalLine();
      if (/^(OK|NO|BYE)\b/.test(line)) return { lines, status: line };
      lines.push(line);
    }
  }

  /** A line the server sends outside a response (the SASL continuation). */
  async line(): Promise<string> {
    return this.logicalLine();
  }

  async command(text: string): Promise<SieveReply> {
    this.send(text);
    return this.response();
  }

  /** STARTTLS, the handshake, and the capability listing that follows it (as `lines`). */
  async starttls(): Promise<SieveReply> {
    const reply = await this.command('STARTTLS');
    if (!reply.status.startsWith('OK')) return reply;
    await this.upgradeToTls();
    return this.response();
  }
}
