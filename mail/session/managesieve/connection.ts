// The bytes of one ManageSieve connection: commands in (parsed by the pure command parser as
// bytes arrive, literals included); responses out, the STARTTLS switch and the idle timer come
// from ClientConnection. A literal too large to accept is read and thrown away, so the client's
// next command still parses. Knows nothing of what the commands mean.

import { parseCommand, type ParseResult } from '../../protocol/managesieve/index.js';
import { ClientConnection, type ClientConnectionOptions, type ClientSocket } from '../client-connection.js';

export type ManageSieveSocket = ClientSocket;

export type Incoming =
  | Extract<ParseResult, { kind: 'command' }>
  | Extract<ParseResult, { kind: 'error' }>
  | { kind: 'too-long' };

export class ManageSieveConnection extends ClientConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private skip = 0;
  /** After a literal too large to take: drop what is left of its command line. */
  private skipToLineEnd = false;

  constructor(socket: ManageSieveSocket, private readonly options: ClientConnectionOptions & { maxLineLength: number; maxLiteral: number }) {
    super(socket, options);
  }

  /** The next command (or argument line, for a SASL response), or null once the connection is gone. */
  async next(argumentsOnly = false): Promise<Incoming | null> {
    for (;;) {
      if (this.skip > 0 && this.buffer.length > 0) {
        const n = Math.min(this.skip, this.buffer.length);
        this.buffer = this.buffer.subarray(n);
        this.skip -= n;
        this.resume();
      }
      if (this.skip === 0 && this.skipToLineEnd && this.buffer.length > 0) {
        // The rest of the refused command, after its literal, ends at CRLF; it is not a command.
        const lineEnd = this.buffer.indexOf('\r\n');
        if (lineEnd >= 0) {
          this.buffer = this.buffer.subarray(lineEnd + 2);
          this.skipToLineEnd = false;
        } else {
          this.buffer = this.buffer.subarray(this.buffer[this.buffer.length - 1] === 0x0d ? this.buffer.length - 1 : this.buffer.length);
        }
        this.resume();
      }
      if (this.skip === 0 && !this.skipToLineEnd && this.buffer.length > 0) {
        const parsed = parseCommand(this.buffer, { maxLiteral: this.options.maxLiteral, argumentsOnly });
        if (parsed.kind === 'command' || parsed.kind === 'error') {
          this.buffer = this.buffer.subarray(parsed.consumed);
          if (parsed.kind === 'error') {
            this.skip = parsed.skip;
            this.skipToLineEnd = parsed.literalTooLarge;
          }
          this.resume();
          return parsed;
        }
        // Incomplete: a line without its CRLF past the limit (literals excepted) is hostile.
        const lineEnd = this.buffer.indexOf('\r\n');
        if ((lineEnd < 0 ? this.buffer.length : lineEnd) > this.options.maxLineLength && !/\{\d+\+?\}\r?$/.test(this.buffer.subarray(0, lineEnd < 0 ? undefined : lineEnd).toString('latin1'))) {
          return { kind: 'too-long' };
        }
        if (this.buffer.length > this.options.maxLineLength + this.options.maxLiteral + 1024) return { kind: 'too-long' };
      }
      if (this.closed) return null;
      await this.waitForInput();
    }
  }

  private resume(): void {
    if (this.socket.isPaused() && this.buffer.length < this.options.maxLineLength) this.socket.resume();
  }

  protected override receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    // A pipelining client may send ahead; stop reading while plenty is waiting.
    if (this.buffer.length > this.options.maxLineLength + this.options.maxLiteral + 1024) this.socket.pause();
    this.wake();
  }

  /** STARTTLS: anything the client sent in the clear after the command is thrown away. */
  protected override discardInput(): void {
    this.buffer = Buffer.alloc(0);
    this.skip = 0;
  }
}
