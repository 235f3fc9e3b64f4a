// Folder names between the client and the store. The parser has already decoded them (modified
// UTF-7 or UTF-8) to Unicode; here a trailing hierarchy separator is dropped (RFC 9051 section
// 6.3.4: `CREATE foo/` creates `foo`; some clients send it on DELETE and RENAME too), and names
// going out are encoded for what the client enabled.

import { encodeMailboxName, normaliseInbox } from '../../protocol/imap/index.js';
import type { ImapContext } from './context.js';

export const HIERARCHY_SEPARATOR = '/';

/** The store's name for a folder the client named (one trailing separator dropped; the store refuses `a//`). */
export function folderNameFromClient(name: string): string {
  const n = name.length > 1 && name.endsWith(HIERARCHY_SEPARATOR) ? name.slice(0, -1) : name;
  return normaliseInbox(n);
}

/** The folder name as this client reads it: modified UTF-7, or UTF-8 once IMAP4rev2 is enabled. */
export function wireFolderName(ctx: ImapContext, name: string): string {
  return encodeMailboxName(name, ctx.writerOptions().utf8 === true);
}

/** `child` is below `parent` in the hierarchy. */
export function isDescendant(child: string, parent: string): boolean {
  return child.length > parent.length + 1 && child.startsWith(parent) && child[parent.length] === HIERARCHY_SEPARATOR;
}
