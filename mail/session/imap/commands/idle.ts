// IDLE (RFC 2177, RFC 9051 6.3.13). ctx.waitIdleDone() sends `+ idling` and resolves on DONE.
// While idling in the selected state, every change the store announces is pushed to the client
// at once (EXISTS, EXPUNGE or VANISHED, FETCH FLAGS): the mailbox calls onUpdate and we flush
// its updates. Pushes run one after another, so responses never interleave. In the
// authenticated state IDLE only waits for DONE.

import { ok, type CommandSpec } from '../context.js';
import { SelectedMailbox } from '../selected/selected-mailbox.js';

export const IDLE: CommandSpec<'IDLE'> = {
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const state = ctx.state;
    const view = state.kind === 'selected' && state.mailbox instanceof SelectedMailbox ? state.mailbox : null;
    const done = ctx.waitIdleDone();
    if (!view) {
      await done;
      return ok('IDLE terminated');
    }
    let pushing: Promise<void> = Promise.resolve();
    const push = () => {
      pushing = pushing.then(async () => {
        if (!view.hasUpdates()) return;
        const updates = await view.takeUpdates(true);
        if (updates.length > 0) await ctx.send(updates);
      }).catch((err: unknown) => {
        ctx.log.warn('IDLE update failed', { err, folder: view.folder });
      });
    };
    view.onUpdate = push;
    // Changes that arrived before IDLE (and after the last command's flush) go out right away.
    push();
    try {
      await done;
    } finally {
      if (view.onUpdate === push) view.onUpdate = null;
      await pushing;
    }
    return ok('IDLE terminated');
  },
};
