// RENAME (RFC 9051 section 6.3.6): children move along; UIDVALIDITY and UIDs are kept. RENAME
// INBOX moves its messages to the new folder and leaves INBOX empty (the store does that). A
// rename that takes the selected folder (or one of its parents) away ends the session after
// the reply, as DELETE does; renaming INBOX leaves INBOX where it is.

import { AUTHENTICATED, sessionUser } from '../command-states.js';
import { ok, type CommandSpec } from '../context.js';
import { folderNameFromClient } from '../folder-names.js';
import { inSharedNamespace, refuseSharedTarget, sharedErrors } from '../shared-folders.js';
import { storeError } from '../store-errors.js';
import { endSessionIfSelectedFolderGone } from './selected-folder-gone.js';

export const RENAME: CommandSpec<'RENAME'> = {
  states: AUTHENTICATED,
  async run(ctx, cmd) {
    const user = sessionUser(ctx);
    const from = folderNameFromClient(cmd.from);
    const to = folderNameFromClient(cmd.to);
    // Shared folders are not ours to rename, nor is their namespace ours to rename into.
    await refuseSharedTarget(ctx, user, from, async () => (await ctx.deps.mailStore.getFolder(user.id, from)) !== null);
    if (inSharedNamespace(ctx, to)) throw sharedErrors.reserved();
    try {
      await ctx.deps.mailStore.renameFolder(user.id, from, to);
    } catch (err) {
      storeError(err);
    }
    await endSessionIfSelectedFolderGone(ctx, 'Selected mailbox was renamed, have to disconnect');
    return ok('RENAME completed');
  },
};
