// LIST and LSUB of the shared namespace (shared-folders.ts), after the personal folders: the
// root "Shared" as `\Noselect \HasChildren` when this account may read any shared folder, then
// each one as "Shared/NAME" (\HasNoChildren, \Subscribed by the reader's own subscription, and
// LIST-STATUS from the owner's counters). Someone who may read none sees nothing of it.

import type { CommandOf } from '../../../protocol/imap/index.js';
import type { Folder } from '../../../store/contracts.js';
import { sessionUser } from '../command-states.js';
import type { ImapContext } from '../context.js';
import type { ListPattern } from '../list-pattern.js';
import { listShared, sharedDisplayName, SHARED_ROOT } from '../shared-folders.js';
import { statusResponse } from '../status-response.js';
import { storeError } from '../store-errors.js';
import { listLine } from './list.js';

export async function sendSharedList(ctx: ImapContext, cmd: CommandOf<'LIST'>, matchers: readonly ListPattern[], personal: readonly Folder[]): Promise<void> {
  if (!ctx.deps.sharedFolders) return;
  const shared = await listShared(ctx, sessionUser(ctx));
  if (shared.length === 0) return;
  const bySubscription = cmd.selectionOptions.includes('SUBSCRIBED');
  const bySpecialUse = cmd.selectionOptions.includes('SPECIAL-USE');
  const recursive = cmd.selectionOptions.includes('RECURSIVEMATCH');
  const showSubscribed = bySubscription || cmd.returnOptions.subscribed;
  const matches = (name: string) => matchers.some((m) => m.matches(name));

  // A personal folder called "Shared" was listed with the personal folders already.
  if (matches(SHARED_ROOT) && !personal.some((f) => f.name === SHARED_ROOT) && !bySpecialUse) {
    const childInfo = recursive && bySubscription && shared.some((f) => f.subscribed) ? ['SUBSCRIBED'] : [];
    if (!bySubscription || childInfo.length > 0) await ctx.send(listLine(ctx, 'LIST', ['\\Noselect', '\\HasChildren'], SHARED_ROOT, childInfo));
  }
  if (bySpecialUse) return;
  for (const f of shared) {
    const name = sharedDisplayName(f);
    if (!matches(name) || (bySubscription && !f.subscribed)) continue;
    const attributes = ['\\HasNoChildren'];
    if (showSubscribed && f.subscribed) attributes.push('\\Subscribed');
    await ctx.send(listLine(ctx, 'LIST', attributes, name));
    if (cmd.returnOptions.status) {
      let folder: Folder | null;
      try {
        folder = await ctx.deps.mailStore.getFolder(f.ownerId, f.folder);
      } catch (err) {
        storeError(err);
      }
      if (!folder) continue;
      if (cmd.returnOptions.status.includes('HIGHESTMODSEQ')) ctx.condstore = true;
      await ctx.send(await statusResponse(ctx, folder, cmd.returnOptions.status, name));
    }
  }
}

/** LSUB: the subscribed shared folders; the root as \Noselect when `%` stops at it (RFC 3501 6.3.9). */
export async function sendSharedLsub(ctx: ImapContext, matcher: ListPattern, personal: readonly Folder[]): Promise<void> {
  if (!ctx.deps.sharedFolders) return;
  const subscribed = (await listShared(ctx, sessionUser(ctx))).filter((f) => f.subscribed);
  if (subscribed.length === 0) return;
  const rootIsPersonal = personal.some((f) => f.name === SHARED_ROOT && f.subscribed);
  let rootSent = rootIsPersonal;
  for (const f of subscribed) {
    const name = sharedDisplayName(f);
    if (matcher.matches(name)) {
      await ctx.send(listLine(ctx, 'LSUB', [], name));
      continue;
    }
    if (!rootSent && matcher.endsWithPercent && matcher.matches(SHARED_ROOT)) {
      rootSent = true;
      await ctx.send(listLine(ctx, 'LSUB', ['\\Noselect'], SHARED_ROOT));
    }
  }
}
