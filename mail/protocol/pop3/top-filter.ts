// TOP msg n (RFC 1939): the header, the blank line after it, and the first n lines of the body.
// Pure and incremental: push() returns the part of a chunk to send and says when the rest of
// the message is not needed, so the session can stop reading the file early.

const LF = 0x0a;
const CR = 0x0d;

export class TopFilter {
  private inHeader = true;
  /** Bytes on the current header line, CR not counted: 0 at LF means the blank line. */
  private lineLength = 0;
  private linesLeft: number;
  private finished = false;

  constructor(bodyLines: number) {
    this.linesLeft = bodyLines;
  }

  get done(): boolean {
    return this.finished;
  }

  push(chunk: Buffer): Buffer {
    if (this.finished) return chunk.subarray(0, 0);
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.inHeader) {
        if (b === LF) {
          if (this.lineLength === 0) {
            this.inHeader = false;
            if (this.linesLeft === 0) return this.stopAfter(chunk, i);
          }
          this.lineLength = 0;
        } else if (b !== CR) {
          this.lineLength++;
        }
      } else if (b === LF && --this.linesLeft === 0) {
        return this.stopAfter(chunk, i);
      }
    }
    return chunk;
  }

  private stopAfter(chunk: Buffer, i: number): Buffer {
    this.finished = true;
    return chunk.subarray(0, i + 1);
  }
}
