// Streams a message body as a POP3 multi-line response (RFC 1939 section 3): a line that starts
// with "." gets another one in front, and the response ends with CRLF "." CRLF. Pure and
// incremental, so RETR never holds a whole message: feed chunks, then finish().
// The store keeps messages with CRLF line endings (SMTP refuses bare LF/CR), so the bytes sent
// are the stored bytes plus stuffing, and LIST's octet count matches what the client counts.

const DOT = 0x2e;
const LF = 0x0a;
const CR = 0x0d;

export class DotStuffer {
  private atLineStart = true;
  private lastByte = -1;

  push(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    const parts: Buffer[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.atLineStart && b === DOT) {
        parts.push(chunk.subarray(from, i), Buffer.from('.'));
        from = i;
      }
      this.atLineStart = b === LF;
    }
    parts.push(chunk.subarray(from));
    this.lastByte = chunk[chunk.length - 1]!;
    return parts.length === 1 ? chunk : Buffer.concat(parts);
  }

  /** The terminator; a message not ending in a line break gets one first, or "." would not be alone on its line. */
  finish(): Buffer {
    if (this.lastByte === -1 || this.lastByte === LF) return Buffer.from('.\r\n');
    return Buffer.from(this.lastByte === CR ? '\n.\r\n' : '\r\n.\r\n');
  }
}
