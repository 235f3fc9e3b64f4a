// STORE and UID STORE (RFC 9051 6.4.6) with CONDSTORE's UNCHANGEDSINCE modifier (RFC 7162 3.1.3).

import { readSequenceSet } from './sequence-set.js';
import { readStoreFlags } from './flags.js';
import type { CommandCursor } from './command-cursor.js';
import type { CommandOf, StoreOperation } from './command-types.js';

const OPERATIONS: Record<string, StoreOperation> = { FLAGS: 'replace', '+FLAGS': 'add', '-FLAGS': 'remove' };

/** STORE SP sequence-set [SP "(" UNCHANGEDSINCE n ")"] SP store-att-flags. */
export function parseStore(cur: CommandCursor, uid: boolean): CommandOf<'STORE'> {
  cur.sp();
  const sequenceSet = readSequenceSet(cur);
  cur.sp();
  let unchangedSince: bigint | undefined;
  if (cur.accept('(')) {
    do {
      const modifier = cur.keyword('a STORE modifier');
      if (modifier !== 'UNCHANGEDSINCE') cur.fail(`Unknown STORE modifier ${modifier}`);
      cur.sp();
      unchangedSince = cur.modSeq();
    } while (cur.maybeSp());
    cur.expect(')');
    cur.sp();
  }
  const item = cur.keyword('+FLAGS, -FLAGS or FLAGS');
  const silent = item.endsWith('.SILENT');
  const operation = OPERATIONS[silent ? item.slice(0, -'.SILENT'.length) : item];
  if (!operation) cur.fail(`Unknown STORE item ${item}`);
  cur.sp();
  // `STORE 1 FLAGS ()` clears every flag; the empty list is valid only for replace, but RFC
  // clients also send `+FLAGS ()` harmlessly, so it is accepted for all three.
  const flags = readStoreFlags(cur);
  cur.expectEnd();
  return { tag: cur.tag, name: 'STORE', uid, sequenceSet, operation, silent, flags, ...(unchangedSince !== undefined ? { unchangedSince } : {}) };
}
