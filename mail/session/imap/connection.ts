// The bytes of one IMAP connection, below the protocol: chunks in (pulled one at a time by the
// session, so a client cannot make us buffer more than a chunk or two), responses out with
// backpressure, and the two mid-stream switches, STARTTLS and COMPRESS=DEFLATE. Knows nothing of
// commands; the session (imap-session.ts) reads chunks and feeds them to the command reader.
//
// Flow control: the socket (and the inflater, when compressing) flows only while no chunk is
// waiting to be read, so a client that pipelines, floods or sends a deflate bomb is held at the
// TCP window. A write that does not drain within `writeTimeoutMs` (a client that stopped reading)
// destroys the connection rather than holding the session forever.

import { once } from 'node:events';
import type net from 'node:net';
import type { Writable } from 'node:stream';
import type tls from 'node:tls';
import zlib from 'node:zlib';
import { upgradeToTls } from '../../listener/starttls-upgrade.js';

export type ImapSocket = net.Socket | tls.TLSSocket;

export interface ImapConnectionOptions {
  secure: boolean;
  /** A write that cannot drain for this long ends the connection. */
  writeTimeoutMs: number;
}

/** Lets the last words out before the socket is destroyed, if the client does not close first. */
const LINGER_MS = 2000;

export class ImapConnection {
  private socket: ImapSocket;
  private readonly queue: Buffer[] = [];
  private waiter: (() => void) | null = null;
  /** Our side said goodbye (or the peer went): no more reading, writes are dropped. */
  private closing = false;
  private closedFlag = false;
  /** The client finished sending (FIN, or the end of its deflate stream). */
  private eof = false;
  /** Reading stopped until a switch (STARTTLS, COMPRESS) is done. */
  private held = false;
  private inflater: zlib.InflateRaw | null = null;
  private inflaterFull = false;
  private deflater: zlib.DeflateRaw | null = null;
  private flushScheduled = false;
  private readonly closeCallbacks: (() => void)[] = [];
  secure: boolean;

  constructor(socket: ImapSocket, private readonly options: ImapConnectionOptions) {
    this.socket = socket;
    this.secure = options.secure;
    this.attach(socket);
  }

  /** The socket is gone. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** No more input will be read: we said goodbye, or the socket is gone. */
  get ending(): boolean {
    return this.closing || this.closedFlag;
  }

  get compressed(): boolean {
    return this.deflater !== null;
  }

  onClose(cb: () => void): void {
    if (this.closedFlag) cb(); else this.closeCallbacks.push(cb);
  }

  /** The next chunk from the client (inflated when compressing), or null once input has ended. */
  async read(): Promise<Buffer | null> {
    for (;;) {
      if (this.ending) return null;
      const chunk = this.queue.shift();
      if (chunk) {
        this.updateFlow();
        return chunk;
      }
      if (this.eof) return null;
      this.updateFlow();
      await new Promise<void>((resolve) => { this.waiter = resolve; });
    }
  }

  /** Writes in order and waits while the output is full; never throws (a dead socket ends the session by its close). */
  async write(data: Buffer | readonly Buffer[]): Promise<void> {
    const chunks = Buffer.isBuffer(data) ? [data] : data;
    const out: Writable = this.deflater ?? this.socket;
    let full = false;
    for (const chunk of chunks) {
      if (this.closing || this.closedFlag || this.socket.destroyed) return;
      if (chunk.length > 0 && !out.write(chunk)) full = true;
    }
    if (this.deflater) this.scheduleFlush();
    if (full) await this.waitDrain(out);
  }

  /** Stops reading now; STARTTLS and COMPRESS call this before their tagged OK goes out. */
  hold(): void {
    this.held = true;
    this.updateFlow();
  }

  /** Undoes hold() when the switch did not happen. */
  release(): void {
    this.held = false;
    this.updateFlow();
  }

  /**
   * STARTTLS, after our tagged OK: what the client sent in the clear after the command is thrown
   * away (RFC 9051 section 11.1: a man in the middle could have injected it). Bytes still in the
   * socket's own buffer go to the TLS layer, where anything but a handshake fails it.
   */
  async startTls(context: tls.SecureContext): Promise<void> {
    const raw = this.socket;
    this.detach(raw);
    this.queue.length = 0;
    const upgrade = upgradeToTls(raw as net.Socket, context);
    this.socket = upgrade.socket;
    this.held = false;
    this.attach(upgrade.socket);
    await upgrade.handshake;
    this.secure = true;
  }

  /**
   * COMPRESS=DEFLATE (RFC 4978), after our tagged OK: both directions are raw deflate from here.
   * `pending` is what the command reader had already received after COMPRESS: compressed bytes.
   */
  startCompression(pending: Buffer): void {
    const inflater = zlib.createInflateRaw();
    const deflater = zlib.createDeflateRaw();
    inflater.on('data', (chunk: Buffer) => this.enqueue(chunk));
    inflater.on('error', () => this.destroy());
    inflater.on('end', () => { this.eof = true; this.wake(); });
    inflater.on('drain', () => { this.inflaterFull = false; this.updateFlow(); });
    deflater.on('error', () => this.destroy());
    deflater.pipe(this.socket, { end: false });
    this.inflater = inflater;
    this.deflater = deflater;
    // Whatever was read but not yet consumed is compressed input too, in order.
    const earlier = [pending, ...this.queue.splice(0)];
    this.held = false;
    for (const chunk of earlier) if (chunk.length > 0) this.toInflater(chunk);
    this.updateFlow();
  }

  /** Sends the last words and closes our side; the socket goes when the client closes, or soon after. */
  async end(last?: Buffer): Promise<void> {
    if (this.closing || this.closedFlag) return;
    if (last) await this.write(last);
    this.closing = true;
    this.wake();
    const socket = this.socket;
    const deflater = this.deflater;
    if (deflater) {
      await new Promise<void>((resolve) => deflater.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
      // pipe() writes on the next 'data'; let it run before the socket's end.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  }

  destroy(): void {
    this.closing = true;
    this.socket.destroy();
    this.wake();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // One sync flush per burst of writes (a FETCH writes many pieces in one turn), so the client
    // gets whole responses without a flush marker after every piece.
    setImmediate(() => {
      this.flushScheduled = false;
      if (this.deflater && !this.closedFlag) this.deflater.flush(zlib.constants.Z_SYNC_FLUSH);
    });
  }

  private async waitDrain(out: Writable): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), this.options.writeTimeoutMs); });
    try {
      const result = await Promise.race([
        once(out, 'drain').then(() => 'drain' as const),
        once(this.socket, 'close').then(() => 'close' as const),
        timeout,
      ]).catch(() => 'close' as const);
      if (result === 'timeout') this.destroy();
    } finally {
      clearTimeout(timer);
    }
  }

  private readonly onData = (chunk: Buffer) => {
    if (this.inflater) this.toInflater(chunk);
    else this.enqueue(chunk);
  };

  private toInflater(chunk: Buffer): void {
    if (!this.inflater!.write(chunk)) {
      this.inflaterFull = true;
      this.updateFlow();
    }
  }

  private enqueue(chunk: Buffer): void {
    if (this.ending) return;
    this.queue.push(chunk);
    this.updateFlow();
    this.wake();
  }

  /** Input flows only while nothing is waiting to be read and no switch is pending. */
  private updateFlow(): void {
    if (this.closedFlag) return;
    const want = this.queue.length === 0 && !this.held && !this.closing;
    if (this.inflater) {
      if (want) this.inflater.resume(); else this.inflater.pause();
    }
    if (want && !this.inflaterFull) this.socket.resume();
    else this.socket.pause();
  }

  private readonly onGone = () => {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.wake();
    for (const cb of this.closeCallbacks.splice(0)) cb();
  };

  private readonly onEnd = () => {
    // The client will send nothing more; what it sent is still read (a LOGOUT at the end).
    if (this.inflater) this.inflater.end();
    else this.eof = true;
    this.wake();
  };

  private attach(socket: ImapSocket): void {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onGone);
    socket.on('error', () => { /* 'close' follows; the session logs the end */ });
    this.updateFlow();
  }

  private detach(socket: ImapSocket): void {
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onGone);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
