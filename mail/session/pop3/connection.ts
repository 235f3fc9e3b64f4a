// The bytes of one POP3 connection: command lines in (through the pure LineSplitter), replies
// and message bodies out with backpressure, the STLS switch, and the autologout timer (the last
// three from ClientConnection). Knows nothing of commands; the session (pop3-session.ts)
// consumes the lines one at a time.

import type { Readable } from 'node:stream';
import { LineSplitter, type SplitItem } from '../../protocol/pop3/line-splitter.js';
import { ClientConnection, type ClientConnectionOptions, type ClientSocket } from '../client-connection.js';

/** Lines a pipelining client may have waiting before we stop reading its socket. */
const MAX_QUEUED_LINES = 64;

export type Pop3Socket = ClientSocket;

export class Pop3Connection extends ClientConnection {
  private readonly splitter: LineSplitter;
  private readonly queue: SplitItem[] = [];

  constructor(socket: Pop3Socket, options: ClientConnectionOptions & { maxLineLength: number }) {
    super(socket, options);
    this.splitter = new LineSplitter(options.maxLineLength);
  }

  /** The next line from the client, or null once the connection is gone. */
  async nextItem(): Promise<SplitItem | null> {
    for (;;) {
      const item = this.queue.shift();
      if (item) {
        if (this.queue.length < MAX_QUEUED_LINES / 2 && this.socket.isPaused()) this.socket.resume();
        return item;
      }
      if (this.closed) return null;
      await this.waitForInput();
    }
  }

  /** Streams a body through `transform`; stops early when it says done. */
  async pipeBody(stream: Readable, transform: (chunk: Buffer) => Buffer, done: () => boolean = () => false): Promise<void> {
    try {
      for await (const chunk of stream) {
        if (this.closed) break;
        await this.write(transform(chunk as Buffer));
        if (done()) break;
      }
    } finally {
      stream.destroy();
    }
  }

  protected override receive(chunk: Buffer): void {
    this.queue.push(...this.splitter.push(chunk));
    if (this.queue.length >= MAX_QUEUED_LINES) this.socket.pause();
    this.wake();
  }

  protected override discardInput(): void {
    this.queue.length = 0;
    this.splitter.discard();
  }
}
