// Checks and normalises the line endings of a message body as it streams in (after the SMTP
// layer removed the dot-stuffing and the final <CRLF>.<CRLF>). Pure: feed(chunk) returns the
// normalised bytes and the verdict so far; no streams, no timers.
//
// Why: SMTP smuggling (2023) works because servers disagree about what ends DATA. A message
// whose body holds `<LF>.<LF>`, `<LF>.<CRLF>`, `<CR>.<CR><LF>`, `<CRLF>.<CR>` or a similar
// "lone dot line" bounded by a bare CR or LF is harmless here (only <CRLF>.<CRLF> ends DATA), but
// relayed or re-parsed by a more lenient peer it ends the message early and the rest is read as
// new SMTP commands: a forged second message. Such a body has no legitimate use, so it is
// refused outright ('smuggling' → 550 5.5.2).
//
// Other bare LFs are common from old scripts and printers, and mean "end of line" to every
// reader, so they are normalised to CRLF. A bare CR is refused ('bare-cr' → 550 5.6.0) rather
// than normalised: readers disagree about it (a line break to some, a plain byte to others), a
// normalised copy would no longer match signatures (DKIM) computed over it, and legitimate
// senders essentially never produce one. Refusing is the choice that can never store or relay
// an ambiguous message.

export type BodyVerdict =
  /** Nothing wrong so far. */
  | 'ok'
  /** A lone-dot line bounded by a bare CR or LF: an SMTP smuggling attempt. */
  | 'smuggling'
  /** A CR not followed by LF. */
  | 'bare-cr';

export interface ScanResult {
  /** Normalised bytes to store, in order; empty once the verdict is not 'ok'. */
  chunks: Buffer[];
  verdict: BodyVerdict;
}

/** How the previous line ended: a proper CRLF, or a bare CR or LF. */
type Break = 'crlf' | 'bare';

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');

export class LineEndingScanner {
  /** A CR was the last byte of the previous chunk; whether it is bare depends on the next byte. */
  private pendingCR = false;
  /** At the start of a line: how the line before ended (the message start counts as CRLF). */
  private lineStart: Break | null = 'crlf';
  /** The line so far is exactly "."; how the line before it ended. */
  private dotLine: Break | null = null;
  private smuggling = false;
  private bareCR = false;
  /** Bare LFs rewritten to CRLF, for the log. */
  normalisedLineFeeds = 0;
  /** Bytes handed out so far. */
  bytesOut = 0;

  get verdict(): BodyVerdict {
    if (this.smuggling) return 'smuggling';
    if (this.bareCR) return 'bare-cr';
    return 'ok';
  }

  feed(chunk: Uint8Array): ScanResult {
    if (this.smuggling) return { chunks: [], verdict: 'smuggling' };
    const pieces: Uint8Array[] = [];
    let segStart = 0;
    const len = chunk.length;
    let i = 0;
    if (this.pendingCR && len > 0) {
      this.pendingCR = false;
      if (chunk[0] === LF) {
        pieces.push(CRLF);
        segStart = 1;
        i = 1;
        this.lineBreak('crlf');
      } else {
        this.sawBareCR();
      }
    }
    for (; i < len; i++) {
      const b = chunk[i]!;
      if (b === CR) {
        if (i + 1 < len) {
          if (chunk[i + 1] === LF) {
            this.lineBreak('crlf');
            i++;
          } else {
            this.sawBareCR();
          }
        } else {
          // Hold the CR back until the next chunk says whether an LF follows.
          if (i > segStart) pieces.push(chunk.subarray(segStart, i));
          segStart = len;
          this.pendingCR = true;
        }
      } else if (b === LF) {
        this.lineBreak('bare');
        if (i > segStart) pieces.push(chunk.subarray(segStart, i));
        pieces.push(CRLF);
        segStart = i + 1;
        this.normalisedLineFeeds++;
      } else if (b === DOT && this.lineStart !== null) {
        this.dotLine = this.lineStart;
        this.lineStart = null;
      } else {
        this.dotLine = null;
        this.lineStart = null;
      }
      if (this.smuggling) return { chunks: [], verdict: 'smuggling' };
    }
    if (segStart < len) pieces.push(chunk.subarray(segStart, len));
    return this.result(pieces);
  }

  /** The end of the body: settles a held CR. */
  end(): ScanResult {
    const pieces: Uint8Array[] = [];
    if (this.pendingCR) {
      this.pendingCR = false;
      this.sawBareCR();
    }
    if (this.dotLine !== null) this.lineBreak('crlf');
    return this.result(pieces);
  }

  private result(pieces: Uint8Array[]): ScanResult {
    const verdict = this.verdict;
    if (verdict !== 'ok' || pieces.length === 0) return { chunks: [], verdict };
    const out = pieces.length === 1 ? Buffer.from(pieces[0]!.buffer, pieces[0]!.byteOffset, pieces[0]!.byteLength) : Buffer.concat(pieces);
    this.bytesOut += out.length;
    return { chunks: [out], verdict };
  }

  private sawBareCR(): void {
    this.bareCR = true;
    this.lineBreak('bare');
  }

  private lineBreak(kind: Break): void {
    if (this.dotLine !== null && (this.dotLine === 'bare' || kind === 'bare')) this.smuggling = true;
    this.dotLine = null;
    this.lineStart = kind;
  }
}
