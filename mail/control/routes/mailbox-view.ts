// One stored message made readable for the admin's mailbox view: the top-level header fields
// (encoded-words decoded), the first text part (decoded, cut at a limit) and the list of
// attachments. Uses the structure the indexer kept at delivery (part offsets), so only the text
// part's bytes are read, never the whole message: attachments are listed, not loaded.

import type { Readable } from 'node:stream';
import { createCharsetDecoder } from '../../protocol/mime/charset.js';
import { decodeEncodedWords } from '../../protocol/mime/encoded-words.js';
import { HtmlTextStripper } from '../../protocol/mime/html-text.js';
import { createTransferDecoder } from '../../protocol/mime/transfer-decoding.js';
import type { BodyPart } from '../../protocol/mime/types.js';
import type { StoredMessage } from '../../store/contracts.js';
import type { ControlMessageView } from '../control-protocol.js';

/** Characters of text shown; the raw download has the rest. */
export const TEXT_LIMIT = 200_000;
/** Encoded bytes read for the text (base64 and QP grow text by up to a third). */
const BYTES_LIMIT = TEXT_LIMIT * 4;
const HEADER_LIMIT = 200;

export type OpenRange = (blobId: string, range: { start: number; end: number }) => Readable;

function leaves(part: BodyPart, out: BodyPart[] = []): BodyPart[] {
  if (part.parts && part.parts.length > 0) for (const p of part.parts) leaves(p, out);
  else out.push(part);
  return out;
}

function filenameOf(part: BodyPart): string | null {
  const name = part.disposition?.params.filename ?? part.params.name ?? null;
  return name === null ? null : decodeEncodedWords(name);
}

function isAttachment(part: BodyPart): boolean {
  if (part.disposition?.type === 'attachment') return true;
  if (part.type === 'text' && (part.subtype === 'plain' || part.subtype === 'html')) return filenameOf(part) !== null && part.disposition?.type !== 'inline';
  // Enclosed messages, images, PDFs ...: anything that is not a text body.
  return true;
}

async function readText(part: BodyPart, blobId: string, open: OpenRange): Promise<{ text: string; truncated: boolean }> {
  const end = Math.min(part.bodyEnd, part.bodyStart + BYTES_LIMIT);
  const transfer = createTransferDecoder(part.encoding);
  const charset = createCharsetDecoder(part.params.charset);
  const html = part.subtype === 'html' ? new HtmlTextStripper() : null;
  let text = '';
  const add = (s: string) => { text += html ? html.write(s) : s; };
  for await (const chunk of open(blobId, { start: part.bodyStart, end })) {
    add(charset.write(transfer.write(chunk as Buffer)));
    if (text.length > TEXT_LIMIT) break;
  }
  add(charset.write(transfer.end()) + charset.end());
  const truncated = end < part.bodyEnd || text.length > TEXT_LIMIT;
  return { text: text.slice(0, TEXT_LIMIT), truncated };
}

export async function messageView(message: StoredMessage, open: OpenRange): Promise<ControlMessageView> {
  const { index } = message;
  const parts = leaves(index.body);
  const textPart = parts.find((p) => p.type === 'text' && p.subtype === 'plain' && !isAttachment(p))
    ?? parts.find((p) => p.type === 'text' && p.subtype === 'html' && !isAttachment(p)) ?? null;
  const body = textPart ? await readText(textPart, message.blobId, open) : null;
  const date = index.date && !Number.isNaN(index.date.getTime()) ? index.date : message.internalDate;
  return {
    uid: message.uid, folder: message.folder, from: index.from, subject: index.subject, size: message.size,
    date: date.toISOString(), flags: message.flags,
    headers: index.headers.slice(0, HEADER_LIMIT).map((h) => ({ name: h.name, value: decodeEncodedWords(h.value) })),
    text: body?.text ?? null, textTruncated: body?.truncated ?? false,
    attachments: parts.filter((p) => p !== textPart && isAttachment(p) && !(p.type === 'multipart')).map((p) => ({
      filename: filenameOf(p), contentType: `${p.type}/${p.subtype}`, size: p.bodyEnd - p.bodyStart,
    })),
  };
}
