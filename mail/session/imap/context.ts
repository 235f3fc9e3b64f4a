// What every IMAP command handler gets: the deps, the session's state, what the client enabled,
// and the few ways a handler may touch the connection. Handlers return a CommandResult (or throw
// an ImapCommandError); the engine flushes mailbox updates and then sends the tagged reply, so
// untagged data always precedes the completion it belongs to.

import type { Logger } from '../../../core/log.js';
import type { CommandOf, ImapCommandName, WriterOptions } from '../../protocol/imap/index.js';
import type { ImapDeps } from './deps.js';
import type { ImapState, ImapStateKind } from './state.js';

/** The tagged completion a handler asks for; `code` without brackets. */
export interface CommandResult {
  status: 'OK' | 'NO' | 'BAD';
  text: string;
  code?: string;
}

export const ok = (text = 'completed', code?: string): CommandResult => (code === undefined ? { status: 'OK', text } : { status: 'OK', text, code });

export interface ImapContext {
  readonly deps: ImapDeps;
  readonly cid: string;
  readonly remoteAddress: string;
  /** Bound with cid and remote address. */
  readonly log: Logger;
  state: ImapState;
  /** Upper-cased capabilities the client turned on with ENABLE (CONDSTORE, QRESYNC, IMAP4REV2, UTF8=ACCEPT). */
  readonly enabled: Set<string>;
  /** CONDSTORE is on for this session: ENABLE CONDSTORE/QRESYNC, or a CONDSTORE-using command. */
  condstore: boolean;
  /** The session is on TLS (implicit, or after STARTTLS). */
  readonly secure: boolean;
  /** COMPRESS=DEFLATE is active. */
  readonly compressed: boolean;
  /** How values go on the wire now (UTF-8 when IMAP4rev2 or UTF8=ACCEPT is enabled). */
  writerOptions(): WriterOptions;
  /** Whether LOGIN and PLAIN may be used now (TLS, or config allows insecure). */
  passwordsAllowed(): boolean;
  /** The CAPABILITY list for the current state and connection, without the word CAPABILITY. */
  capabilities(): string[];

  /** Writes untagged data or a continuation, with backpressure. */
  send(chunks: Buffer | readonly Buffer[]): Promise<void>;
  /** Sends `+ text` and reads the client's next AUTHENTICATE line; null once the connection is gone. */
  readAuthenticateLine(challenge: string): Promise<string | null>;
  /** Sends `+ idling` and resolves when the client sends DONE (or the connection goes). */
  waitIdleDone(): Promise<void>;
  /** Runs after the tagged reply is written and before the next command is read (STARTTLS, COMPRESS). */
  afterReply(action: () => Promise<void> | void): void;
  /** Switches state; leaving 'selected' closes the old mailbox view. */
  setState(state: ImapState): void;
  /** Runs once when the connection is gone (releases what a command took for the whole session). */
  onClose(callback: () => void): void;
  /** STARTTLS only: stops reading now; after the tagged OK, drops buffered plaintext and runs the handshake. */
  startTlsAfterReply(): void;
  /** COMPRESS only: stops reading now; after the tagged OK, both directions are deflated. */
  startCompressionAfterReply(): void;
}

/** One command: the states it is valid in and its handler. */
export interface CommandSpec<N extends ImapCommandName> {
  states: readonly ImapStateKind[];
  run(ctx: ImapContext, cmd: CommandOf<N>): Promise<CommandResult>;
}

/** APPEND streams its message: begin() may refuse before a single octet is read. */
export interface AppendSink {
  write(chunk: Buffer): Promise<void>;
  /** The literal and the command line are complete: commit and answer. */
  end(): Promise<CommandResult>;
  /** The client or the reader gave up mid-message: nothing of it may remain. */
  abort(): Promise<void>;
}

export interface AppendSpec {
  states: readonly ImapStateKind[];
  begin(ctx: ImapContext, cmd: CommandOf<'APPEND'>): Promise<AppendSink>;
}
