// The octets of BODY[section]<partial> and BINARY[section]<partial>, read from the store as the
// protocol layer's plans say, and written as literals. Small pieces (header blocks, parts up to
// SMALL_READ) are read whole; anything larger is streamed chunk by chunk after its `{n}` prefix,
// so the size must be known first: a byte range knows it, a decoded BINARY part is decoded
// twice (once to count, once to send) rather than held in memory.

import type { BodySection, FetchPartial } from '../../../protocol/imap/index.js';
import {
  applyPartial, createBinaryDecoder, filterHeaderFields, narrowToPartial, partialWindow, resolveBinarySection, resolveBodySection,
  undecodedBinarySize, type BinaryPlan, type PartialSpec, type SectionSpec,
} from '../../../protocol/imap-fetch/index.js';
import type { MailStore, StoredMessage } from '../../../store/contracts.js';
import type { ResponseOutput } from './response-output.js';

/** An empty section, written as Dovecot writes it (a zero-length literal, valid for nstring and literal8 alike). */
const EMPTY_LITERAL = '{0}\r\n';

/** Parts up to this size are read into memory; larger ones are streamed. */
export const SMALL_READ = 256 * 1024;

export function toSectionSpec(section: BodySection): SectionSpec {
  const part = [...section.part];
  switch (section.text) {
    case undefined: return { part, text: null };
    case 'HEADER.FIELDS': return { part, text: { kind: 'HEADER.FIELDS', fields: section.fields ?? [], not: false } };
    case 'HEADER.FIELDS.NOT': return { part, text: { kind: 'HEADER.FIELDS', fields: section.fields ?? [], not: true } };
    default: return { part, text: { kind: section.text } };
  }
}

export function toPartialSpec(partial: FetchPartial | undefined): PartialSpec | null {
  return partial ? { start: partial.offset, length: partial.length } : null;
}

export class BodyReader {
  /** Set when a stored body was shorter than its index: the literal was padded to keep the client in step. */
  truncated = false;

  constructor(private readonly store: MailStore, private readonly out: ResponseOutput) {}

  /** BODY[section]<partial> (and RFC822, RFC822.HEADER, RFC822.TEXT) after `NAME `. */
  async writeBodySection(message: StoredMessage, spec: SectionSpec, partial: PartialSpec | null): Promise<void> {
    const plan = narrowToPartial(resolveBodySection(message.index, spec), partial);
    if (plan.kind === 'empty') {
      this.out.write(EMPTY_LITERAL);
    } else if (plan.kind === 'range') {
      await this.writeRange(message.blobId, plan.start, plan.end);
    } else {
      const block = await this.read(message.blobId, plan.start, plan.end);
      this.writeLiteral(applyPartial(filterHeaderFields(block, plan.fields, plan.not), partial), false);
    }
  }

  /** BINARY[part]<partial> after `NAME `. The caller has checked the plan is not unknown-cte. */
  async writeBinarySection(message: StoredMessage, plan: BinaryPlan, partial: PartialSpec | null): Promise<void> {
    if (plan.kind !== 'range') {
      this.out.write(EMPTY_LITERAL);
      return;
    }
    if (plan.decode === null) {
      const w = partialWindow(plan.end - plan.start, partial);
      if (w.end <= w.start) this.out.write(EMPTY_LITERAL);
      else await this.writeRange(message.blobId, plan.start + w.start, plan.start + w.end);
      return;
    }
    if (plan.end - plan.start <= SMALL_READ) {
      const decoder = createBinaryDecoder(plan.decode);
      const raw = await this.read(message.blobId, plan.start, plan.end);
      const decoded = Buffer.concat([decoder.feed(raw), decoder.finish()]);
      const bytes = applyPartial(decoded, partial);
      this.writeLiteral(bytes, true);
      return;
    }
    const size = await this.decodedSize(message.blobId, plan.start, plan.end, plan.decode);
    const w = partialWindow(size, partial);
    this.out.write(`~{${w.end - w.start}}\r\n`);
    if (w.end <= w.start) return;
    const decoder = createBinaryDecoder(plan.decode);
    let position = 0;
    let sent = 0;
    const emit = async (bytes: Buffer) => {
      const from = Math.max(w.start - position, 0);
      const to = Math.min(w.end - position, bytes.length);
      position += bytes.length;
      if (to > from) {
        this.out.writeBytes(bytes.subarray(from, to));
        sent += to - from;
        await this.out.drain();
      }
    };
    for await (const chunk of this.stream(message.blobId, plan.start, plan.end)) {
      await emit(decoder.feed(chunk));
      if (position >= w.end) break;
    }
    if (position < w.end) await emit(decoder.finish());
    this.pad(w.end - w.start - sent);
  }

  /** BINARY.SIZE[part]: the decoded size, counted by decoding when it is not the stored size. */
  async binarySize(message: StoredMessage, plan: BinaryPlan): Promise<number> {
    const known = undecodedBinarySize(plan);
    if (known !== null || plan.kind !== 'range' || plan.decode === null) return known ?? 0;
    return this.decodedSize(message.blobId, plan.start, plan.end, plan.decode);
  }

  binaryPlan(message: StoredMessage, part: readonly number[]): BinaryPlan {
    return resolveBinarySection(message.index, part);
  }

  private async decodedSize(blobId: string, start: number, end: number, encoding: string): Promise<number> {
    const decoder = createBinaryDecoder(encoding);
    let size = 0;
    for await (const chunk of this.stream(blobId, start, end)) size += decoder.feed(chunk).length;
    return size + decoder.finish().length;
  }

  private writeLiteral(bytes: Buffer, binary: boolean): void {
    this.out.write(`${binary ? '~' : ''}{${bytes.length}}\r\n`);
    this.out.writeBytes(bytes);
  }

  /** raw[start, end) as a literal: read whole when small, else streamed with backpressure. */
  private async writeRange(blobId: string, start: number, end: number): Promise<void> {
    const size = end - start;
    if (size <= SMALL_READ) {
      const bytes = await this.read(blobId, start, end);
      this.writeLiteral(bytes.length === size ? bytes : Buffer.concat([bytes, this.padding(size - bytes.length)]), false);
      return;
    }
    this.out.write(`{${size}}\r\n`);
    let sent = 0;
    for await (const chunk of this.stream(blobId, start, end)) {
      const piece = chunk.length > size - sent ? chunk.subarray(0, size - sent) : chunk;
      this.out.writeBytes(piece);
      sent += piece.length;
      await this.out.drain();
      if (sent >= size) break;
    }
    this.pad(size - sent);
  }

  private async read(blobId: string, start: number, end: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const chunk of this.stream(blobId, start, end)) parts.push(chunk);
    return Buffer.concat(parts);
  }

  private async *stream(blobId: string, start: number, end: number): AsyncGenerator<Buffer> {
    if (end <= start) return;
    const readable = this.store.openMessage(blobId, { start, end });
    try {
      for await (const chunk of readable) yield chunk as Buffer;
    } finally {
      readable.destroy();
    }
  }

  /**
   * A literal's length is promised before its octets: if the store gives fewer, the rest is
   * spaces, so the client stays in step; the command then fails (see `truncated`).
   */
  private pad(missing: number): void {
    if (missing <= 0) return;
    this.out.writeBytes(this.padding(missing));
  }

  private padding(missing: number): Buffer {
    this.truncated = true;
    return Buffer.alloc(missing, 0x20);
  }
}
