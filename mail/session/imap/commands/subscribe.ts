// SUBSCRIBE and UNSUBSCRIBE (RFC 9051 sections 6.3.7, 6.3.8). Subscription is a property of a
// folder in the store, so a folder that does not exist cannot be subscribed (NO [NONEXISTENT]).
// A shared folder's subscription is the reader's own, kept by the resolver (shared-folders.ts).

import { AUTHENTICATED, sessionUser, type OneMailboxCommand } from '../command-states.js';
import { ok, type CommandSpec, type ImapContext } from '../context.js';
import { folderNameFromClient } from '../folder-names.js';
import { resolveShared } from '../shared-folders.js';
import { storeError } from '../store-errors.js';

async function setSubscribed(ctx: ImapContext, mailbox: string, subscribed: boolean): Promise<void> {
  const user = sessionUser(ctx);
  const name = folderNameFromClient(mailbox);
  const shared = await resolveShared(ctx, user, name);
  try {
    if (shared) await ctx.deps.sharedFolders!.setSharedSubscribed(user, shared.name, subscribed);
    else await ctx.deps.mailStore.setSubscribed(user.id, name, subscribed);
  } catch (err) {
    storeError(err);
  }
}

export const SUBSCRIBE: CommandSpec<'SUBSCRIBE'> = {
  states: AUTHENTICATED,
  async run(ctx, cmd: OneMailboxCommand) {
    await setSubscribed(ctx, cmd.mailbox, true);
    return ok('SUBSCRIBE completed');
  },
};

export const UNSUBSCRIBE: CommandSpec<'UNSUBSCRIBE'> = {
  states: AUTHENTICATED,
  async run(ctx, cmd: OneMailboxCommand) {
    await setSubscribed(ctx, cmd.mailbox, false);
    return ok('UNSUBSCRIBE completed');
  },
};
