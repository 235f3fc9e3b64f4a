// Submission session harness: the MX harness's in-memory sockets and fakes, plus a directory
// with passwords and aliases, a fake outbound queue and a recorded brute-force delay.

import { deriveScramCredentials, encodeScramCredentials } from '../../../../mail/auth/scram-sha256.js';
import { createLogger, type Logger } from '../../../../core/log.js';
import { AuthPenalty } from '../../../../mail/auth/auth-penalty.js';
import type { OutboundQueue } from '../../../../mail/delivery/submission-delivery.js';
import { SmtpListener } from '../../../../mail/listener/smtp-listener.js';
import type { QueueEnvelope } from '../../../../mail/queue/spool.js';
import type { SubmissionDeps } from '../../../../mail/session/submission/deps.js';
import { SenderRateLimit } from '../../../../mail/session/submission/sender-rate-limit.js';
import { createSubmissionSessionServer } from '../../../../mail/session/submission/submission-session-server.js';
import type { Alias, User } from '../../../../mail/store/contracts.js';
import { FakeDirectory, FakeMailStore, ScriptedClient, selfSignedCert, socketPair, type Reply } from '../smtp/harness.js';

export const PASSWORD = 'right-password';
let scramOfPassword: Promise<string> | undefined;

export class PasswordDirectory extends FakeDirectory {
  async verifyPassword(address: string, password: string): Promise<User | null> {
    return password === PASSWORD ? this.users.get(address) ?? null : null;
  }

  async getUser(address: string): Promise<User | null> {
    return this.users.get(address) ?? null;
  }

  /** Every account's SCRAM keys are those of PASSWORD (derived once, with a fixed salt). */
  async getScramCredentials(address: string): Promise<{ user: User; scram: string } | null> {
    const user = this.users.get(address);
    if (!user) return null;
    scramOfPassword ??= deriveScramCredentials(PASSWORD, { salt: Buffer.from('fixed-test-salt!'), iterations: 4096 }).then(encodeScramCredentials);
    return { user, scram: await scramOfPassword };
  }

  async listAliases(domain?: string): Promise<Alias[]> {
    return [...this.aliases].filter(([a]) => !domain || a.endsWith(`@${domain}`)).map(([address, targets]) => ({ address, targets }));
  }
}

export class FakeQueue implements OutboundQueue {
  queued: { id: string; envelope: QueueEnvelope; body: string }[] = [];
  removed: string[] = [];
  fail = false;
  private seq = 0;

  async enqueue(envelope: QueueEnvelope, body: AsyncIterable<Buffer | string>): Promise<string> {
    let text = '';
    for await (const c of body) text += typeof c === 'string' ? c : c.toString('latin1');
    if (this.fail) throw new Error('spool disk on fire');
    const id = `S${++this.seq}`;
    this.queued.push({ id, envelope, body: text });
    return id;
  }

  async remove(id: string): Promise<void> {
    this.removed.push(id);
    this.queued = this.queued.filter((q) => q.id !== id);
  }
}

export interface SubmissionHarness {
  directory: PasswordDirectory;
  store: FakeMailStore;
  queue: FakeQueue;
  listener: SmtpListener;
  delays: number[];
  logs: Record<string, unknown>[];
  connect(remoteAddress?: string): Promise<{ client: ScriptedClient; greeting: Reply | null }>;
}

export function submissionHarness(options: { tls?: boolean; implicitTls?: boolean; allowInsecureAuth?: boolean; messagesPerHour?: number; recipientsPerHour?: number } = {}): SubmissionHarness {
  const directory = new PasswordDirectory();
  directory.addUser('alice@example.test');
  directory.addUser('bob@example.test');
  directory.aliases.set('sales@example.test', ['alice@example.test']);
  directory.aliases.set('team@example.test', ['bob@example.test']);
  const store = new FakeMailStore();
  const queue = new FakeQueue();
  const logs: Record<string, unknown>[] = [];
  const delays: number[] = [];
  const logger: Logger = createLogger({ level: 'debug', sink: { write: (line: string) => logs.push(JSON.parse(line)) } });
  const deps: SubmissionDeps = {
    queue,
    penalty: new AuthPenalty({ baseMs: 100, maxMs: 1000 }),
    rateLimit: new SenderRateLimit({ messagesPerHour: options.messagesPerHour ?? 100, recipientsPerHour: options.recipientsPerHour ?? 100 }),
    allowInsecureAuth: options.allowInsecureAuth ?? false,
    implicitTls: options.implicitTls ?? false,
    sleep: async (ms) => { delays.push(ms); },
  };
  const session = createSubmissionSessionServer({
    hostname: 'mx.example.test',
    limits: { maxMessageSize: 100000, maxRecipients: 10, maxLineLength: 4096, idleTimeout: 300, maxErrors: 20 },
    tls: options.tls === false ? null : selfSignedCert(),
    directory: directory.asDirectory(),
    mailStore: store.asMailStore(),
    logger,
    now: () => new Date(Date.UTC(2024, 0, 2, 10, 0, 0)),
  }, deps);
  const listener = new SmtpListener({
    name: 'submission', hostname: 'mx.example.test', limits: { connectionsPerIp: 10, maxConnections: 100 }, session, logger,
    ...(options.implicitTls ? { implicitTls: selfSignedCert() } : {}),
  });
  return {
    directory, store, queue, listener, delays, logs,
    async connect(remoteAddress = '192.0.2.10') {
      const pair = socketPair(remoteAddress);
      const client = new ScriptedClient(pair.client);
      listener.handle(pair.server);
      return { client, greeting: await client.reply() };
    },
  };
}

export function plain(user: string, password: string): string {
  return Buffer.from(`\0${user}\0${password}`).toString('base64');
}

/** A message with CRLF line endings and the terminating dot. */
export function message(from: string, subject = 'hello'): string {
  return `From: Someone <${from}>\r\nTo: x@example.net\r\nSubject: ${subject}\r\n\r\nbody line\r\n.\r\n`;
}
