// Reads a message once for signing: the header block is kept (it is small and bounded), every
// body byte goes straight to the body hashers, so a large message is never held in memory.

import { MailroomError } from '../../core/errors.js';
import { splitHeaderFields, type HeaderField } from './dkim-canonical.js';

/** Headers beyond this are not mail; refuse rather than buffer without limit. */
const MAX_HEADER_BYTES = 1024 * 1024;

export type MessageInput = Buffer | string | AsyncIterable<Buffer | string>;

async function* chunksOf(input: MessageInput): AsyncIterable<Buffer> {
  if (typeof input === 'string') { yield Buffer.from(input, 'utf8'); return; }
  if (Buffer.isBuffer(input)) { yield input; return; }
  for await (const chunk of input) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

/** Streams `input`, returning its header fields and passing the body (after the blank line) to `onBody`. */
export async function readHeadersThenBody(input: MessageInput, onBody: (chunk: Buffer) => void): Promise<HeaderField[]> {
  let head = '';
  let fields: HeaderField[] | null = null;
  for await (const chunk of chunksOf(input)) {
    if (fields) { onBody(chunk); continue; }
    const searchFrom = Math.max(0, head.length - 3);
    head += chunk.toString('latin1');
    const split = findBodyStart(head, searchFrom);
    if (split) {
      fields = splitHeaderFields(head.slice(0, split.headerEnd));
      const rest = head.slice(split.bodyStart);
      if (rest) onBody(Buffer.from(rest, 'latin1'));
      head = '';
    } else if (head.length > MAX_HEADER_BYTES) {
      throw new MailroomError('dkim_header_too_large', 'message header block is larger than 1 MiB');
    }
  }
  // No blank line: the whole message is headers and the body is empty.
  return fields ?? splitHeaderFields(head);
}

/** Where the header block ends and the body starts, once the blank line has arrived. */
function findBodyStart(head: string, searchFrom: number): { headerEnd: number; bodyStart: number } | null {
  // A message that starts with a blank line has no header fields at all.
  const leading = /^\r?\n/.exec(head);
  if (leading) return { headerEnd: 0, bodyStart: leading[0].length };
  const re = /\r?\n\r?\n/g;
  re.lastIndex = searchFrom;
  const match = re.exec(head);
  return match ? { headerEnd: match.index, bodyStart: match.index + match[0].length } : null;
}
