// CREATE (RFC 9051 section 6.3.4), with USE (RFC 6154 CREATE-SPECIAL-USE) for the special uses
// the store knows (it refuses the others: NO [USEATTR]). Missing parents are created too
// (`a/b/c` makes `a` and `a/b`).

import { AUTHENTICATED, sessionUser } from '../command-states.js';
import { ok, type CommandSpec } from '../context.js';
import { ImapCommandError, imapErrors } from '../errors.js';
import { folderNameFromClient } from '../folder-names.js';
import { inSharedNamespace, sharedErrors } from '../shared-folders.js';
import { storeError } from '../store-errors.js';

export const CREATE: CommandSpec<'CREATE'> = {
  states: AUTHENTICATED,
  async run(ctx, cmd) {
    const user = sessionUser(ctx);
    const name = folderNameFromClient(cmd.mailbox);
    if (name === 'INBOX') throw imapErrors.alreadyExists();
    if (inSharedNamespace(ctx, name)) throw sharedErrors.reserved();
    if (cmd.specialUse.length > 1) throw new ImapCommandError('imap_use_attr', 'One special use per mailbox', { responseCode: 'USEATTR' });
    const specialUse = cmd.specialUse[0] ?? null;
    try {
      await ctx.deps.mailStore.createFolder(user.id, name, { specialUse });
    } catch (err) {
      storeError(err);
    }
    return ok('CREATE completed');
  },
};
