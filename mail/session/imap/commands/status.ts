// STATUS (RFC 9051 section 6.3.11) with SIZE, HIGHESTMODSEQ, APPENDLIMIT and MAILBOXID. Allowed
// on the selected folder too (the RFC discourages it; clients do it, and the store's counters
// are current). Asking for HIGHESTMODSEQ turns CONDSTORE on (RFC 7162 section 3.1). A shared
// folder (shared-folders.ts) answers from its owner's counters under the name the client used.

import { AUTHENTICATED, sessionUser } from '../command-states.js';
import { ok, type CommandSpec } from '../context.js';
import { imapErrors } from '../errors.js';
import { folderNameFromClient } from '../folder-names.js';
import { resolveShared, sharedDisplayName } from '../shared-folders.js';
import { statusResponse } from '../status-response.js';
import { storeError } from '../store-errors.js';

export const STATUS: CommandSpec<'STATUS'> = {
  states: AUTHENTICATED,
  async run(ctx, cmd) {
    const user = sessionUser(ctx);
    const name = folderNameFromClient(cmd.mailbox);
    const shared = await resolveShared(ctx, user, name);
    let folder;
    try {
      folder = shared ? await ctx.deps.mailStore.getFolder(shared.ownerId, shared.folder) : await ctx.deps.mailStore.getFolder(user.id, name);
    } catch (err) {
      storeError(err);
    }
    if (!folder) throw imapErrors.noSuchMailbox();
    if (cmd.items.includes('HIGHESTMODSEQ')) ctx.condstore = true;
    await ctx.send(await statusResponse(ctx, folder, cmd.items, shared ? sharedDisplayName(shared) : undefined));
    return ok('STATUS completed');
  },
};
