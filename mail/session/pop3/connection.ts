// The bytes of one POP3 connection: command lines in (through the pure LineSplitter), replies
// and message bodies out with backpressure, the STLS switch, and the autologout timer. Knows
// nothing of commands; the session (pop3-session.ts) consumes the lines one at a time.

import { once } from 'node:events';
import type net from 'node:net';
import type { Readable } from 'node:stream';
import type tls from 'node:tls';
import { LineSplitter, type SplitItem } from '../../protocol/pop3/line-splitter.js';
import { upgradeToTls } from '../../listener/starttls-upgrade.js';

/** Lines a pipelining client may have waiting before we stop reading its socket. */
const MAX_QUEUED_LINES = 64;

export type Pop3Socket = net.Socket | tls.TLSSocket;

export class Pop3Connection {
  private socket: Pop3Socket;
  private readonly splitter: LineSplitter;
  private readonly queue: SplitItem[] = [];
  private waiter: (() => void) | null = null;
  private closedFlag = false;
  private readonly closeCallbacks: (() => void)[] = [];
  secure: boolean;

  constructor(socket: Pop3Socket, private readonly options: { maxLineLength: number; idleTimeoutMs: number; secure: boolean; onIdle: () => void }) {
    this.socket = socket;
    this.secure = options.secure;
    this.splitter = new LineSplitter(options.maxLineLength);
    this.attach(socket);
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  onClose(cb: () => void): void {
    if (this.closedFlag) cb(); else this.closeCallbacks.push(cb);
  }

  /** The next line from the client, or null once the connection is gone. */
  async nextItem(): Promise<SplitItem | null> {
    for (;;) {
      const item = this.queue.shift();
      if (item) {
        if (this.queue.length < MAX_QUEUED_LINES / 2 && this.socket.isPaused()) this.socket.resume();
        return item;
      }
      if (this.closedFlag) return null;
      await new Promise<void>((resolve) => { this.waiter = resolve; });
    }
  }

  /** Writes and waits while the socket's buffer is full; never throws (a dead socket ends the session by its close). */
  async write(data: string | Buffer): Promise<void> {
    if (this.closedFlag || this.socket.destroyed) return;
    if (this.socket.write(data)) return;
    await Promise.race([once(this.socket, 'drain'), once(this.socket, 'close')]).catch(() => undefined);
  }

  /** Streams a body through `transform`; stops early when it says done. */
  async pipeBody(stream: Readable, transform: (chunk: Buffer) => Buffer, done: () => boolean = () => false): Promise<void> {
    try {
      for await (const chunk of stream) {
        if (this.closedFlag) break;
        await this.write(transform(chunk as Buffer));
        if (done()) break;
      }
    } finally {
      stream.destroy();
    }
  }

  /**
   * STLS: after our +OK the client starts its handshake. Whatever it sent in the clear after the
   * command is thrown away (RFC 2595 section 4: a man in the middle could have injected it).
   */
  async startTls(context: tls.SecureContext): Promise<void> {
    const raw = this.socket;
    this.detach(raw);
    this.queue.length = 0;
    this.splitter.discard();
    const upgrade = upgradeToTls(raw as net.Socket, context);
    this.socket = upgrade.socket;
    this.attach(upgrade.socket);
    await upgrade.handshake;
    this.secure = true;
  }

  /** Sends the last words and closes our side; the socket goes when the client closes, or soon after. */
  async end(last?: string): Promise<void> {
    if (this.closedFlag) return;
    if (last) await this.write(last);
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private readonly onData = (chunk: Buffer) => {
    this.queue.push(...this.splitter.push(chunk));
    if (this.queue.length >= MAX_QUEUED_LINES) this.socket.pause();
    this.wake();
  };

  private readonly onTimeout = () => this.options.onIdle();

  private readonly onGone = () => {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.wake();
    for (const cb of this.closeCallbacks.splice(0)) cb();
  };

  private attach(socket: Pop3Socket): void {
    socket.on('data', this.onData);
    socket.on('close', this.onGone);
    socket.on('error', () => { /* 'close' follows; the session logs the end */ });
    socket.setTimeout(this.options.idleTimeoutMs);
    socket.on('timeout', this.onTimeout);
  }

  private detach(socket: Pop3Socket): void {
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
