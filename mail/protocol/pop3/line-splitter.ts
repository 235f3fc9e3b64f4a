// Splits the client's bytes into command lines. Pure. A line ends with LF (CRLF is what RFC 1939
// says; a lone LF is taken too, since some scripted clients send it). Lines longer than the
// limit are reported once and skipped to their end, so a client cannot make us buffer without
// bound. Bytes are decoded as UTF-8 only for the parser; passwords may be UTF-8.

const LF = 0x0a;

export type SplitItem = { kind: 'line'; line: string } | { kind: 'too-long' };

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false;

  constructor(private readonly maxLineLength: number) {}

  push(chunk: Buffer): SplitItem[] {
    const out: SplitItem[] = [];
    let from = 0;
    for (;;) {
      const lf = chunk.indexOf(LF, from);
      if (lf < 0) break;
      const piece = chunk.subarray(from, lf);
      from = lf + 1;
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      if (this.pendingBytes + piece.length > this.maxLineLength) {
        this.reset();
        out.push({ kind: 'too-long' });
        continue;
      }
      let line = Buffer.concat([...this.pending, piece]);
      this.reset();
      if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, -1);
      out.push({ kind: 'line', line: line.toString('utf8') });
    }
    const rest = chunk.subarray(from);
    if (!this.skipping && rest.length > 0) {
      if (this.pendingBytes + rest.length > this.maxLineLength) {
        this.reset();
        this.skipping = true;
        out.push({ kind: 'too-long' });
      } else {
        this.pending.push(Buffer.from(rest));
        this.pendingBytes += rest.length;
      }
    }
    return out;
  }

  /** Drops whatever is buffered: after STLS nothing sent in the clear may be read as a command. */
  discard(): void {
    this.reset();
    this.skipping = false;
  }

  private reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }
}
