// QUOTA (RFC 9208): one quota root per account, named "", holding every folder; its one resource
// is STORAGE (in units of 1024 octets) against User.quota. An account without a quota has no
// quota root: GETQUOTAROOT lists none and GETQUOTA "" is NO [NONEXISTENT]. Quotas are set by the
// administrator (CLI, admin UI), never by the user: SETQUOTA is NO [NOPERM].

import { ResponseBuilder } from '../../../protocol/imap/index.js';
import type { User } from '../../../store/contracts.js';
import { AUTHENTICATED, sessionUser, type OneMailboxCommand } from '../command-states.js';
import { ok, type CommandSpec, type ImapContext } from '../context.js';
import { ImapCommandError, imapErrors } from '../errors.js';
import { folderNameFromClient, wireFolderName } from '../folder-names.js';
import { storeError } from '../store-errors.js';
import { resolveShared, sharedDisplayName } from '../shared-folders.js';

const ROOT = '';

/** The account as it is now: an administrator may have changed its quota since login. */
async function freshQuota(ctx: ImapContext, user: User): Promise<number | null> {
  try {
    const now = await ctx.deps.directory.getUserById(user.id);
    return now ? now.quota : user.quota;
  } catch (err) {
    return storeError(err);
  }
}

async function quotaResponse(ctx: ImapContext, user: User, quota: number): Promise<Buffer[]> {
  let usage;
  try {
    usage = await ctx.deps.mailStore.usage(user.id);
  } catch (err) {
    storeError(err);
  }
  const used = Math.ceil(usage.bytes / 1024);
  const limit = Math.floor(quota / 1024);
  return new ResponseBuilder(ctx.writerOptions()).raw('* QUOTA ').string(ROOT).raw(` (STORAGE ${used} ${limit})`).crlf().chunks();
}

const noSuchRoot = () => new ImapCommandError('imap_no_quota_root', 'No such quota root', { responseCode: 'NONEXISTENT' });

export const GETQUOTA: CommandSpec<'GETQUOTA'> = {
  states: AUTHENTICATED,
  async run(ctx, cmd) {
    const user = sessionUser(ctx);
    if (cmd.root !== ROOT) throw noSuchRoot();
    const quota = await freshQuota(ctx, user);
    if (quota === null) throw noSuchRoot();
    await ctx.send(await quotaResponse(ctx, user, quota));
    return ok('GETQUOTA completed');
  },
};

export const GETQUOTAROOT: CommandSpec<'GETQUOTAROOT'> = {
  states: AUTHENTICATED,
  async run(ctx, cmd: OneMailboxCommand) {
    const user = sessionUser(ctx);
    const name = folderNameFromClient(cmd.mailbox);
    // A shared folder counts against its owner, not against any quota root of the reader.
    const shared = await resolveShared(ctx, user, name);
    if (shared) {
      await ctx.send(new ResponseBuilder(ctx.writerOptions()).raw('* QUOTAROOT ').string(wireFolderName(ctx, sharedDisplayName(shared))).crlf().chunks());
      return ok('GETQUOTAROOT completed');
    }
    let folder;
    try {
      folder = await ctx.deps.mailStore.getFolder(user.id, name);
    } catch (err) {
      storeError(err);
    }
    if (!folder) throw imapErrors.noSuchMailbox();
    const quota = await freshQuota(ctx, user);
    const roots = new ResponseBuilder(ctx.writerOptions()).raw('* QUOTAROOT ').string(wireFolderName(ctx, folder.name));
    if (quota !== null) roots.sp().string(ROOT);
    await ctx.send(roots.crlf().chunks());
    if (quota !== null) await ctx.send(await quotaResponse(ctx, user, quota));
    return ok('GETQUOTAROOT completed');
  },
};

export const SETQUOTA: CommandSpec<'SETQUOTA'> = {
  states: AUTHENTICATED,
  async run() {
    throw new ImapCommandError('imap_quota_noperm', 'Quotas are set by the administrator', { responseCode: 'NOPERM' });
  },
};
