// The bytes of one ManageSieve connection: commands in (parsed by the pure command parser as
// bytes arrive, literals included), responses out, the STARTTLS switch and the idle timer.
// A literal too large to accept is read and thrown away, so the client's next command still
// parses. Knows nothing of what the commands mean.

import { once } from 'node:events';
import type net from 'node:net';
import type tls from 'node:tls';
import { parseCommand, type ParseResult } from '../../protocol/managesieve/index.js';
import { upgradeToTls } from '../../listener/starttls-upgrade.js';

export type ManageSieveSocket = net.Socket | tls.TLSSocket;

export type Incoming =
  | Extract<ParseResult, { kind: 'command' }>
  | Extract<ParseResult, { kind: 'error' }>
  | { kind: 'too-long' };

export class ManageSieveConnection {
  private socket: ManageSieveSocket;
  private buffer: Buffer = Buffer.alloc(0);
  private skip = 0;
  /** After a literal too large to take: drop what is left of its command line. */
  private skipToLineEnd = false;
  private waiter: (() => void) | null = null;
  private closedFlag = false;
  private markGone!: () => void;
  private readonly gone = new Promise<void>((resolve) => { this.markGone = resolve; });
  secure: boolean;

  constructor(socket: ManageSieveSocket, private readonly options: { maxLineLength: number; maxLiteral: number; idleTimeoutMs: number; secure: boolean; onIdle: () => void }) {
    this.socket = socket;
    this.secure = options.secure;
    this.attach(socket);
  }

  get closed(): boolean {
    return this.closedFlag;
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
      if (this.closedFlag) return null;
      await new Promise<void>((resolve) => { this.waiter = resolve; });
    }
  }

  async write(data: string): Promise<void> {
    if (this.closedFlag || this.socket.destroyed) return;
    if (this.socket.write(data)) return;
    await Promise.race([once(this.socket, 'drain'), once(this.socket, 'close')]).catch(() => undefined);
  }

  /** STARTTLS: anything the client sent in the clear after the command is thrown away. */
  async startTls(context: tls.SecureContext): Promise<void> {
    const raw = this.socket;
    this.detach(raw);
    this.buffer = Buffer.alloc(0);
    this.skip = 0;
    const upgrade = upgradeToTls(raw as net.Socket, context);
    this.socket = upgrade.socket;
    this.attach(upgrade.socket);
    await upgrade.handshake;
    this.secure = true;
  }

  async end(last?: string): Promise<void> {
    if (this.closedFlag) return;
    if (last) await this.write(last);
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  /**
   * Resolves once the socket has closed: when the client closes after our last words, or when
   * end()'s timer destroys it. Destroying it at once instead could drop a last response still
   * on its way through TLS.
   */
  whenClosed(): Promise<void> {
    return this.gone;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private resume(): void {
    if (this.socket.isPaused() && this.buffer.length < this.options.maxLineLength) this.socket.resume();
  }

  private readonly onData = (chunk: Buffer) => {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    // A pipelining client may send ahead; stop reading while plenty is waiting.
    if (this.buffer.length > this.options.maxLineLength + this.options.maxLiteral + 1024) this.socket.pause();
    this.wake();
  };

  private readonly onTimeout = () => this.options.onIdle();

  private readonly onGone = () => {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.wake();
    this.markGone();
  };

  private attach(socket: ManageSieveSocket): void {
    socket.on('data', this.onData);
    socket.on('close', this.onGone);
    socket.on('error', () => { /* 'close' follows */ });
    socket.setTimeout(this.options.idleTimeoutMs);
    socket.on('timeout', this.onTimeout);
  }

  private detach(socket: ManageSieveSocket): void {
    socket.off('data', this.onData);
    socket.off('close', this.onGone);
    socket.off('timeout', this.onTimeout);
    socket.setTimeout(0);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
