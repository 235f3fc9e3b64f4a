// Reads the header block of a spooled message (up to the first empty line) for a DSN's
// text/rfc822-headers part, without reading the body: messages can be large and only the
// headers are returned to the sender.

import type { Readable } from 'node:stream';

export const MAX_HEADER_BLOCK = 64 * 1024;

export async function readHeaderBlock(stream: Readable, maxBytes = MAX_HEADER_BLOCK): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      chunks.push(buf);
      total += buf.length;
      const all = Buffer.concat(chunks, total);
      const end = headerEnd(all);
      if (end >= 0) return all.subarray(0, end);
      if (total >= maxBytes) return cutAtLine(all.subarray(0, maxBytes));
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks, total);
}

/** Index just after the last header line's line break, or -1. */
function headerEnd(buf: Buffer): number {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 2;
  if (lf >= 0) return lf + 1;
  return -1;
}

function cutAtLine(buf: Buffer): Buffer {
  const last = buf.lastIndexOf('\n');
  return last >= 0 ? buf.subarray(0, last + 1) : buf;
}
