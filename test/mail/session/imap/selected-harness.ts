// Handler-level harness for the selected-state commands: a real SqliteMailStore and directory in
// a temp directory, real messages delivered through beginDelivery, and a small stand-in for the
// session engine that parses a command line, checks the state, runs the handler, flushes the
// mailbox updates (held back after sequence-number FETCH/STORE/SEARCH/SORT/THREAD) and writes
// the tagged reply, recording every octet as text so tests can compare whole exchanges.

import { silentLogger } from '../../../../core/log.js';
import { AuthPenalty } from '../../../../mail/auth/auth-penalty.js';
import {
  formatContinuation, formatTagged, parseCommand, ImapParseError, type ImapCommand, type WriterOptions,
} from '../../../../mail/protocol/imap/index.js';
import { APPEND, SELECTED_COMMANDS } from '../../../../mail/session/imap/commands/selected.js';
import type { CommandResult, CommandSpec, ImapContext } from '../../../../mail/session/imap/context.js';
import type { ImapDeps } from '../../../../mail/session/imap/deps.js';
import { ImapCommandError } from '../../../../mail/session/imap/errors.js';
import { allowsExpunge } from '../../../../mail/session/imap/expunge-rule.js';
import type { ImapState } from '../../../../mail/session/imap/state.js';
import type { User } from '../../../../mail/store/contracts.js';
import { SqliteDirectory } from '../../../../mail/store/sqlite/directory.js';
import { chunks, openStoreFixture, type StoreFixture } from '../../store/store-fixture.js';

export const PASSWORD = 'Vq7!trellis-Oxbow-42';
export const NOW = new Date('2025-06-10T12:00:00Z');

export interface DeliverOptions {
  folder?: string;
  flags?: string[];
  internalDate?: Date;
  user?: User;
}

export interface SelectedHarness {
  store: StoreFixture;
  directory: SqliteDirectory;
  alice: User;
  deps: ImapDeps;
  deliver(raw: string | Buffer, options?: DeliverOptions): Promise<number>;
  session(options?: { user?: User; enable?: string[]; deps?: Partial<ImapDeps> }): TestSession;
  cleanup(): Promise<void>;
}

export async function selectedHarness(options: { aliceQuota?: number | null; appendLimit?: number } = {}): Promise<SelectedHarness> {
  const store = await openStoreFixture();
  const directory = new SqliteDirectory({ db: store.db, mailStore: store.store, logger: silentLogger });
  await directory.addDomain('example.test');
  const alice = await directory.addUser('alice@example.test', PASSWORD, { quota: options.aliceQuota ?? null });
  const deps: ImapDeps = {
    hostname: 'mx.example.test',
    limits: {
      maxLineLength: 8192, maxLiteralSize: 8192, appendLimit: options.appendLimit ?? 10 * 1024 * 1024,
      idleTimeout: 1800, preAuthTimeout: 60, maxErrors: 10, connectionsPerUser: 10,
    },
    tls: null,
    allowInsecureAuth: true,
    directory,
    mailStore: store.store,
    penalty: new AuthPenalty({ baseMs: 1, maxMs: 1 }),
    logger: silentLogger,
    userSessions: { acquire: () => true, release: () => undefined },
    now: () => NOW,
  };
  const sessions: TestSession[] = [];
  return {
    store, directory, alice, deps,
    async deliver(raw, opts = {}) {
      const tx = store.store.beginDelivery(opts.internalDate ? { internalDate: opts.internalDate } : {});
      tx.addRecipient({ userId: (opts.user ?? alice).id, ...(opts.folder ? { folder: opts.folder } : {}), ...(opts.flags ? { flags: opts.flags } : {}) });
      // Small pieces find the indexer's boundary bugs; large messages go in larger ones.
      await tx.writeBody(chunks(raw, raw.length > 100_000 ? 65_536 : 7));
      const receipt = await tx.commit();
      return receipt.delivered[0]!.uid;
    },
    session(opts = {}) {
      const s = new TestSession({ ...deps, ...opts.deps }, opts.user ?? alice, opts.enable ?? []);
      sessions.push(s);
      return s;
    },
    async cleanup() {
      for (const s of sessions) s.close();
      await store.cleanup();
    },
  };
}

/** One fake connection: an ImapContext whose output is recorded. */
export class TestSession implements ImapContext {
  readonly cid = 'test';
  readonly remoteAddress = '127.0.0.1';
  readonly log = silentLogger;
  state: ImapState;
  readonly enabled: Set<string>;
  condstore = false;
  readonly secure = true;
  readonly compressed = false;
  /** Everything sent, in order, as latin1 text. */
  output = '';
  /** Octets of each send() call, to check that long answers go out in bounded pieces. */
  sendSizes: number[] = [];
  private idleDone: (() => void) | null = null;
  private idleStarted: (() => void) | null = null;

  constructor(readonly deps: ImapDeps, readonly user: User, enable: string[]) {
    this.state = { kind: 'authenticated', user };
    this.enabled = new Set(enable.map((e) => e.toUpperCase()));
    if (this.enabled.has('CONDSTORE') || this.enabled.has('QRESYNC')) this.condstore = true;
  }

  writerOptions(): WriterOptions {
    return { utf8: this.enabled.has('IMAP4REV2') || this.enabled.has('UTF8=ACCEPT') };
  }
  passwordsAllowed(): boolean { return true; }
  capabilities(): string[] { return ['IMAP4rev1']; }

  async send(data: Buffer | readonly Buffer[]): Promise<void> {
    const list = Buffer.isBuffer(data) ? [data] : data;
    let size = 0;
    for (const b of list) {
      this.output += b.toString('latin1');
      size += b.length;
    }
    this.sendSizes.push(size);
  }
  async readAuthenticateLine(): Promise<string | null> { return null; }
  waitIdleDone(): Promise<void> {
    void this.send(formatContinuation('idling'));
    this.idleStarted?.();
    return new Promise((resolve) => { this.idleDone = resolve; });
  }
  afterReply(): void {}
  setState(state: ImapState): void {
    const old = this.state;
    if (old.kind === 'selected' && (state.kind !== 'selected' || state.mailbox !== old.mailbox)) old.mailbox.close();
    this.state = state;
  }
  onClose(): void {}
  startTlsAfterReply(): void {}
  startCompressionAfterReply(): void {}

  /** Takes what was sent since the last call. */
  take(): string {
    const text = this.output;
    this.output = '';
    return text;
  }

  /** Runs one command line (`tag VERB args`) as the engine would; returns what it sent. */
  async run(line: string): Promise<string> {
    await this.runOnly(line);
    return this.take();
  }

  /** Like run(), without taking the output. */
  async runOnly(line: string): Promise<void> {
    const tag = line.slice(0, line.indexOf(' '));
    const rest = line.slice(tag.length + 1);
    const name = rest.split(' ')[0]!.toUpperCase();
    let cmd: ImapCommand;
    try {
      cmd = parseCommand({ tag, name, lines: [Buffer.from(line, 'utf8')], literals: [] }, { utf8Enabled: this.writerOptions().utf8 ?? false });
    } catch (err) {
      if (!(err instanceof ImapParseError)) throw err;
      await this.send(formatTagged(tag, err.status, err.message, err.responseCode));
      return;
    }
    const spec = (SELECTED_COMMANDS as unknown as Record<string, CommandSpec<never>>)[cmd.name];
    if (!spec) throw new Error(`not a selected-state command: ${cmd.name}`);
    let result: CommandResult;
    if (!spec.states.includes(this.state.kind)) {
      result = { status: 'BAD', text: `${cmd.name} is not valid in this state` };
    } else {
      try {
        result = await spec.run(this, cmd as never);
      } catch (err) {
        if (!(err instanceof ImapCommandError)) throw err;
        result = { status: err.status, text: err.message, ...(err.responseCode ? { code: err.responseCode } : {}) };
      }
    }
    await this.flush(allowsExpunge(cmd));
    await this.send(formatTagged(tag, result.status, result.text, result.code));
  }

  /** What the engine does between commands: send the selected mailbox's pending updates. */
  async flush(allowExpunge = true): Promise<void> {
    if (this.state.kind === 'selected') {
      const updates = await this.state.mailbox.takeUpdates(allowExpunge);
      if (updates.length > 0) await this.send(updates);
    }
  }

  /** NOOP as the engine answers it: just the updates. */
  async noop(tag = 'n1'): Promise<string> {
    await this.flush(true);
    await this.send(formatTagged(tag, 'OK', 'NOOP completed'));
    return this.take();
  }

  /** Starts IDLE; resolves once `+ idling` is out. Call done() to end it. */
  async idle(tag = 'i1'): Promise<{ done: () => Promise<string> }> {
    const started = new Promise<void>((resolve) => { this.idleStarted = resolve; });
    const running = this.runOnly(`${tag} IDLE`);
    await started;
    return {
      done: async () => {
        this.idleDone?.();
        await running;
        return this.take();
      },
    };
  }

  /** APPEND through the AppendSpec: begin, the message in chunks, end. */
  async append(tag: string, mailbox: string, message: Buffer, options: { flags?: string[]; internalDate?: Date; chunkSize?: number } = {}): Promise<string> {
    const cmd = {
      tag, name: 'APPEND' as const, mailbox, flags: options.flags ?? [],
      ...(options.internalDate ? { internalDate: options.internalDate } : {}),
      message: { size: message.length, binary: false, synchronizing: true },
    };
    let result: CommandResult;
    try {
      const sink = await APPEND.begin(this, cmd);
      const size = options.chunkSize ?? 1000;
      // The reader reuses its buffer: hand out views of one scratch buffer, as it does.
      const scratch = Buffer.alloc(size);
      for (let i = 0; i < message.length; i += size) {
        const n = message.copy(scratch, 0, i, Math.min(i + size, message.length));
        await sink.write(scratch.subarray(0, n));
        scratch.fill(0x58);
      }
      result = await sink.end();
    } catch (err) {
      if (!(err instanceof ImapCommandError)) throw err;
      result = { status: err.status, text: err.message, ...(err.responseCode ? { code: err.responseCode } : {}) };
    }
    await this.flush(true);
    await this.send(formatTagged(tag, result.status, result.text, result.code));
    return this.take();
  }

  close(): void {
    if (this.state.kind === 'selected') this.state.mailbox.close();
    this.state = { kind: 'logout' };
  }
}

/** `* n EXISTS` lines etc. of a transcript, CRLF-split (literals are left inside). */
export function lines(text: string): string[] {
  return text.split('\r\n').filter((l) => l !== '');
}

/** The store with a count of calls per method, to check that work is batched. */
export function countingStore<T extends object>(store: T): { store: T; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

/** Waits until `check` is true (polling), for pushes that arrive on their own (IDLE). */
export async function eventually(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
