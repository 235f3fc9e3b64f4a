// Decoded text for full-text search, collected from every text/plain and text/html part as the
// body streams past: transfer decoding, then charset conversion to Unicode, then (for HTML)
// markup stripped. The total is capped; once full, parts stop decoding so a huge message costs
// no more CPU than the cap allows.

import { createCharsetDecoder, type CharsetDecoder } from './charset.js';
import { HtmlTextStripper } from './html-text.js';
import { createTransferDecoder, type TransferDecoder } from './transfer-decoding.js';

export const MAX_SEARCH_TEXT_CHARS = 256 * 1024;

export class SearchTextCollector {
  private pieces: string[] = [];
  private length = 0;

  get full(): boolean {
    return this.length >= MAX_SEARCH_TEXT_CHARS;
  }

  /** Raw text is kept as it comes and squeezed once at the end: one regex pass, not one per line. */
  add(text: string): void {
    if (this.full || text === '') return;
    const room = MAX_SEARCH_TEXT_CHARS - this.length;
    const piece = text.length > room ? text.slice(0, room) : text;
    this.pieces.push(piece);
    this.length += piece.length;
  }

  /** Starts a new part's text on its own line. */
  separate(): void {
    if (this.length > 0 && !this.full) this.add('\n');
  }

  /** Runs of blanks carry no meaning for search; they are collapsed before the text is stored. */
  text(): string {
    return this.pieces.join('').replace(/[ \t\f\v\r\u00a0]+/g, ' ').replace(/ ?\n[ \n]*/g, '\n').trim();
  }
}

/** One text part's pipeline into the collector. */
export class TextPartExtractor {
  private readonly transfer: TransferDecoder;
  private readonly charset: CharsetDecoder;
  private readonly html: HtmlTextStripper | null;

  constructor(private readonly sink: SearchTextCollector, options: { encoding: string; charset: string | null; html: boolean }) {
    this.transfer = createTransferDecoder(options.encoding);
    this.charset = createCharsetDecoder(options.charset);
    this.html = options.html ? new HtmlTextStripper() : null;
    sink.separate();
  }

  write(bytes: Buffer): void {
    if (this.sink.full) return;
    this.emit(this.charset.write(this.transfer.write(bytes)));
  }

  end(): void {
    if (this.sink.full) return;
    const tail = this.transfer.end();
    this.emit((tail.length ? this.charset.write(tail) : '') + this.charset.end());
  }

  private emit(text: string): void {
    if (text === '') return;
    this.sink.add(this.html ? this.html.write(text) : text);
  }
}
