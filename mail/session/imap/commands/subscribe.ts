// SUBSCRIBE and UNSUBSCRIBE (RFC 9051 sections 6.3.7, 6.3.8). Subscription is a property of a
// folder in the store, so a folder that does not exist cannot be subscribed (NO [NONEXISTENT]).

import { AUTHENTICATED, sessionUser, type OneMailboxCommand } from '../command-states.js';
import { ok, type CommandSpec, type ImapContext } from '../context.js';
import { folderNameFromClient } from '../folder-names.js';
import { storeError } from '../store-errors.js';

async function setSubscribed(ctx: ImapContext, mailbox: string, subscribed: boolean): Promise<void> {
  const user = sessionUser(ctx);
  try {
    await ctx.deps.mailStore.setSubscribed(user.id, folderNameFromClient(mailbox), subscribed);
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
