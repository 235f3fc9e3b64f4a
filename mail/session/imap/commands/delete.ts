// DELETE (RFC 9051 section 6.3.5): never INBOX; a folder with children is refused
// (NO [HASCHILDREN], the store keeps no \Noselect placeholders). Deleting the selected folder is
// allowed and ends the session after the reply (selected-folder-gone.ts).

import { AUTHENTICATED, sessionUser, type OneMailboxCommand } from '../command-states.js';
import { ok, type CommandSpec } from '../context.js';
import { ImapCommandError } from '../errors.js';
import { folderNameFromClient } from '../folder-names.js';
import { refuseSharedTarget } from '../shared-folders.js';
import { storeError } from '../store-errors.js';
import { endSessionIfSelectedFolderGone } from './selected-folder-gone.js';

export const DELETE: CommandSpec<'DELETE'> = {
  states: AUTHENTICATED,
  async run(ctx, cmd: OneMailboxCommand) {
    const user = sessionUser(ctx);
    const name = folderNameFromClient(cmd.mailbox);
    if (name === 'INBOX') throw new ImapCommandError('imap_mailbox_protected', 'INBOX cannot be deleted');
    await refuseSharedTarget(ctx, user, name, async () => (await ctx.deps.mailStore.getFolder(user.id, name)) !== null);
    try {
      await ctx.deps.mailStore.deleteFolder(user.id, name);
    } catch (err) {
      storeError(err);
    }
    await endSessionIfSelectedFolderGone(ctx, 'Selected mailbox was deleted, have to disconnect');
    return ok('DELETE completed');
  },
};
