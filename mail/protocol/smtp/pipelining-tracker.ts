// Follows the client's side of an SMTP conversation closely enough to say whether it sent
// anything after DATA before the server's 354 (RFC 2920 3.1: DATA ends a pipelined group, and
// the client must wait for the 354). Spam engines that fire the whole conversation blind, and
// smuggling attempts that rely on the server reading message bytes as commands, do exactly
// that. Pure: client bytes and server reply codes in, a verdict out.
//
// Lines are split the way smtp-server splits them (at LF, an optional CR before it), and the
// data phase ends where smtp-server ends it (<CRLF>.<CRLF>, or ".<CRLF>" as the first line).
// Each command line, and each end of data, is owed exactly one final reply, in order.

/** What a client line or event is waiting to be answered for. */
type Awaiting = 'command' | 'data' | 'starttls' | 'end-of-data';

export type TrackerMode =
  /** Client sends commands. */
  | 'command'
  /** Client sends message data (after our 354). */
  | 'data'
  /** STARTTLS was accepted: the following bytes are the TLS handshake; stop watching. */
  | 'tls';

export type ClientVerdict = 'ok' | 'early-data';

const LF = 0x0a;
const MAX_HEAD = 16;
const END = '\r\n.\r\n'; // enough of a line to recognise DATA and STARTTLS

export class PipeliningTracker {
  private readonly awaiting: Awaiting[] = [];
  private mode: TrackerMode = 'command';
  /** The first bytes of the current, unfinished command line. */
  private head = '';
  /** The last bytes of the data phase (starts as the CRLF that ended the DATA line). */
  private tail = '';
  private greeted: boolean;
  private violated = false;

  /** greeted: false when the server's next reply is its greeting (no command asked for it). */
  constructor(options: { greeted?: boolean } = {}) {
    this.greeted = options.greeted ?? false;
  }

  get currentMode(): TrackerMode {
    return this.mode;
  }

  /** True when no command waits for a reply and no message is being received. */
  get idle(): boolean {
    return this.mode === 'command' && this.awaiting.length === 0;
  }

  /** Bytes the client sent. 'early-data' once anything arrived after DATA before its reply. */
  client(chunk: Uint8Array): ClientVerdict {
    if (this.violated) return 'early-data';
    let i = 0;
    while (i < chunk.length) {
      if (this.mode === 'tls') return 'ok';
      if (this.awaiting.includes('data')) {
        this.violated = true;
        return 'early-data';
      }
      if (this.mode === 'data') {
        i = this.scanData(chunk, i);
        continue;
      }
      const lf = chunk.indexOf(LF, i);
      const end = lf < 0 ? chunk.length : lf;
      if (this.head.length < MAX_HEAD) {
        this.head += latin1(chunk, i, Math.min(end, i + MAX_HEAD - this.head.length));
      }
      if (lf < 0) return 'ok';
      this.awaiting.push(classify(this.head));
      this.head = '';
      i = lf + 1;
    }
    return 'ok';
  }

  /** A reply the server sent (one call per complete reply, multi-line or not). */
  server(code: number): void {
    if (!this.greeted) {
      this.greeted = true;
      return;
    }
    const what = this.awaiting.shift();
    if (what === 'data' && code === 354) {
      this.mode = 'data';
      this.tail = '\r\n';
    } else if (what === 'starttls' && code === 220) {
      this.mode = 'tls';
    }
  }

  private scanData(chunk: Uint8Array, from: number): number {
    // The end is <CRLF>.<CRLF>; the CRLF that ended the DATA line stands in for the first CRLF.
    // The last four bytes are kept so an end split across chunks is found.
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const joined = this.tail + buf.toString('latin1', from, Math.min(buf.length, from + 4));
    let end = joined.indexOf(END);
    if (end >= 0) {
      end = from + end + END.length - this.tail.length;
    } else {
      const at = buf.indexOf(END, from, 'latin1');
      end = at >= 0 ? at + END.length : -1;
    }
    if (end >= 0) {
      this.mode = 'command';
      this.tail = '';
      this.awaiting.push('end-of-data');
      return end;
    }
    this.tail = (this.tail + buf.toString('latin1', Math.max(from, buf.length - 4))).slice(-4);
    return buf.length;
  }
}

/** Bytes as a latin1 string (one character per byte), without spreading them into an array. */
function latin1(chunk: Uint8Array, start: number, end: number): string {
  const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return buf.toString('latin1', start, end);
}

function classify(head: string): Awaiting {
  const line = head.replace(/\r$/, '');
  const verb = line.split(' ')[0]!.toUpperCase();
  if (verb === 'DATA') return 'data';
  if (verb === 'STARTTLS' && line.trim().toUpperCase() === 'STARTTLS') return 'starttls';
  return 'command';
}
