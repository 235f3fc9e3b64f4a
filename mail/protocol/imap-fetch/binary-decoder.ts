// The streaming decoder behind BINARY[section] and BINARY.SIZE (RFC 3516, RFC 9051 6.4.5): fed
// the part's stored body in chunks of any size, it yields the decoded octets. It wraps the
// indexer's Content-Transfer-Encoding decoders so that FETCH and the indexer agree byte for byte.

import { createTransferDecoder, type TransferDecoder } from '../mime/transfer-decoding.js';

/** Transfer encodings whose stored octets are already the content. */
export const IDENTITY_ENCODINGS: ReadonlySet<string> = new Set(['7bit', '8bit', 'binary']);
/** Transfer encodings BINARY can undo. */
export const DECODABLE_ENCODINGS: ReadonlySet<string> = new Set(['base64', 'quoted-printable']);

export interface BinaryDecoder {
  /** Decoded octets for the next chunk (possibly empty: a base64 quantum may straddle chunks). */
  feed(chunk: Buffer): Buffer;
  /** Whatever was held back at the end of the body. */
  finish(): Buffer;
}

class WrappedDecoder implements BinaryDecoder {
  constructor(private readonly inner: TransferDecoder) {}
  feed(chunk: Buffer): Buffer { return this.inner.write(chunk); }
  finish(): Buffer { return this.inner.end(); }
}

/** A decoder for a known encoding (see DECODABLE_ENCODINGS and IDENTITY_ENCODINGS). */
export function createBinaryDecoder(encoding: string): BinaryDecoder {
  if (!DECODABLE_ENCODINGS.has(encoding) && !IDENTITY_ENCODINGS.has(encoding)) {
    throw new Error(`binary decoder: unknown transfer encoding ${encoding}`);
  }
  return new WrappedDecoder(createTransferDecoder(encoding));
}

/**
 * Decodes a whole body given as chunks and returns the decoded size. BINARY.SIZE needs this;
 * the store should rather compute it once at delivery (the indexer already decodes text parts)
 * and keep it per part, so that BINARY.SIZE of a large attachment costs no read.
 */
export function decodedSize(encoding: string, chunks: Iterable<Buffer>): number {
  const decoder = createBinaryDecoder(encoding);
  let size = 0;
  for (const chunk of chunks) size += decoder.feed(chunk).length;
  return size + decoder.finish().length;
}

/** Decodes a whole body in hand (tests, small parts). */
export function decodeAll(encoding: string, body: Buffer): Buffer {
  const decoder = createBinaryDecoder(encoding);
  return Buffer.concat([decoder.feed(body), decoder.finish()]);
}
