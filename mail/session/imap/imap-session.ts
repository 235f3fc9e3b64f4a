// One IMAP connection from greeting to BYE: the engine every command handler runs inside.
//
// Input: chunks from the connection go into the pure command reader (protocol/imap), whose
// events are queued and handled one at a time, in order. The socket is not read while a command
// runs (the connection only flows while nothing waits to be read), so pipelined commands wait
// their turn and a client cannot make us queue more than one chunk's worth of them. The
// exceptions are commands that wait for the client mid-command, IDLE (DONE) and AUTHENTICATE
// (SASL lines): their handlers call waitIdleDone() / readAuthenticateLine(), which read input
// themselves until the line they wait for arrives; anything after it is queued as usual.
//
// Each command: parse -> state check -> handler -> mailbox updates (EXISTS, EXPUNGE, FETCH
// FLAGS of the selected folder, held back after sequence-number FETCH/STORE/SEARCH/SORT/THREAD)
// -> tagged reply -> afterReply actions (STARTTLS, COMPRESS). APPEND streams: the reader hands
// the message out chunk by chunk and the sink of h3's APPEND takes them as they come.
//
// The session ends with `* BYE`: LOGOUT, idle timeout (preAuthTimeout before login,
// idleTimeout after, IDLE included), shutdown (at a command boundary; IDLE is interrupted),
// too many errors in a row, or input the reader cannot resynchronise.

import {
  ImapCommandReader, ImapParseError, formatContinuation, formatParseError, formatTagged, formatUntaggedStatus,
  parseAppendHead, parseCommand,
  type ImapCommand, type RawCommand, type ReaderEvent, type WriterOptions,
} from '../../protocol/imap/index.js';
import { ConnectedSession, type SessionInfo } from '../session-info.js';
import { capabilityList } from './capabilities.js';
import { APPEND_COMMAND, COMMANDS } from './commands/index.js';
import { ImapConnection, type ImapSocket } from './connection.js';
import type { AppendSink, CommandResult, CommandSpec, ImapContext } from './context.js';
import type { ImapDeps } from './deps.js';
import { ImapCommandError, imapErrors } from './errors.js';
import { allowsExpunge } from './expunge-rule.js';
import type { MailboxView } from './mailbox-view.js';
import type { ImapState } from './state.js';

/** Port 993 is implicit TLS: `secure` and a finished TLS socket. */
export type ImapSessionInfo = SessionInfo;

/** The reader pauses after these; the engine resumes it once the command is done with. */
const PAUSING_COMMANDS = new Set(['IDLE', 'AUTHENTICATE', 'STARTTLS', 'COMPRESS']);

const BYE_SHUTDOWN = formatUntaggedStatus('BYE', 'Server shutting down', 'UNAVAILABLE');
const BYE_IDLE = formatUntaggedStatus('BYE', 'Autologout; idle for too long');
const BYE_ERRORS = formatUntaggedStatus('BYE', 'Too many errors, closing');
const BYE_PROTOCOL = formatUntaggedStatus('BYE', 'Protocol error, closing');

interface Outcome {
  result: CommandResult;
  /** Counts against limits.maxErrors when not OK. */
  clientError: boolean;
}

interface AppendInProgress {
  tag: string;
  sink: AppendSink | null;
  /** Refused before the message (a non-synchronising literal): its octets are skipped, then this is the answer. */
  refusal: Outcome | null;
  /** A write to the sink failed: the rest is skipped, the sink aborted, and this answers. */
  failure: { error: unknown } | null;
}

/** A handler waiting for the client mid-command. */
interface InputWait {
  kind: 'idle' | 'auth';
  done: boolean;
  line: string | null;
}

export class ImapSession extends ConnectedSession implements ImapContext {
  readonly enabled = new Set<string>();
  condstore = false;

  private current: ImapState = { kind: 'notAuthenticated' };
  private readonly conn: ImapConnection;
  private readonly reader: ImapCommandReader;
  private readonly events: ReaderEvent[] = [];
  private busy = false;
  private draining = false;
  private ended = false;
  private goodbyeSent = false;
  private append: AppendInProgress | null = null;
  private inputWait: InputWait | null = null;
  /** A protocol error that ended IDLE or AUTHENTICATE: it becomes that command's reply. */
  private inputError: ImapParseError | null = null;
  private afterReplyActions: (() => Promise<void> | void)[] = [];
  /** Input is held for a STARTTLS/COMPRESS switch that is still to come. */
  private heldForSwitch = false;
  private readonly closeCallbacks: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private errorsInRow = 0;
  private errors = 0;
  private commands = 0;

  constructor(readonly deps: ImapDeps, socket: ImapSocket, info: ImapSessionInfo) {
    super(deps.logger, info, 'imap');
    this.conn = new ImapConnection(socket, { secure: info.secure, writeTimeoutMs: deps.limits.idleTimeout * 1000 });
    this.reader = new ImapCommandReader({
      maxLineLength: deps.limits.maxLineLength,
      maxLiteralSize: deps.limits.maxLiteralSize,
      appendLimit: deps.limits.appendLimit,
      nonSyncLiterals: 'literal+',
    });
  }

  // --- ImapContext

  get state(): ImapState {
    return this.current;
  }

  set state(next: ImapState) {
    this.setState(next);
  }

  get secure(): boolean {
    return this.conn.secure;
  }

  get compressed(): boolean {
    return this.conn.compressed;
  }

  writerOptions(): WriterOptions {
    return { utf8: this.utf8Enabled };
  }

  passwordsAllowed(): boolean {
    return this.conn.secure || this.deps.allowInsecureAuth;
  }

  capabilities(): string[] {
    return capabilityList({
      authenticated: this.current.kind === 'authenticated' || this.current.kind === 'selected',
      secure: this.conn.secure,
      tlsAvailable: this.deps.tls !== null,
      passwordsAllowed: this.passwordsAllowed(),
      appendLimit: this.deps.limits.appendLimit,
    });
  }

  async send(chunks: Buffer | readonly Buffer[]): Promise<void> {
    await this.conn.write(chunks);
  }

  async readAuthenticateLine(challenge: string): Promise<string | null> {
    if (this.conn.ending || this.draining) return null;
    const wait: InputWait = { kind: 'auth', done: false, line: null };
    this.inputWait = wait;
    try {
      await this.send(formatContinuation(challenge));
      const paused = this.reader.paused;
      if (paused !== 'command' && paused !== 'authenticate') throw new Error('readAuthenticateLine is only for AUTHENTICATE');
      this.dispatch(this.reader.resume('authenticate'));
      while (!wait.done) if (!(await this.readInput())) break;
    } finally {
      this.inputWait = null;
    }
    return wait.line;
  }

  async waitIdleDone(): Promise<void> {
    if (this.conn.ending || this.draining) return;
    const wait: InputWait = { kind: 'idle', done: false, line: null };
    this.inputWait = wait;
    try {
      await this.send(formatContinuation('idling'));
      if (this.reader.paused !== 'command') throw new Error('waitIdleDone is only for IDLE');
      this.dispatch(this.reader.resume('idle'));
      while (!wait.done) if (!(await this.readInput())) break;
    } finally {
      this.inputWait = null;
    }
  }

  afterReply(action: () => Promise<void> | void): void {
    this.afterReplyActions.push(action);
  }

  setState(next: ImapState): void {
    const prev = this.current;
    if (prev.kind === 'selected' && !(next.kind === 'selected' && next.mailbox === prev.mailbox)) this.closeView(prev.mailbox);
    this.current = next;
  }

  onClose(callback: () => void): void {
    if (this.ended) callback();
    else this.closeCallbacks.push(callback);
  }

  startTlsAfterReply(): void {
    this.conn.hold();
    this.heldForSwitch = true;
    this.afterReply(() => this.upgradeToTls());
  }

  startCompressionAfterReply(): void {
    this.conn.hold();
    this.heldForSwitch = true;
    this.afterReply(() => this.upgradeToCompression());
  }

  // --- Life cycle

  /** Resolves when the connection is gone. */
  async run(): Promise<void> {
    const started = Date.now();
    let lastState: ImapState['kind'] = this.current.kind;
    this.log.info('imap connected', { secure: this.conn.secure, outcome: 'connected' });
    try {
      await this.send(formatUntaggedStatus('OK', 'Mailroom ready', `CAPABILITY ${this.capabilities().join(' ')}`));
      while (!this.conn.ending) {
        const event = this.events.shift();
        if (!event) {
          if (!(await this.readInput())) break;
          continue;
        }
        this.busy = true;
        try {
          await this.handleEvent(event);
        } finally {
          this.busy = false;
        }
        if (this.draining && !this.append) {
          await this.goodbye(BYE_SHUTDOWN);
          break;
        }
      }
    } finally {
      lastState = this.current.kind;
      await this.cleanup();
    }
    // The last words (BYE, a LOGOUT's OK) must reach the client before the listener destroys
    // the socket; the connection's linger timer bounds this wait.
    await new Promise<void>((resolve) => this.conn.onClose(resolve));
    this.log.info('imap closed', { commands: this.commands, errors: this.errors, state: lastState, ms: Date.now() - started, outcome: 'closed' });
  }

  /** Shutdown: an idle session (or one in IDLE) hears BYE now, a busy one after its current command. */
  shutdown(): void {
    if (this.draining) return;
    this.draining = true;
    if ((!this.busy && !this.append) || this.inputWait) void this.goodbye(BYE_SHUTDOWN);
  }

  private get utf8Enabled(): boolean {
    return this.enabled.has('IMAP4REV2') || this.enabled.has('UTF8=ACCEPT');
  }

  /** Reads one chunk (with the autologout timer running) and queues its events; false once input has ended. */
  private async readInput(): Promise<boolean> {
    this.armTimer();
    const chunk = await this.conn.read();
    this.clearTimer();
    if (!chunk) return false;
    this.dispatch(this.reader.feed(chunk));
    return true;
  }

  /** Events a waiting handler asked for go to it; everything else is queued in order. */
  private dispatch(events: ReaderEvent[]): void {
    for (const event of events) {
      const wait = this.inputWait;
      if (wait && !wait.done) {
        if (event.type === 'idleDone' && wait.kind === 'idle') { wait.done = true; continue; }
        if (event.type === 'authenticateResponse' && wait.kind === 'auth') { wait.line = event.line; wait.done = true; continue; }
        if (event.type === 'error') { this.inputError = event.error; wait.done = true; continue; }
      }
      // DONE and SASL lines only come after resume() in those modes, i.e. while someone waits.
      if (event.type === 'idleDone' || event.type === 'authenticateResponse') continue;
      this.events.push(event);
    }
  }

  private async handleEvent(event: ReaderEvent): Promise<void> {
    switch (event.type) {
      case 'command': return this.onCommand(event.command);
      case 'continuationNeeded': return this.onContinuationNeeded(event.tag);
      case 'appendLiteralStart': return this.onAppendStart(event);
      case 'appendLiteralChunk': return this.onAppendChunk(event.chunk);
      case 'appendLiteralEnd': return this.onAppendEnd(event.tag);
      case 'error': return this.onReaderError(event.error);
      default: return undefined;
    }
  }

  private async onCommand(raw: RawCommand): Promise<void> {
    this.commands++;
    let cmd: ImapCommand | null = null;
    let outcome: Outcome;
    try {
      cmd = parseCommand(raw, { utf8Enabled: this.utf8Enabled });
      outcome = { result: await this.runCommand(cmd), clientError: true };
    } catch (err) {
      outcome = this.outcomeOf(err, raw.name);
    }
    const inputError = this.inputError;
    this.inputError = null;
    if (inputError) outcome = { result: { status: inputError.status, text: inputError.message, code: inputError.responseCode }, clientError: true };
    if (cmd) await this.flushUpdates(allowsExpunge(cmd));
    await this.finish(raw.tag, outcome);
    const paused = this.reader.paused;
    if (PAUSING_COMMANDS.has(raw.name) && (paused === 'command' || paused === 'authenticate')) this.dispatch(this.reader.resume('command'));
    if (inputError?.fatal) await this.goodbye(BYE_PROTOCOL);
    if (this.current.kind === 'logout') await this.goodbye();
  }

  private async runCommand(cmd: ImapCommand): Promise<CommandResult> {
    if (cmd.name === 'APPEND') throw new ImapCommandError('imap_syntax', 'APPEND needs a message literal', { status: 'BAD' });
    const spec = COMMANDS[cmd.name] as CommandSpec<ImapCommand['name']>;
    if (!spec.states.includes(this.current.kind)) throw imapErrors.wrongState(cmd.name);
    this.log.debug('imap command', { command: cmd.name, state: this.current.kind });
    return spec.run(this, cmd as never);
  }

  /** What to answer for an error a handler threw; anything unexpected is logged and never shown. */
  private outcomeOf(err: unknown, command: string): Outcome {
    if (err instanceof ImapCommandError) {
      if (err.clientError) this.log.debug('imap command refused', { command, code: err.code, outcome: 'refused' });
      else this.log.error('imap command failed', { command, code: err.code, err, outcome: err.code });
      return { result: { status: err.status, text: err.message, code: err.responseCode }, clientError: err.clientError };
    }
    if (err instanceof ImapParseError) {
      this.log.debug('imap command refused', { command, code: err.code, outcome: 'refused' });
      return { result: { status: err.status, text: err.message, code: err.responseCode }, clientError: true };
    }
    this.log.error('imap command crashed', { command, err, outcome: 'internal-error' });
    return { result: { status: 'NO', text: 'Internal error', code: 'SERVERBUG' }, clientError: false };
  }

  private async flushUpdates(allowExpunge: boolean): Promise<void> {
    const state = this.current;
    if (state.kind !== 'selected') return;
    try {
      const updates = await state.mailbox.takeUpdates(allowExpunge);
      if (updates.length > 0) await this.send(updates);
    } catch (err) {
      this.log.error('imap mailbox updates failed', { err, outcome: 'error' });
    }
  }

  /** The tagged reply, then what the command asked to run after it; counts errors in a row. */
  private async finish(tag: string, outcome: Outcome): Promise<void> {
    const { result } = outcome;
    await this.send(formatTagged(tag, result.status, result.text, result.code));
    const actions = this.afterReplyActions.splice(0);
    if (result.status === 'OK') {
      this.errorsInRow = 0;
      for (const action of actions) {
        try {
          await action();
        } catch (err) {
          this.log.error('imap after-reply action failed', { err, outcome: 'error' });
          this.conn.destroy();
        }
      }
      return;
    }
    if (this.heldForSwitch) {
      this.heldForSwitch = false;
      this.conn.release();
    }
    this.errors++;
    if (outcome.clientError && ++this.errorsInRow >= this.deps.limits.maxErrors) {
      this.log.info('imap too many errors', { errors: this.errorsInRow, outcome: 'too-many-errors' });
      await this.goodbye(BYE_ERRORS);
    }
  }

  private async onContinuationNeeded(tag: string): Promise<void> {
    if (this.draining || this.current.kind === 'logout') {
      this.dispatch(this.reader.refuseLiteral());
      await this.finish(tag, { result: { status: 'NO', text: 'Server shutting down', code: 'UNAVAILABLE' }, clientError: false });
      return;
    }
    await this.send(formatContinuation('Ready for literal data'));
    this.dispatch(this.reader.acceptLiteral());
  }

  private async onAppendStart(event: Extract<ReaderEvent, { type: 'appendLiteralStart' }>): Promise<void> {
    this.commands++;
    const append: AppendInProgress = { tag: event.tag, sink: null, refusal: null, failure: null };
    try {
      const cmd = parseAppendHead(event.head, { utf8Enabled: this.utf8Enabled });
      if (!APPEND_COMMAND.states.includes(this.current.kind)) throw imapErrors.wrongState('APPEND');
      if (this.draining) throw new ImapCommandError('imap_shutting_down', 'Server shutting down', { responseCode: 'UNAVAILABLE', clientError: false });
      this.log.debug('imap command', { command: 'APPEND', state: this.current.kind, size: event.size });
      append.sink = await APPEND_COMMAND.begin(this, cmd);
    } catch (err) {
      const outcome = this.outcomeOf(err, 'APPEND');
      if (event.synchronizing) {
        // The client waits for `+` and sends nothing of the message: refusing is enough.
        this.dispatch(this.reader.refuseLiteral());
        await this.finish(event.tag, outcome);
        return;
      }
      // A non-synchronising literal is on its way whatever we say: skip its octets and answer
      // at its end. (Not reader.refuseLiteral(): by now the reader may have read past the
      // message, and the events for it are already queued.)
      append.refusal = outcome;
    }
    this.append = append;
    if (append.sink && event.synchronizing) {
      await this.send(formatContinuation('Ready for literal data'));
      this.dispatch(this.reader.acceptLiteral());
    }
  }

  private async onAppendChunk(chunk: Buffer): Promise<void> {
    const append = this.append;
    if (!append?.sink || append.failure) return;
    try {
      await append.sink.write(chunk);
    } catch (error) {
      append.failure = { error };
    }
  }

  private async onAppendEnd(tag: string): Promise<void> {
    const append = this.append;
    if (!append || append.tag !== tag) return;
    this.append = null;
    let outcome: Outcome;
    if (append.refusal) {
      outcome = append.refusal;
    } else if (append.failure) {
      await this.abortAppend(append);
      outcome = this.outcomeOf(append.failure.error, 'APPEND');
    } else {
      try {
        outcome = { result: await append.sink!.end(), clientError: true };
      } catch (err) {
        outcome = this.outcomeOf(err, 'APPEND');
      }
    }
    await this.flushUpdates(true);
    await this.finish(tag, outcome);
  }

  private async abortAppend(append: AppendInProgress): Promise<void> {
    if (!append.sink) return;
    try {
      await append.sink.abort();
    } catch (err) {
      this.log.error('imap append abort failed', { err, outcome: 'error' });
    }
  }

  private async onReaderError(error: ImapParseError): Promise<void> {
    // During an APPEND the error is about it (trailing data, a fatal flood): nothing of it stays.
    const append = this.append;
    this.append = null;
    if (append) await this.abortAppend(append);
    this.log.debug('imap input refused', { code: error.code, outcome: 'refused' });
    await this.send(formatParseError(error));
    this.errors++;
    if (error.fatal) {
      this.log.info('imap protocol error', { code: error.code, outcome: 'protocol-error' });
      await this.goodbye(BYE_PROTOCOL);
      return;
    }
    if (++this.errorsInRow >= this.deps.limits.maxErrors) {
      this.log.info('imap too many errors', { errors: this.errorsInRow, outcome: 'too-many-errors' });
      await this.goodbye(BYE_ERRORS);
    }
  }

  private async upgradeToTls(): Promise<void> {
    this.heldForSwitch = false;
    const context = this.deps.tls;
    // Plaintext sent after STARTTLS and before the handshake is never read.
    this.reader.takePending();
    try {
      if (!context) throw new Error('no TLS context');
      await this.conn.startTls(context);
    } catch (err) {
      this.log.info('imap tls handshake failed', { err, outcome: 'tls-failed' });
      this.conn.destroy();
      return;
    }
    this.log.debug('imap tls started', { outcome: 'tls' });
    if (this.reader.paused === 'command') this.dispatch(this.reader.resume('command'));
  }

  private upgradeToCompression(): void {
    this.heldForSwitch = false;
    // What the reader holds after COMPRESS is already deflate data.
    this.conn.startCompression(this.reader.takePending());
    this.log.debug('imap compression started', { outcome: 'compress' });
    if (this.reader.paused === 'command') this.dispatch(this.reader.resume('command'));
  }

  private async goodbye(last?: Buffer): Promise<void> {
    if (this.goodbyeSent) return;
    this.goodbyeSent = true;
    await this.conn.end(last);
  }

  private armTimer(): void {
    this.clearTimer();
    const seconds = this.current.kind === 'notAuthenticated' ? this.deps.limits.preAuthTimeout : this.deps.limits.idleTimeout;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.log.info('imap autologout', { state: this.current.kind, outcome: 'idle-timeout' });
      void this.goodbye(BYE_IDLE);
    }, seconds * 1000);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private closeView(view: MailboxView): void {
    try {
      view.close();
    } catch (err) {
      this.log.error('imap mailbox close failed', { err, outcome: 'error' });
    }
  }

  /** Whatever the session took is given back: an APPEND in progress, the selected view, the account's session slot. */
  private async cleanup(): Promise<void> {
    this.clearTimer();
    const append = this.append;
    this.append = null;
    if (append) await this.abortAppend(append);
    if (this.current.kind === 'selected') this.closeView(this.current.mailbox);
    if (this.current.kind !== 'notAuthenticated') this.current = { kind: 'logout' };
    this.ended = true;
    for (const cb of this.closeCallbacks.splice(0)) {
      try {
        cb();
      } catch (err) {
        this.log.error('imap close callback failed', { err, outcome: 'error' });
      }
    }
    // A client that stopped sending still gets the replies already written.
    if (!this.conn.closed) await this.goodbye();
  }
}
