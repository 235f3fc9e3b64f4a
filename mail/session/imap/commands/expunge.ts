// EXPUNGE and UID EXPUNGE (RFC 9051 6.4.3, 6.4.9): remove the messages marked \Deleted (with
// UID EXPUNGE only those in the set) that the client knows of, and report each with `* n
// EXPUNGE`, or one `* VANISHED` under QRESYNC, before the tagged OK. Not under EXAMINE.

import { ok, type CommandSpec, type ImapContext } from '../context.js';
import type { SelectedMailbox } from '../selected/selected-mailbox.js';
import { writableMailbox } from '../selected/selected-view.js';
import { resolveUids } from '../selected/sequence-resolve.js';

/** Removes the \Deleted messages (of `within`, when given) the view holds; returns their UIDs. */
export async function expungeDeleted(ctx: ImapContext, view: SelectedMailbox, within?: readonly number[]): Promise<number[]> {
  const store = ctx.deps.mailStore;
  const deleted = await store.search(view.userId, view.folder, { kind: 'flag', flag: '\\Deleted', set: true });
  const allowed = within ? new Set(within) : null;
  // Only messages the client has been told of: others' new mail is for its EXISTS first.
  const uids = deleted.filter((uid) => view.seqOf(uid) > 0 && (!allowed || allowed.has(uid)));
  if (uids.length > 0) await store.expunge(view.userId, view.folder, uids);
  return uids;
}

export const EXPUNGE: CommandSpec<'EXPUNGE'> = {
  states: ['selected'],
  async run(ctx, cmd) {
    const view = writableMailbox(ctx, 'EXPUNGE');
    const within = cmd.uid ? resolveUids(view, cmd.sequenceSet).uids : undefined;
    const uids = await expungeDeleted(ctx, view, within);
    view.noteExpunged(uids);
    const updates = await view.takeUpdates(true);
    if (updates.length > 0) await ctx.send(updates);
    return ok('Expunge completed');
  },
};
