// The bytes of a small message body, kept for the commit worker to index (see job-index.ts).
// Copied as they arrive: the body's producer may reuse a chunk once the next one is asked for.
// One buffer that doubles as it fills, so the bytes go to the worker as one transferable
// ArrayBuffer, not as a clone of every chunk.

const INITIAL_BYTES = 8 * 1024;

export class HeldBody {
  private buffer: Uint8Array | null = null;
  private used = 0;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.used;
  }

  /** Adds the chunk; false (and nothing added) if the body would grow past the limit. */
  add(chunk: Uint8Array): boolean {
    const needed = this.used + chunk.length;
    if (needed > this.limit) return false;
    if (!this.buffer || needed > this.buffer.length) {
      let capacity = this.buffer ? this.buffer.length : INITIAL_BYTES;
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(Math.min(capacity, this.limit));
      if (this.buffer) grown.set(this.buffer.subarray(0, this.used));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.used);
    this.used = needed;
    return true;
  }

  /** The chunks held so far, in order (for an indexer taking over when the body outgrew the hold). */
  contents(): Buffer {
    return this.buffer ? Buffer.from(this.buffer.buffer, 0, this.used) : Buffer.alloc(0);
  }

  /** The bytes as a view on a buffer of their own (transferable); the hold is empty afterwards. */
  take(): Uint8Array {
    const bytes = this.buffer ? this.buffer.subarray(0, this.used) : new Uint8Array(0);
    this.buffer = null;
    this.used = 0;
    return bytes;
  }
}
