// Reads the columnar flag listings of message-statements.ts into MessageFlags, in UID order.
// A folder has few distinct flag strings ("", "\Seen", "\Seen \Answered" ...), so each is split
// once and copied per message (the caller may change one message's array without the others).

import type { MessageFlags } from '../contracts.js';
import { decodeFlags } from './mail-rows.js';
import type { FlagColumns } from './message-statements.js';

export function fromFlagColumns(columns: FlagColumns | undefined): MessageFlags[] {
  if (!columns) return [];
  const uids = JSON.parse(columns[0]) as number[];
  const modseqs = JSON.parse(columns[1]) as number[];
  const flags = JSON.parse(columns[2]) as string[];
  const decoded = new Map<string, string[]>();
  const out = new Array<MessageFlags>(uids.length);
  let ordered = true;
  for (let i = 0; i < uids.length; i++) {
    const text = flags[i]!;
    let list = decoded.get(text);
    if (!list) {
      list = decodeFlags(text);
      decoded.set(text, list);
    }
    out[i] = { uid: uids[i]!, modseq: modseqs[i]!, flags: list.slice() };
    if (i > 0 && uids[i]! < uids[i - 1]!) ordered = false;
  }
  // SQLite aggregates in the subquery's order in practice; sort only if it ever does not.
  return ordered ? out : out.sort((a, b) => a.uid - b.uid);
}
