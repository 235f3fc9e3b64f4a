// Where a long answer (FETCH of many messages, bodies of any size) is written: text and chunks
// gather here and go to the connection in pieces of a bounded size, each write awaited, so a
// 50 MB body or a FETCH 1:* over 100,000 messages never sits in memory whole and a slow client
// slows us down instead of filling our buffers.

export const OUTPUT_HIGH_WATER = 256 * 1024;
const TEXT_SLICE = 16 * 1024;

export class ResponseOutput {
  private chunks: Buffer[] = [];
  private size = 0;
  private text = '';

  constructor(private readonly send: (chunks: readonly Buffer[]) => Promise<void>, private readonly highWater = OUTPUT_HIGH_WATER) {}

  write(text: string): void {
    this.text += text;
    if (this.text.length >= TEXT_SLICE) this.flushText();
  }

  /** Bytes as they are (literal contents); the buffer is kept, not copied, until it is sent. */
  writeBytes(bytes: Buffer): void {
    this.flushText();
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  /** Sends what has gathered once it is past the high-water mark. */
  async drain(): Promise<void> {
    if (this.size + this.text.length >= this.highWater) await this.flush();
  }

  async flush(): Promise<void> {
    this.flushText();
    if (this.chunks.length === 0) return;
    const chunks = this.chunks;
    this.chunks = [];
    this.size = 0;
    await this.send(chunks);
  }

  private flushText(): void {
    if (this.text === '') return;
    const bytes = Buffer.from(this.text, 'utf8');
    this.text = '';
    this.chunks.push(bytes);
    this.size += bytes.length;
  }
}
