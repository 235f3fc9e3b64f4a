// STATUS (RFC 9051 section 6.3.11) with SIZE, HIGHESTMODSEQ, APPENDLIMIT and MAILBOXID. Allowed
// on the selected folder too (the RFC discourages it; clients do it, and the store's counters
// are current). Asking for HIGHESTMODSEQ turns CONDSTORE on (RFC 7162 section 3.1).

import { AUTHENTICATED, sessionUser } from '../command-states.js';
import { ok, type CommandSpec } from '../context.js';
import { imapErrors } from '../errors.js';
import { folderNameFromClient } from '../folder-names.js';
import { statusResponse } from '../status-response.js';
import { storeError } from '../store-errors.js';

export const STATUS: CommandSpec<'STATUS'> = {
  states: AUTHENTICATED,
  async run(ctx, cmd) {
    const user = sessionUser(ctx);
    let folder;
    try {
      folder = await ctx.deps.mailStore.getFolder(user.id, folderNameFromClient(cmd.mailbox));
    } catch (err) {
      storeError(err);
    }
    if (!folder) throw imapErrors.noSuchMailbox();
    if (cmd.items.includes('HIGHESTMODSEQ')) ctx.condstore = true;
    await ctx.send(await statusResponse(ctx, folder, cmd.items));
    return ok('STATUS completed');
  },
};
