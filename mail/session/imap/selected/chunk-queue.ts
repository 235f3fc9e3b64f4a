// The bridge between APPEND's pushed chunks (the reader hands them to AppendSink.write) and the
// store's pulled body (DeliveryTransaction.writeBody takes an AsyncIterable). Each chunk is
// copied, because the reader's chunk is a view of a buffer it reuses; the producer waits while
// more than HIGH_WATER bytes are queued, so a fast client cannot outrun the disk.

export const CHUNK_QUEUE_HIGH_WATER = 1024 * 1024;

export class ChunkQueue implements AsyncIterable<Buffer> {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private failure: Error | null = null;
  /** The consumer stopped reading (it failed or finished early): further chunks are dropped. */
  private consumerGone = false;
  private wakeConsumer: (() => void) | null = null;
  private wakeProducer: (() => void) | null = null;

  constructor(private readonly highWater = CHUNK_QUEUE_HIGH_WATER) {}

  async push(chunk: Buffer): Promise<void> {
    if (this.ended || this.consumerGone || this.failure) return;
    const copy = Buffer.from(chunk);
    this.queue.push(copy);
    this.queued += copy.length;
    this.wake('consumer');
    while (this.queued > this.highWater && !this.consumerGone && !this.failure) {
      await new Promise<void>((resolve) => { this.wakeProducer = resolve; });
    }
  }

  end(): void {
    this.ended = true;
    this.wake('consumer');
  }

  /** Ends the iteration with this error (the APPEND was aborted). */
  fail(error: Error): void {
    this.failure = error;
    this.wake('consumer');
    this.wake('producer');
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        const next = this.queue.shift();
        if (next) {
          this.queued -= next.length;
          this.wake('producer');
          yield next;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.ended) return;
        await new Promise<void>((resolve) => { this.wakeConsumer = resolve; });
      }
    } finally {
      this.consumerGone = true;
      this.queue.length = 0;
      this.queued = 0;
      this.wake('producer');
    }
  }

  private wake(which: 'consumer' | 'producer'): void {
    const wake = which === 'consumer' ? this.wakeConsumer : this.wakeProducer;
    if (which === 'consumer') this.wakeConsumer = null;
    else this.wakeProducer = null;
    wake?.();
  }
}
