// What the streaming command reader (command-reader.ts) hands the session.

import type { ImapParseError } from './errors.js';

/** One literal's octets, as the client sent them. */
export interface RawLiteral {
  data: Buffer;
  /** Sent as literal8 (`~{n}`), which may hold NUL octets (RFC 3516). */
  binary: boolean;
}

/**
 * One complete command as it arrived: `lines[i]` (without its CRLF) ends with the announcement of
 * `literals[i]` (`{n}`, `{n+}` or `~{n}`, kept in the text so the parser can check it), and the last
 * line ends the command. So `lines.length === literals.length + 1`, except in the head of an
 * APPEND, whose last line announces the message literal that is streamed instead of kept.
 */
export interface RawCommand {
  tag: string;
  /** The first word after the tag, upper-cased (`UID` for UID commands). */
  name: string;
  lines: Buffer[];
  literals: RawLiteral[];
}

export type ReaderEvent =
  /** A complete command: give it to parseCommand(). */
  | { type: 'command'; command: RawCommand }
  /**
   * A synchronising literal `{n}` was announced (not an APPEND message). The reader is paused:
   * send `+ ...` and call acceptLiteral(), or answer the tag with NO/BAD and call refuseLiteral().
   */
  | { type: 'continuationNeeded'; tag: string; size: number }
  /**
   * The message literal of an APPEND begins. `head` holds everything before it (parse it with
   * parseAppendHead). When `synchronizing`, the reader is paused as for continuationNeeded, so
   * the session can refuse (NO [TRYCREATE], [OVERQUOTA]) before the client sends a single octet.
   */
  | { type: 'appendLiteralStart'; tag: string; head: RawCommand; size: number; binary: boolean; synchronizing: boolean }
  /** The next octets of the APPEND message; a view of the fed chunk, consume it before the next feed. */
  | { type: 'appendLiteralChunk'; tag: string; chunk: Buffer }
  /** The APPEND message and its command line are complete: commit it and answer. */
  | { type: 'appendLiteralEnd'; tag: string }
  /** A line sent during AUTHENTICATE (base64 or `*`). The reader pauses after it; call resume(). */
  | { type: 'authenticateResponse'; line: string }
  /** `DONE` ended IDLE; the reader is back in command mode. */
  | { type: 'idleDone' }
  /**
   * Input refused. The reader has already dropped the command and resynchronised; answer with
   * error.status (and error.responseCode) on error.tag, or `* BAD` when the tag is null. When
   * error.fatal, answer and close the connection. During an APPEND this also means: abort it.
   */
  | { type: 'error'; error: ImapParseError };

/** Why the reader stopped consuming input; it keeps later bytes (bounded) until told to go on. */
export type ReaderPause =
  /** Waiting for the session to accept or refuse a synchronising literal. */
  | 'literal'
  /** After a command that changes how the next bytes are read (IDLE, AUTHENTICATE, STARTTLS, COMPRESS). */
  | 'command'
  /** After one AUTHENTICATE response line. */
  | 'authenticate';

/** How the next lines are read. */
export type ReaderMode = 'command' | 'idle' | 'authenticate';
