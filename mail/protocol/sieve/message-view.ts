// What the interpreter sees of a message: the header fields (unfolded, in order), the envelope
// of this recipient, and the size. It never sees the body, so delivery can run a script on the
// header section alone.

import { HeaderBlock } from '../mime/header-block.js';
import type { HeaderField } from '../mime/types.js';

export interface SieveMessageView {
  headers: readonly HeaderField[];
  envelope: {
    /** The reverse-path; '' is the null sender. */
    from: string;
    /** The recipient address this script runs for. */
    to: string;
  };
  size: number;
}

/** The header fields of a header section (bytes up to the blank line; anything after is ignored). */
export function parseHeaderSection(section: Buffer): HeaderField[] {
  const block = new HeaderBlock();
  let start = 0;
  for (;;) {
    const nl = section.indexOf(0x0a, start);
    const line = nl < 0 ? section.subarray(start) : section.subarray(start, nl + 1);
    if (line.length === 0) break;
    if (line[0] === 0x0a || (line[0] === 0x0d && line[1] === 0x0a)) break;
    block.append(line);
    if (nl < 0) break;
    start = nl + 1;
  }
  return block.fields();
}
