// COPY and UID COPY (RFC 9051 6.4.7) with UIDPLUS (RFC 4315): `OK [COPYUID validity src dst]`.
// A missing destination is NO [TRYCREATE]; a copy past the account's quota NO [OVERQUOTA]
// (the store checks the quota in the same transaction as the copy). Nothing is copied into a
// shared folder (NO [NOPERM]); out of one, into the reader's own folders, is (copy-from-shared.ts).

import { compressNumbers, type CommandOf } from '../../../protocol/imap/index.js';
import type { CopyResult } from '../../../store/contracts.js';
import { ok, type CommandSpec } from '../context.js';
import { selectedMailbox } from '../selected/selected-view.js';
import { resolveMessages } from '../selected/sequence-resolve.js';
import { refusingAsImap } from '../selected/store-errors.js';
import { trainOnFiling } from '../selected/spam-training.js';
import { copyFromShared } from '../selected/copy-from-shared.js';
import { folderNameFromClient } from '../folder-names.js';
import { refuseSharedTarget } from '../shared-folders.js';

/** `COPYUID v 3:5 10:12`: both sets list the pairs in the same (source UID) order. */
export function copyUidCode(result: CopyResult): string | undefined {
  if (result.pairs.length === 0) return undefined;
  // Destination UIDs are assigned ascending in source order, so compressing both keeps them paired.
  return `COPYUID ${result.uidValidity} ${compressNumbers(result.pairs.map((p) => p[0]))} ${compressNumbers(result.pairs.map((p) => p[1]))}`;
}

export const COPY: CommandSpec<'COPY'> = {
  states: ['selected'],
  // CommandOf<'COPY'> alone is never: COPY and MOVE share one member of ImapCommand.
  async run(ctx, cmd: CommandOf<'COPY' | 'MOVE'>) {
    const view = selectedMailbox(ctx, 'COPY');
    const { uids } = resolveMessages(view, cmd.sequenceSet, cmd.uid);
    const user = view.user;
    await refuseSharedTarget(ctx, user, folderNameFromClient(cmd.mailbox), async () => (await ctx.deps.mailStore.getFolder(user.id, cmd.mailbox)) !== null);
    if (view.shared) return ok('Copy completed', copyUidCode(await copyFromShared(ctx, view, uids, cmd.mailbox)));
    const result = await refusingAsImap(() => ctx.deps.mailStore.copyMessages(user.id, view.folder, uids, cmd.mailbox, { quota: user.quota }));
    const learner = ctx.deps.spamLearner;
    if (learner) void trainOnFiling({ learner, store: ctx.deps.mailStore, logger: ctx.log }, user.id, view.folder, cmd.mailbox, result);
    return ok('Copy completed', copyUidCode(result));
  },
};
