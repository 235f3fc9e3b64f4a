// MOVE and UID MOVE (RFC 6851): copy and expunge in one store transaction. The client hears
// `* OK [COPYUID ...]` first, then the EXPUNGE (or VANISHED) responses for the moved messages,
// then the tagged OK. Not in a mailbox opened with EXAMINE.

import { formatUntaggedStatus, type CommandOf } from '../../../protocol/imap/index.js';
import { ok, type CommandSpec } from '../context.js';
import { writableMailbox } from '../selected/selected-view.js';
import { resolveMessages } from '../selected/sequence-resolve.js';
import { refusingAsImap } from '../selected/store-errors.js';
import { trainOnFiling } from '../selected/spam-training.js';
import { copyUidCode } from './copy.js';
import { folderNameFromClient } from '../folder-names.js';
import { refuseSharedTarget } from '../shared-folders.js';

export const MOVE: CommandSpec<'MOVE'> = {
  states: ['selected'],
  // CommandOf<'MOVE'> alone is never: COPY and MOVE share one member of ImapCommand.
  async run(ctx, cmd: CommandOf<'COPY' | 'MOVE'>) {
    const view = writableMailbox(ctx, 'MOVE');
    const { uids } = resolveMessages(view, cmd.sequenceSet, cmd.uid);
    if (uids.length === 0) return ok('Move completed');
    await refuseSharedTarget(ctx, view.user, folderNameFromClient(cmd.mailbox), async () => (await ctx.deps.mailStore.getFolder(view.user.id, cmd.mailbox)) !== null);
    const result = await refusingAsImap(() => ctx.deps.mailStore.moveMessages(view.userId, view.folder, uids, cmd.mailbox));
    const learner = ctx.deps.spamLearner;
    if (learner) void trainOnFiling({ learner, store: ctx.deps.mailStore, logger: ctx.log }, view.userId, view.folder, cmd.mailbox, result);
    const code = copyUidCode(result);
    if (code !== undefined) await ctx.send(formatUntaggedStatus('OK', 'Moved', code));
    view.noteExpunged(result.pairs.map((p) => p[0]));
    const updates = await view.takeUpdates(true);
    if (updates.length > 0) await ctx.send(updates);
    return ok('Move completed');
  },
};
