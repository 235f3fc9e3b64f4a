// POP3 session harness: the real service (listeners, sessions) on loopback, over a real store
// and directory in a temp directory, and a scripted client (scripted-socket.ts) that can switch
// to TLS mid-stream.

import { createLogger, silentLogger } from '../../../../core/log.js';
import { AuthPenalty } from '../../../../mail/auth/auth-penalty.js';
import { startPop3Service, type Pop3Service } from '../../../../mail/session/pop3/index.js';
import { SqliteDirectory } from '../../../../mail/store/sqlite/directory.js';
import { chunks, openStoreFixture, type StoreFixture } from '../../store/store-fixture.js';
import { openTestSocket, ScriptedSocket } from '../scripted-socket.js';
import { selfSignedCert } from '../smtp/harness.js';

export const PASSWORD = 'Vq7!trellis-Oxbow-42';
export const ALICE = 'alice@example.test';

export interface Pop3Harness {
  store: StoreFixture;
  directory: SqliteDirectory;
  service: Pop3Service;
  delays: number[];
  logs: Record<string, unknown>[];
  aliceId: string;
  deliver(raw: string | Buffer, userId?: string): Promise<void>;
  connect(which?: 'pop3' | 'pop3s'): Promise<ScriptedPop3>;
  close(): Promise<void>;
}

export async function pop3Harness(options: { allowInsecureAuth?: boolean; tls?: boolean; maxErrors?: number } = {}): Promise<Pop3Harness> {
  const store = await openStoreFixture();
  const directory = new SqliteDirectory({ db: store.db, mailStore: store.store, logger: silentLogger });
  await directory.addDomain('example.test');
  const alice = await directory.addUser(ALICE, PASSWORD);
  const logs: Record<string, unknown>[] = [];
  const delays: number[] = [];
  const logger = createLogger({ level: 'debug', sink: { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) } });
  const service = await startPop3Service({
    hostname: 'mx.example.test',
    listen: { pop3: '127.0.0.1:0', pop3s: '127.0.0.1:0' },
    tls: options.tls === false ? null : selfSignedCert(),
    limits: { maxLineLength: 1000, idleTimeout: 600, maxErrors: options.maxErrors ?? 10, connectionsPerIp: 20, maxConnections: 100 },
    allowInsecureAuth: options.allowInsecureAuth ?? false,
    directory, mailStore: store.store, logger,
    authPenalty: new AuthPenalty({ baseMs: 100, maxMs: 1000 }),
    sleep: async (ms) => { delays.push(ms); },
  });
  return {
    store, directory, service, delays, logs, aliceId: alice.id,
    async deliver(raw, userId = alice.id) {
      const tx = store.store.beginDelivery();
      tx.addRecipient({ userId });
      await tx.writeBody(chunks(raw, 7));
      await tx.commit();
    },
    async connect(which = 'pop3') {
      const port = service.addresses[which]!.port;
      return ScriptedPop3.connect(port, which === 'pop3s');
    },
    async close() {
      await service.close(500);
      await store.cleanup();
    },
  };
}

/** Reads POP3 status lines and multi-line responses as raw bytes (latin1 strings). */
export class ScriptedPop3 extends ScriptedSocket {
  static async connect(port: number, implicitTls: boolean): Promise<ScriptedPop3> {
    return new ScriptedPop3(await openTestSocket(port, implicitTls));
  }

  /** One status line, without CRLF. */
  async line(): Promise<string> {
    return (await this.takeLine()).slice(0, -2);
  }

  /** A status line and, if +OK, the multi-line body up to and excluding the final "." (still dot-stuffed). */
  async multi(): Promise<{ status: string; body: string }> {
    const status = await this.line();
    if (!status.startsWith('+OK')) return { status, body: '' };
    const all = await this.take(() => {
      if (this.buffer.startsWith('.\r\n')) return 3;
      const i = this.buffer.indexOf('\r\n.\r\n');
      return i < 0 ? -1 : i + 5;
    });
    return { status, body: all.slice(0, -3) };
  }

  async command(line: string): Promise<string> {
    this.send(line);
    return this.line();
  }

  async multiCommand(line: string): Promise<{ status: string; body: string }> {
    this.send(line);
    return this.multi();
  }

  async stls(): Promise<string> {
    const reply = await this.command('STLS');
    if (reply.startsWith('+OK')) await this.upgradeToTls();
    return reply;
  }

  async login(password = PASSWORD, user = ALICE): Promise<string> {
    const u = await this.command(`USER ${user}`);
    if (!u.startsWith('+OK')) return u;
    return this.command(`PASS ${password}`);
  }
}

/** Undoes dot-stuffing of a multi-line body. */
export function unstuff(body: string): string {
  return body.replace(/(^|\r\n)\./g, '$1');
}
