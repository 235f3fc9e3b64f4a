// Collects bytes that arrive in arbitrary pieces (down to one byte per feed) into one buffer,
// growing by doubling, so a line fed byte by byte costs one buffer and not one object per byte.

export class ByteAccumulator {
  private buf: Buffer;
  private len = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.len;
  }

  /** Bytes allocated, for memory accounting. */
  get capacity(): number {
    return this.buf.length;
  }

  append(bytes: Uint8Array): void {
    const need = this.len + bytes.length;
    if (need > this.buf.length) {
      let cap = Math.max(this.buf.length * 2, 64);
      while (cap < need) cap *= 2;
      const grown = Buffer.allocUnsafe(cap);
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    this.buf.set(bytes, this.len);
    this.len = need;
  }

  /** The bytes collected (a fresh copy), and starts over with a small buffer. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    if (this.buf.length > 4096) this.buf = Buffer.allocUnsafe(256);
    return out;
  }

  /** The last `n` bytes collected, as a copy. */
  tail(n: number): Buffer {
    return Buffer.from(this.buf.subarray(Math.max(0, this.len - n), this.len));
  }

  /** The first `n` bytes collected, as a view. */
  head(n: number): Buffer {
    return this.buf.subarray(0, Math.min(n, this.len));
  }

  clear(): void {
    this.len = 0;
    if (this.buf.length > 4096) this.buf = Buffer.allocUnsafe(256);
  }
}
