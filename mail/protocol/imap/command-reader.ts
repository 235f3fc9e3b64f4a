// The streaming input side of an IMAP connection: bytes in, complete commands and events out.
//
// Why a state machine and not "read a line, then read the literal": a client decides how much
// we hold in memory. Every byte we keep is counted against a cap (line length, literal size,
// command size, bytes queued while paused), and the only unbounded thing a client can send, an
// APPEND message, is handed out chunk by chunk as views of the fed buffer, never collected. So a
// flood of `{1048576}` announcements costs nothing: a synchronising literal over the cap is
// refused before we send `+` (the client must not send the data, and we do not wait for it); a
// non-synchronising one over the cap is refused and its octets are skipped as they arrive.
//
// The reader pauses (keeps later bytes, bounded, without reading them) where the session must
// decide something before the next bytes can be understood: a synchronising literal (send `+` or
// refuse), and after IDLE, AUTHENTICATE, STARTTLS and COMPRESS, whose following bytes are
// respectively `DONE`, SASL lines, a TLS handshake (buffered plaintext must be discarded) and
// deflate data. Pure: no sockets, no timers.

import { ImapErrorCode, ImapParseError } from './errors.js';
import { readCommandHead } from './command-head.js';
import { findLiteralAnnouncement } from './literal-announcement.js';
import { ByteAccumulator } from './byte-accumulator.js';
import type { RawLiteral, ReaderEvent, ReaderMode, ReaderPause } from './reader-events.js';

export type NonSyncLiteralSupport =
  /** LITERAL+ (RFC 7888): any size up to the caps. */
  | 'literal+'
  /** LITERAL- (RFC 7888): at most 4096 octets; larger ones get BAD [TOOBIG]. */
  | 'literal-'
  /** Neither advertised: every `{n+}` is refused (and its octets skipped). */
  | 'none';

export interface CommandReaderOptions {
  /** Longest line, excluding CRLF and literals. Default 64 KiB. */
  maxLineLength?: number;
  /** Largest literal in a command other than APPEND's message. Default 64 KiB. */
  maxLiteralSize?: number;
  /** Lines plus literals of one command (APPEND's message excluded). Default 1 MiB. */
  maxCommandSize?: number;
  /** Literals in one command. Default 1000. */
  maxLiteralsPerCommand?: number;
  /** APPENDLIMIT (RFC 7889): largest APPEND message. Default 50 MiB. */
  appendLimit?: number;
  /** Which non-synchronising literals are advertised. Default 'literal+'. */
  nonSyncLiterals?: NonSyncLiteralSupport;
  /** Bytes kept while paused; a well-behaved client sends none. Default: maxLineLength. */
  maxPendingBytes?: number;
}

/** RFC 7888 section 4: the largest non-synchronising literal under LITERAL-. */
export const LITERAL_MINUS_MAX = 4096;

const DEFAULTS = {
  maxLineLength: 64 * 1024,
  maxLiteralSize: 64 * 1024,
  maxCommandSize: 1024 * 1024,
  maxLiteralsPerCommand: 1000,
  appendLimit: 50 * 1024 * 1024,
  nonSyncLiterals: 'literal+' as NonSyncLiteralSupport,
};

/** Commands after which the next bytes mean something else; the reader pauses behind them. */
const PAUSE_AFTER = new Set(['IDLE', 'AUTHENTICATE', 'STARTTLS', 'COMPRESS']);

const LF = 0x0a;
const CR = 0x0d;
/** Enough of a line's end to recognise `~{4294967295+}`. */
const TAIL_BYTES = 16;

type Phase =
  /** Collecting a line until LF. */
  | { kind: 'line' }
  /** Collecting a literal of a command we keep. */
  | { kind: 'literal'; remaining: number; binary: boolean; data: Buffer | null; filled: number }
  /** Handing out an APPEND message. */
  | { kind: 'appendLiteral'; remaining: number }
  /** Dropping the octets of a refused non-synchronising literal, then the rest of its command. */
  | { kind: 'skipLiteral'; remaining: number }
  /** Dropping the rest of a refused line; `tail` tells whether it announced another literal. */
  | { kind: 'skipLine'; tail: Buffer };

interface CommandInProgress {
  tag: string;
  name: string;
  lines: Buffer[];
  literals: RawLiteral[];
  /** Bytes of lines and kept literals so far. */
  size: number;
  /** Where an APPEND's first argument starts in the first line (a literal there is the mailbox). */
  firstArgStart: number;
  /** The APPEND message literal has been announced; the next line is what follows it. */
  appendStarted: boolean;
}

export class ImapCommandReader {
  private readonly maxLineLength: number;
  private readonly maxLiteralSize: number;
  private readonly maxCommandSize: number;
  private readonly maxLiterals: number;
  private readonly appendLimit: number;
  private readonly nonSync: NonSyncLiteralSupport;
  private readonly maxPendingBytes: number;

  private mode: ReaderMode = 'command';
  private phase: Phase = { kind: 'line' };
  private readonly line = new ByteAccumulator();
  private command: CommandInProgress | null = null;
  private pauseReason: ReaderPause | null = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** After a fatal error nothing more is read; the session closes the connection. */
  private dead = false;
  private highWater = 0;

  constructor(options: CommandReaderOptions = {}) {
    this.maxLineLength = options.maxLineLength ?? DEFAULTS.maxLineLength;
    this.maxLiteralSize = options.maxLiteralSize ?? DEFAULTS.maxLiteralSize;
    this.maxCommandSize = options.maxCommandSize ?? DEFAULTS.maxCommandSize;
    this.maxLiterals = options.maxLiteralsPerCommand ?? DEFAULTS.maxLiteralsPerCommand;
    this.appendLimit = options.appendLimit ?? DEFAULTS.appendLimit;
    this.nonSync = options.nonSyncLiterals ?? DEFAULTS.nonSyncLiterals;
    this.maxPendingBytes = options.maxPendingBytes ?? this.maxLineLength;
  }

  /** Why the reader is paused, or null while it reads. */
  get paused(): ReaderPause | null {
    return this.pauseReason;
  }

  get currentMode(): ReaderMode {
    return this.mode;
  }

  /** Bytes held right now (partial line, kept lines and literals, queued input). */
  get retainedBytes(): number {
    let n = this.line.length + this.pendingBytes;
    if (this.command) n += this.command.size;
    if (this.phase.kind === 'literal') n += this.phase.filled;
    return n;
  }

  /** The most bytes ever held at once; for tests and metrics. */
  get maxRetainedBytes(): number {
    return this.highWater;
  }

  /** Reads a chunk. While paused the bytes are queued (bounded) and read after resuming. */
  feed(chunk: Buffer): ReaderEvent[] {
    const out: ReaderEvent[] = [];
    if (this.dead) return out;
    this.run(chunk, out);
    return out;
  }

  /** The session sent `+` for the announced synchronising literal. */
  acceptLiteral(): ReaderEvent[] {
    if (this.pauseReason !== 'literal') throw new Error('acceptLiteral: no literal is waiting');
    this.pauseReason = null;
    return this.drain();
  }

  /**
   * The session answered the command with NO/BAD instead of reading its literal. For a waiting
   * synchronising literal the client sends nothing more, so we read the next command; during a
   * non-synchronising APPEND the rest of the message is skipped and no appendLiteralEnd follows
   * (events already returned for it are stale).
   */
  refuseLiteral(): ReaderEvent[] {
    if (this.pauseReason === 'literal') {
      this.command = null;
      this.phase = { kind: 'line' };
      this.pauseReason = null;
      return this.drain();
    }
    if (this.command?.appendStarted) {
      this.command = null;
      if (this.phase.kind === 'appendLiteral') this.phase = { kind: 'skipLiteral', remaining: this.phase.remaining };
      else if (this.phase.kind === 'line') this.enterSkipLine(this.takeLine());
      return [];
    }
    throw new Error('refuseLiteral: no literal to refuse');
  }

  /**
   * Go on reading after a pause for IDLE (mode 'idle' once `+ idling` is sent, 'command' if it was
   * refused), AUTHENTICATE ('authenticate' after sending a challenge, 'command' when done),
   * STARTTLS or COMPRESS (call takePending() first).
   */
  resume(mode: ReaderMode = 'command'): ReaderEvent[] {
    if (this.pauseReason !== 'command' && this.pauseReason !== 'authenticate') {
      throw new Error('resume: the reader is not paused after a command');
    }
    this.mode = mode;
    this.pauseReason = null;
    return this.drain();
  }

  /**
   * Removes and returns the bytes queued while paused. After STARTTLS they must be discarded
   * (RFC 9051 section 11.1: plaintext injected before the handshake); after COMPRESS they are
   * deflate data to inflate and feed back.
   */
  takePending(): Buffer {
    const bytes = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    return bytes;
  }

  private drain(): ReaderEvent[] {
    const out: ReaderEvent[] = [];
    if (this.dead || this.pending.length === 0) return out;
    this.run(this.takePending(), out);
    return out;
  }

  private run(chunk: Buffer, out: ReaderEvent[]): void {
    let i = 0;
    while (!this.dead) {
      if (this.pauseReason) {
        if (i < chunk.length) this.queue(chunk.subarray(i), out);
        return;
      }
      const phase = this.phase;
      // A literal can end without another byte arriving (e.g. `{0}`), so check before stopping.
      if (phase.kind === 'literal' && phase.remaining === 0) {
        this.finishLiteral(phase);
        continue;
      }
      if (phase.kind === 'appendLiteral' && phase.remaining === 0) {
        this.phase = { kind: 'line' };
        continue;
      }
      if (phase.kind === 'skipLiteral' && phase.remaining === 0) {
        this.phase = { kind: 'skipLine', tail: Buffer.alloc(0) };
        continue;
      }
      if (i >= chunk.length) break;
      switch (phase.kind) {
        case 'line':
          i = this.readLine(chunk, i, out);
          break;
        case 'literal': {
          const n = Math.min(phase.remaining, chunk.length - i);
          // Allocated on the first octet, not at the announcement: a refused or never-sent
          // literal costs nothing.
          phase.data ??= Buffer.allocUnsafe(phase.remaining + phase.filled);
          chunk.copy(phase.data, phase.filled, i, i + n);
          phase.filled += n;
          phase.remaining -= n;
          i += n;
          break;
        }
        case 'appendLiteral': {
          const n = Math.min(phase.remaining, chunk.length - i);
          out.push({ type: 'appendLiteralChunk', tag: this.command!.tag, chunk: chunk.subarray(i, i + n) });
          phase.remaining -= n;
          i += n;
          break;
        }
        case 'skipLiteral': {
          const n = Math.min(phase.remaining, chunk.length - i);
          phase.remaining -= n;
          i += n;
          break;
        }
        case 'skipLine':
          i = this.skipLine(phase, chunk, i, out);
          break;
      }
      this.noteRetained();
    }
    this.noteRetained();
  }

  private readLine(chunk: Buffer, start: number, out: ReaderEvent[]): number {
    const lf = chunk.indexOf(LF, start);
    const end = lf === -1 ? chunk.length : lf;
    // +1: the CR of CRLF is still in the line until we see the LF.
    if (this.line.length + (end - start) > this.maxLineLength + 1) {
      const tag = this.command?.tag ?? this.tagOfPartialLine(chunk.subarray(start, end));
      this.emitError(out, new ImapParseError(ImapErrorCode.lineTooLong, 'Command line too long', { tag }));
      this.command = null;
      const tail = Buffer.concat([this.line.tail(TAIL_BYTES), chunk.subarray(Math.max(start, end - TAIL_BYTES), end)]);
      this.line.clear();
      this.phase = { kind: 'skipLine', tail: lastBytes(tail) };
      return end; // the LF, if any, is read by skipLine
    }
    this.line.append(chunk.subarray(start, end));
    if (lf === -1) return chunk.length;
    this.onLine(this.takeLine(), out);
    return lf + 1;
  }

  /** The collected line without its CR. */
  private takeLine(): Buffer {
    let line = this.line.take();
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    return line;
  }

  private skipLine(phase: { kind: 'skipLine'; tail: Buffer }, chunk: Buffer, start: number, out: ReaderEvent[]): number {
    const lf = chunk.indexOf(LF, start);
    const end = lf === -1 ? chunk.length : lf;
    phase.tail = lastBytes(Buffer.concat([phase.tail, chunk.subarray(Math.max(start, end - TAIL_BYTES), end)]));
    if (lf === -1) return chunk.length;
    let tail = phase.tail;
    if (tail.length > 0 && tail[tail.length - 1] === CR) tail = tail.subarray(0, tail.length - 1);
    this.phase = { kind: 'line' };
    this.skipAnnouncedLiteral(tail, out);
    return lf + 1;
  }

  /** A dropped line that announced a non-synchronising literal: its octets are coming anyway. */
  private skipAnnouncedLiteral(line: Buffer, out: ReaderEvent[]): void {
    const ann = findLiteralAnnouncement(line);
    if (!ann || ann.synchronizing) {
      this.phase = { kind: 'line' };
      return;
    }
    if (ann.size === Infinity) {
      this.emitFatal(out, new ImapParseError(ImapErrorCode.literalSizeInvalid, 'Literal size out of range', { fatal: true }));
      return;
    }
    this.phase = { kind: 'skipLiteral', remaining: ann.size };
  }

  private enterSkipLine(line: Buffer): void {
    this.phase = { kind: 'skipLine', tail: lastBytes(line) };
  }

  private onLine(line: Buffer, out: ReaderEvent[]): void {
    if (this.mode === 'idle') {
      this.mode = 'command';
      if (line.toString('latin1').trim().toUpperCase() === 'DONE') out.push({ type: 'idleDone' });
      else this.emitError(out, new ImapParseError(ImapErrorCode.idleExpectedDone, 'Expected DONE'));
      return;
    }
    if (this.mode === 'authenticate') {
      out.push({ type: 'authenticateResponse', line: line.toString('latin1') });
      this.pauseReason = 'authenticate';
      return;
    }
    this.onCommandLine(line, out);
  }

  private onCommandLine(line: Buffer, out: ReaderEvent[]): void {
    let cmd = this.command;
    if (!cmd) {
      // A stray empty line (some clients send CRLF after a literal) is not a command.
      if (line.length === 0) return;
      let head;
      try {
        head = readCommandHead(line);
      } catch (err) {
        this.emitError(out, err as ImapParseError);
        this.skipAnnouncedLiteral(line, out);
        return;
      }
      cmd = { tag: head.tag, name: head.name, lines: [], literals: [], size: 0, firstArgStart: head.afterName + 1, appendStarted: false };
      this.command = cmd;
    }
    if (cmd.appendStarted) {
      this.command = null;
      if (line.toString('latin1').trim() === '') {
        out.push({ type: 'appendLiteralEnd', tag: cmd.tag });
        return;
      }
      // MULTIAPPEND and CATENATE are not advertised: one message per APPEND.
      this.emitError(out, new ImapParseError(ImapErrorCode.appendTrailingData, 'Unexpected data after the APPEND message', { tag: cmd.tag }));
      this.skipAnnouncedLiteral(line, out);
      return;
    }
    cmd.size += line.length;
    if (cmd.size > this.maxCommandSize) {
      this.dropCommand(out, line, new ImapParseError(ImapErrorCode.commandTooLarge, 'Command too large', { tag: cmd.tag, responseCode: 'TOOBIG' }));
      return;
    }
    const ann = findLiteralAnnouncement(line);
    if (!ann) {
      cmd.lines.push(line);
      this.command = null;
      out.push({ type: 'command', command: { tag: cmd.tag, name: cmd.name, lines: cmd.lines, literals: cmd.literals } });
      if (PAUSE_AFTER.has(cmd.name)) this.pauseReason = 'command';
      return;
    }
    const isMessage = cmd.name === 'APPEND' && !(cmd.lines.length === 0 && ann.start === cmd.firstArgStart);
    const refusal = this.literalRefusal(cmd, ann.size, ann.synchronizing, isMessage);
    if (refusal) {
      this.dropCommand(out, line, refusal);
      return;
    }
    cmd.lines.push(line);
    if (isMessage) {
      cmd.appendStarted = true;
      out.push({
        type: 'appendLiteralStart', tag: cmd.tag, size: ann.size, binary: ann.binary, synchronizing: ann.synchronizing,
        head: { tag: cmd.tag, name: cmd.name, lines: cmd.lines, literals: cmd.literals },
      });
      this.phase = { kind: 'appendLiteral', remaining: ann.size };
      if (ann.synchronizing) this.pauseReason = 'literal';
      return;
    }
    this.phase = { kind: 'literal', remaining: ann.size, binary: ann.binary, data: null, filled: 0 };
    if (ann.synchronizing) {
      out.push({ type: 'continuationNeeded', tag: cmd.tag, size: ann.size });
      this.pauseReason = 'literal';
    }
  }

  /** Why an announced literal cannot be accepted, or null when it can. */
  private literalRefusal(cmd: CommandInProgress, size: number, synchronizing: boolean, isMessage: boolean): ImapParseError | null {
    const tag = cmd.tag;
    if (size === Infinity) {
      // For a synchronising literal the client waits for `+`, so refusing is enough; a
      // non-synchronising one promises more octets than we could ever count off: give up.
      return new ImapParseError(ImapErrorCode.literalSizeInvalid, 'Literal size out of range', { tag, fatal: !synchronizing });
    }
    if (!synchronizing && this.nonSync === 'none') {
      return new ImapParseError(ImapErrorCode.nonSyncLiteralRefused, 'Non-synchronizing literals are not supported', { tag });
    }
    if (!synchronizing && this.nonSync === 'literal-' && size > LITERAL_MINUS_MAX) {
      return new ImapParseError(ImapErrorCode.nonSyncLiteralTooLarge, `Non-synchronizing literals are limited to ${LITERAL_MINUS_MAX} octets`, { tag, responseCode: 'TOOBIG' });
    }
    if (isMessage) {
      if (size > this.appendLimit) {
        return new ImapParseError(ImapErrorCode.appendTooLarge, 'Message too large', { tag, status: 'NO', responseCode: 'TOOBIG' });
      }
      return null;
    }
    if (size > this.maxLiteralSize) {
      return new ImapParseError(ImapErrorCode.literalTooLarge, 'Literal too large', { tag, responseCode: 'TOOBIG' });
    }
    if (cmd.size + size > this.maxCommandSize) {
      return new ImapParseError(ImapErrorCode.commandTooLarge, 'Command too large', { tag, responseCode: 'TOOBIG' });
    }
    if (cmd.literals.length >= this.maxLiterals) {
      return new ImapParseError(ImapErrorCode.commandTooLarge, 'Too many literals in one command', { tag });
    }
    return null;
  }

  /** Refuses the command in progress and skips whatever of it is still coming. */
  private dropCommand(out: ReaderEvent[], line: Buffer, error: ImapParseError): void {
    this.command = null;
    if (error.fatal) {
      this.emitFatal(out, error);
      return;
    }
    this.emitError(out, error);
    this.skipAnnouncedLiteral(line, out);
  }

  private finishLiteral(phase: { kind: 'literal'; binary: boolean; data: Buffer | null }): void {
    const cmd = this.command!;
    const data = phase.data ?? Buffer.alloc(0);
    cmd.literals.push({ data, binary: phase.binary });
    cmd.size += data.length;
    this.phase = { kind: 'line' };
  }

  private queue(bytes: Buffer, out: ReaderEvent[]): void {
    if (this.pendingBytes + bytes.length > this.maxPendingBytes) {
      this.emitFatal(out, new ImapParseError(ImapErrorCode.pendingOverflow, 'Too much data sent without waiting for a response', { tag: this.command?.tag ?? null, fatal: true }));
      return;
    }
    this.pending.push(Buffer.from(bytes));
    this.pendingBytes += bytes.length;
  }

  private emitError(out: ReaderEvent[], error: ImapParseError): void {
    // Errors in IDLE or AUTHENTICATE end them; the session answers the command's own tag.
    if (this.mode !== 'command') this.mode = 'command';
    out.push({ type: 'error', error });
  }

  private emitFatal(out: ReaderEvent[], error: ImapParseError): void {
    out.push({ type: 'error', error });
    this.dead = true;
    this.command = null;
    this.line.clear();
    this.pending = [];
    this.pendingBytes = 0;
    this.phase = { kind: 'line' };
  }

  private tagOfPartialLine(bytes: Buffer): string | null {
    // The tag may straddle what was collected and the chunk that overflowed.
    const first = Buffer.concat([this.line.head(256), bytes.subarray(0, 256)]);
    const sp = first.indexOf(0x20);
    if (sp <= 0) return null;
    try {
      return readCommandHead(first.subarray(0, sp)).tag;
    } catch {
      return null;
    }
  }

  private noteRetained(): void {
    const n = this.retainedBytes;
    if (n > this.highWater) this.highWater = n;
  }
}

function lastBytes(bytes: Buffer): Buffer {
  return Buffer.from(bytes.length <= TAIL_BYTES ? bytes : bytes.subarray(bytes.length - TAIL_BYTES));
}
