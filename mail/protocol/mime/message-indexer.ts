// The streaming MIME indexer: fed the raw message in chunks of any size, it tracks byte offsets
// line by line and builds the MessageIndex (structure, envelope, search text) without ever
// holding the message. What it keeps is bounded: one pending line fragment, one capped header
// block per open part, the part tree, and the capped search text.
//
// The message is a stack of open parts ("frames"). A multipart frame watches for its boundary; a
// message/rfc822 frame has the enclosed message's root frame above it. A boundary line closes
// every frame above the multipart it belongs to, so a missing close-delimiter in an inner part
// never swallows the rest of an outer one. Per RFC 2046 section 5.1.1 the line break before a
// boundary belongs to the boundary, not to the part before it.

import { displayAddresses, displayText, buildEnvelope, parseDateHeader } from './envelope.js';
import { classifyHeaderLine, HeaderBlock, headerValue } from './header-block.js';
import { describePart } from './part-headers.js';
import { SearchTextCollector, TextPartExtractor } from './search-text.js';
import type { BodyPart, Envelope, HeaderField, MessageIndex } from './types.js';

/** Multipart and message/rfc822 nesting deeper than this is indexed as opaque leaves. */
export const MAX_NESTING_DEPTH = 50;
/** Boundaries past this many parts are treated as content, bounding the size of the index. */
export const MAX_PARTS = 10_000;
/** A line longer than this is processed in pieces (it can be neither a boundary nor kept whole). */
const MAX_LINE_FRAGMENT = 16 * 1024;
/** RFC 2046 boundaries are at most 70 characters; allow trailing blanks and a little slack. */
const MAX_BOUNDARY_LINE = 1024;

export interface MessageIndexer {
  /** Accepts the next bytes of the message; the chunk may be reused by the caller afterwards. */
  feed(chunk: Buffer): void;
  /** Ends the message and returns its index; feed() may not be called after. */
  finish(): MessageIndex;
}

interface Frame {
  part: BodyPart;
  depth: number;
  phase: 'header' | 'body';
  header: HeaderBlock | null;
  fields: HeaderField[];
  defaultType: 'text/plain' | 'message/rfc822';
  /** "--boundary" while this multipart is looking for its parts. */
  delimiter: Buffer | null;
  childState: 'preamble' | 'child' | 'epilogue';
  /** Set on the root frame of an enclosed message: the message/rfc822 part it belongs to. */
  container: Frame | null;
  isMessageRoot: boolean;
  envelope: Envelope | null;
  bodyStartLines: number;
  text: TextPartExtractor | null;
}

function emptyPart(partId: string, headerStart: number): BodyPart {
  return {
    partId, type: 'text', subtype: 'plain', params: {}, id: null, description: null, encoding: '7bit', md5: null,
    disposition: null, language: null, location: null, headerStart, bodyStart: headerStart, bodyEnd: headerStart, lines: 0,
  };
}

function childPartId(parent: string, n: number): string {
  return parent ? `${parent}.${n}` : String(n);
}

function isBlankRest(line: Buffer, from: number): boolean {
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false;
  }
  return true;
}

class StreamingMessageIndexer implements MessageIndexer {
  private readonly frames: Frame[] = [];
  private readonly root: Frame;
  private readonly search = new SearchTextCollector();
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private offset = 0;
  private midLine = false;
  private lineStarts = 0; // lines begun before the current one
  private currentLineStart = 0;
  private lastLineStart = -1; // start of the last complete line
  private lastTerminatorStart = 0; // where that line's CRLF or LF begins
  private previousEndedWithCr = false;
  private partCount = 1;
  private finished = false;

  constructor() {
    this.root = this.newFrame(emptyPart('', 0), 0, 'text/plain', null);
    this.root.isMessageRoot = true;
    this.frames.push(this.root);
  }

  feed(chunk: Buffer): void {
    if (this.finished) throw new Error('message indexer: feed() after finish()');
    let pos = 0;
    while (pos < chunk.length) {
      const lf = chunk.indexOf(0x0a, pos);
      if (lf === -1) {
        this.hold(chunk.subarray(pos));
        break;
      }
      let line = chunk.subarray(pos, lf + 1);
      if (this.pendingLength > 0) {
        line = Buffer.concat([...this.pending, line]);
        this.pending = [];
        this.pendingLength = 0;
      }
      this.segment(line, true);
      pos = lf + 1;
    }
  }

  finish(): MessageIndex {
    if (this.finished) throw new Error('message indexer: finish() called twice');
    if (this.pendingLength > 0) {
      const rest = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingLength = 0;
      this.segment(rest, false);
    }
    this.finished = true;
    while (this.frames.length > 0) this.close(this.frames.pop()!, this.offset, this.lineStarts);
    const envelope = this.root.envelope ?? buildEnvelope([]);
    return {
      size: this.offset,
      lines: this.lineStarts,
      headers: this.root.fields,
      envelope,
      body: this.root.part,
      searchText: this.search.text(),
      subject: displayText(envelope.subject),
      from: displayAddresses(envelope.from) ?? displayText(headerValue(this.root.fields, 'from')),
      date: parseDateHeader(envelope.date),
      messageId: envelope.messageId,
    };
  }

  /** Keeps an unterminated tail for the next chunk, or hands it on in pieces if it grows long. */
  private hold(bytes: Buffer): void {
    this.pending.push(Buffer.from(bytes));
    this.pendingLength += bytes.length;
    if (this.pendingLength >= MAX_LINE_FRAGMENT) {
      const piece = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingLength = 0;
      this.segment(piece, false);
    }
  }

  /** One whole line (complete) or a piece of a long one, at the current offset. */
  private segment(bytes: Buffer, complete: boolean): void {
    const atStart = !this.midLine;
    if (atStart) this.currentLineStart = this.offset;
    this.process(bytes, atStart, complete);
    if (atStart) this.lineStarts++;
    this.offset += bytes.length;
    if (complete) {
      const crlf = bytes.length >= 2 ? bytes[bytes.length - 2] === 0x0d : this.previousEndedWithCr;
      this.lastLineStart = this.currentLineStart;
      this.lastTerminatorStart = this.offset - (crlf ? 2 : 1);
      this.midLine = false;
      this.previousEndedWithCr = false;
    } else {
      this.midLine = true;
      this.previousEndedWithCr = bytes[bytes.length - 1] === 0x0d;
    }
  }

  private process(line: Buffer, atStart: boolean, complete: boolean): void {
    const mayBeBoundary = atStart && complete && line.length <= MAX_BOUNDARY_LINE && line[0] === 0x2d && line[1] === 0x2d;
    if (mayBeBoundary && this.partCount < MAX_PARTS && this.tryBoundary(line)) return;
    // A line that ends a header block without a blank line is body; re-dispatch it to whatever
    // frame is on top then. Each round either consumes the line or ends one header block.
    for (let round = 0; round <= MAX_NESTING_DEPTH + 2; round++) {
      const top = this.frames[this.frames.length - 1]!;
      if (top.phase === 'body') {
        top.text?.write(line);
        return;
      }
      if (!atStart) {
        top.header!.append(line);
        return;
      }
      const kind = classifyHeaderLine(line);
      if (kind === 'blank' && complete) {
        this.endHeader(top, this.offset + line.length, this.lineStarts + 1);
        return;
      }
      if (kind === 'field' || kind === 'continuation') {
        top.header!.append(line);
        return;
      }
      this.endHeader(top, this.offset, this.lineStarts);
      // A multipart whose header ran straight into its first boundary.
      if (mayBeBoundary && this.partCount < MAX_PARTS && this.tryBoundary(line)) return;
    }
  }

  private tryBoundary(line: Buffer): boolean {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i]!;
      const d = f.delimiter;
      if (!d || f.childState === 'epilogue' || line.length < d.length || line.compare(d, 0, d.length, 0, d.length) !== 0) continue;
      const isClose = line[d.length] === 0x2d && line[d.length + 1] === 0x2d;
      if (!isClose && !isBlankRest(line, d.length)) continue; // "--abcdef" is not boundary "abc"
      this.onBoundary(i, isClose, line.length);
      return true;
    }
    return false;
  }

  private onBoundary(index: number, isClose: boolean, lineLength: number): void {
    const multipart = this.frames[index]!;
    const haveLine = this.lastLineStart >= 0;
    const end = haveLine ? this.lastTerminatorStart : this.offset;
    const linesBeforeEnd = this.lineStarts - (haveLine && this.lastLineStart === end ? 1 : 0);
    while (this.frames.length - 1 > index) this.close(this.frames.pop()!, end, linesBeforeEnd);
    if (isClose) {
      multipart.childState = 'epilogue';
      return;
    }
    multipart.childState = 'child';
    const parts = multipart.part.parts!;
    const childDefault = multipart.part.subtype === 'digest' ? 'message/rfc822' : 'text/plain';
    const child = this.newFrame(emptyPart(childPartId(multipart.part.partId, parts.length + 1), this.offset + lineLength), multipart.depth + 1, childDefault, null);
    parts.push(child.part);
    this.partCount++;
    this.frames.push(child);
  }

  private newFrame(part: BodyPart, depth: number, defaultType: Frame['defaultType'], container: Frame | null): Frame {
    return {
      part, depth, phase: 'header', header: new HeaderBlock(), fields: [], defaultType, delimiter: null, childState: 'preamble',
      container, isMessageRoot: container !== null, envelope: null, bodyStartLines: 0, text: null,
    };
  }

  private endHeader(frame: Frame, bodyStart: number, bodyStartLines: number): void {
    const fields = frame.header!.fields();
    frame.header = null;
    frame.fields = frame.isMessageRoot ? fields : [];
    frame.phase = 'body';
    frame.bodyStartLines = bodyStartLines;
    const part = frame.part;
    Object.assign(part, describePart(fields, frame.defaultType));
    part.bodyStart = bodyStart;
    part.bodyEnd = bodyStart;
    if (frame.isMessageRoot) {
      frame.envelope = buildEnvelope(fields);
      this.search.separate();
      this.search.add([displayText(frame.envelope.subject), displayAddresses(frame.envelope.from), displayAddresses(frame.envelope.to), displayAddresses(frame.envelope.cc)].filter((s) => s).join('\n'));
    }
    const nestable = frame.depth < MAX_NESTING_DEPTH;
    if (part.type === 'multipart') {
      part.parts = [];
      const boundary = part.params.boundary;
      if (boundary && nestable) frame.delimiter = Buffer.from(`--${boundary}`, 'utf8');
      return;
    }
    const encoded = part.encoding === 'base64' || part.encoding === 'quoted-printable';
    if (part.type === 'message' && (part.subtype === 'rfc822' || part.subtype === 'global') && nestable && !encoded) {
      const inner = this.newFrame(emptyPart(part.partId, bodyStart), frame.depth + 1, 'text/plain', frame);
      this.frames.push(inner);
      return;
    }
    if (part.type === 'text' && (part.subtype === 'plain' || part.subtype === 'html') && !this.search.full) {
      frame.text = new TextPartExtractor(this.search, { encoding: part.encoding, charset: part.params.charset ?? null, html: part.subtype === 'html' });
    }
  }

  private close(frame: Frame, end: number, linesBeforeEnd: number): void {
    const part = frame.part;
    if (frame.phase === 'header') {
      // The header block never ended: everything up to here was header.
      this.endHeader(frame, Math.max(part.headerStart, end), linesBeforeEnd);
      // endHeader may have pushed an enclosed message's frame; it is empty, close it too.
      while (this.frames[this.frames.length - 1]?.container === frame) this.close(this.frames.pop()!, end, linesBeforeEnd);
    }
    part.bodyEnd = Math.max(part.bodyStart, end);
    part.lines = part.bodyEnd > part.bodyStart ? Math.max(0, linesBeforeEnd - frame.bodyStartLines) : 0;
    frame.text?.end();
    if (part.type === 'multipart' && part.parts!.length === 0) {
      // No boundary ever matched: IMAP needs at least one part, so the body becomes one plain part.
      const only = emptyPart(childPartId(part.partId, 1), part.bodyStart);
      Object.assign(only, { params: { charset: 'us-ascii' }, bodyEnd: part.bodyEnd, lines: part.lines });
      part.parts!.push(only);
    }
    if (frame.container) frame.container.part.message = { envelope: frame.envelope ?? buildEnvelope([]), body: part };
  }
}

export function createMessageIndexer(): MessageIndexer {
  return new StreamingMessageIndexer();
}
