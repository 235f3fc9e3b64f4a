// After DELETE or RENAME, the folder this session has selected may be gone (deleted, renamed, or
// a parent renamed). The view cannot follow it, and a client that is not told would go on using
// sequence numbers of nothing; Dovecot ends such a session after the tagged OK, with a BYE that
// says why, and so do we. The client reconnects and lists again. Asking the store (rather than
// comparing names) also catches spellings that differ only in INBOX case or Unicode form.

import { formatUntaggedStatus } from '../../../protocol/imap/index.js';
import type { ImapContext } from '../context.js';
import { storeError } from '../store-errors.js';

export async function endSessionIfSelectedFolderGone(ctx: ImapContext, why: string): Promise<void> {
  const state = ctx.state;
  if (state.kind !== 'selected') return;
  let folder;
  try {
    folder = await ctx.deps.mailStore.getFolder(state.user.id, state.mailbox.folder);
  } catch (err) {
    storeError(err);
  }
  if (folder) return;
  // Leaving 'selected' closes the view now, so no updates of the old folder go out.
  ctx.setState({ kind: 'logout' });
  ctx.afterReply(() => ctx.send(formatUntaggedStatus('BYE', why)));
}
