// STORE (RFC 9051 6.4.6) with CONDSTORE's UNCHANGEDSINCE (RFC 7162 3.1.3), inside the store's
// IMMEDIATE transaction. Messages whose MODSEQ is above UNCHANGEDSINCE are left alone and
// reported as conflicts; messages the STORE would not change keep their MODSEQ (a client
// resyncing must not refetch what did not change); all messages that do change share one new
// MODSEQ, and the folder's unseen counter moves with their \Seen flags in the same transaction.

import type { FlagOperation, MailboxChange, MessageFlags, SetFlagsResult, UserId } from '../contracts.js';
import { applyFlagOperation, hasSeen } from './flag-set.js';
import { decodeFlags, encodeFlags, type FolderRow } from './mail-rows.js';
import type { WriteContext } from './write-context.js';

export interface SetFlagsOutcome {
  result: SetFlagsResult;
  changes: MailboxChange[];
}

export function applySetFlags(
  ctx: WriteContext, userId: UserId, folder: FolderRow, uids: readonly number[], operation: FlagOperation,
  requested: readonly string[], unchangedSince: number | undefined,
): SetFlagsOutcome {
  const conflicts: number[] = [];
  const pending: Array<{ uid: number; flags: string[]; seen: boolean }> = [];
  let unseenDelta = 0;
  const targets = uids.length === 0 ? [] : ctx.messages.storeTargets.all(folder.id, JSON.stringify(uids));
  for (const [uid, modseq, stored, seenColumn] of targets) {
    if (unchangedSince !== undefined && modseq > unchangedSince) {
      conflicts.push(uid);
      continue;
    }
    const next = applyFlagOperation(decodeFlags(stored), operation, requested);
    if (next === null) continue;
    const seen = hasSeen(next);
    const wasSeen = seenColumn === 1;
    if (seen !== wasSeen) unseenDelta += seen ? -1 : 1;
    pending.push({ uid, flags: next, seen });
  }
  if (pending.length === 0) return { result: { changed: [], conflicts }, changes: [] };
  const { modseq } = ctx.messages.takeModseq.get(unseenDelta, folder.id)!;
  const changed: MessageFlags[] = [];
  for (const p of pending) {
    ctx.messages.updateFlags.run(encodeFlags(p.flags), p.seen ? 1 : 0, modseq, folder.id, p.uid);
    changed.push({ uid: p.uid, modseq, flags: p.flags });
  }
  return {
    result: { changed, conflicts },
    changes: [{ userId, folder: folder.name, kind: 'flags', uids: changed.map((c) => c.uid), modseq }],
  };
}
