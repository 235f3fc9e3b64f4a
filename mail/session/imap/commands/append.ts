// APPEND (RFC 9051 6.3.12) with UIDPLUS (RFC 4315 APPENDUID) and APPENDLIMIT (RFC 7889).
//
// begin() refuses before a single octet is read: a missing mailbox is NO [TRYCREATE], a message
// that would take the account (or its domain) past its quota NO [OVERQUOTA], and so does any
// APPEND while the disk is below limits.diskReserve; one above the APPENDLIMIT NO
// [TOOBIG], an empty one NO (like Dovecot: a zero-octet message is not a message, and accepting
// it would only leave clients an unreadable entry), \Recent or an unknown system flag BAD. Then
// the message streams into a store delivery transaction (the same durable path SMTP uses) and
// end() commits it and answers `OK [APPENDUID validity uid]`. If the mailbox is the selected
// one, the new message reaches the session through the change feed as EXISTS.

import type { AppendSink, AppendSpec, CommandResult, ImapContext } from '../context.js';
import { ok } from '../context.js';
import { ImapCommandError, imapErrors } from '../errors.js';
import type { CommandOf } from '../../../protocol/imap/index.js';
import type { DeliveryTransaction, User } from '../../../store/contracts.js';
import { ChunkQueue } from '../selected/chunk-queue.js';
import { checkStorableFlags } from '../selected/flag-responses.js';
import { judgeUser } from '../../../delivery/quota.js';
import { afterDelivery } from '../../../delivery/quota-warnings.js';
import { folderNameFromClient } from '../folder-names.js';
import { refuseSharedTarget } from '../shared-folders.js';

/**
 * Below limits.diskReserve APPEND is NO [OVERQUOTA], as Dovecot answers a full disk: clients show
 * it as "no room" and stop retrying the same APPEND, which is what the user needs to see (LIMIT
 * means an implementation limit such as too many flags, which a full disk is not).
 */
async function refuseBelowDiskReserve(ctx: ImapContext): Promise<void> {
  const disk = ctx.deps.diskSpace;
  if (!disk) return;
  let free: number;
  try {
    free = await disk.freeBytes();
  } catch (err) {
    throw imapErrors.temporary(err);
  }
  if (free < disk.reserve) {
    ctx.log.warn('APPEND refused: disk below the reserve', { free, reserve: disk.reserve, outcome: 'disk-reserve' });
    throw new ImapCommandError('imap_disk_reserve', 'Not enough disk space on the server', { responseCode: 'OVERQUOTA' });
  }
}

async function currentUser(ctx: ImapContext, user: User): Promise<User> {
  // The quota may have changed since login; the directory has the current one.
  return (await ctx.deps.directory.getUserById(user.id)) ?? user;
}

class StoreAppendSink implements AppendSink {
  private readonly body = new ChunkQueue();
  private readonly writing: Promise<unknown>;
  private done = false;

  constructor(
    private readonly ctx: ImapContext,
    private readonly tx: DeliveryTransaction,
    private readonly folder: { name: string; uidValidity: number },
    private readonly user: User,
  ) {
    this.writing = tx.writeBody(this.body);
    // Failures are reported by end(); until then the rest of the literal is read and dropped.
    this.writing.catch(() => undefined);
  }

  async write(chunk: Buffer): Promise<void> {
    await this.body.push(chunk);
  }

  async end(): Promise<CommandResult> {
    this.done = true;
    this.body.end();
    try {
      await this.writing;
      const receipt = await this.tx.commit();
      const copy = receipt.delivered[0];
      if (!copy) throw new Error('the delivery stored no copy');
      if (copy.folder !== this.folder.name) {
        // The folder went away while the message streamed; the store kept it in INBOX.
        this.ctx.log.warn('APPEND target vanished; message kept in another folder', { folder: this.folder.name, storedIn: copy.folder });
        return ok('Append completed (the mailbox was deleted meanwhile; the message is in INBOX)');
      }
      // 80% / 95% warnings count the user's own APPENDs too (as Dovecot's quota_warning does).
      void afterDelivery({ directory: this.ctx.deps.directory, mailStore: this.ctx.deps.mailStore, hostname: this.ctx.deps.hostname, logger: this.ctx.log }, [this.user]);
      return ok('Append completed', `APPENDUID ${this.folder.uidValidity} ${copy.uid}`);
    } catch (err) {
      await this.tx.abort().catch(() => undefined);
      if (err instanceof ImapCommandError) throw err;
      throw imapErrors.temporary(err);
    }
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.body.fail(new Error('APPEND aborted'));
    await this.writing.catch(() => undefined);
    await this.tx.abort();
  }
}

export const APPEND: AppendSpec = {
  states: ['authenticated', 'selected'],
  async begin(ctx: ImapContext, cmd: CommandOf<'APPEND'>): Promise<AppendSink> {
    const state = ctx.state;
    if (state.kind !== 'authenticated' && state.kind !== 'selected') throw imapErrors.wrongState('APPEND');
    checkStorableFlags(cmd.flags);
    const size = cmd.message.size;
    if (size === 0) throw new ImapCommandError('imap_append_empty', 'Cannot save an empty message');
    if (size > ctx.deps.limits.appendLimit) {
      throw new ImapCommandError('imap_append_too_big', 'Message is larger than the APPENDLIMIT', { responseCode: 'TOOBIG' });
    }
    const store = ctx.deps.mailStore;
    const folder = await store.getFolder(state.user.id, cmd.mailbox);
    // Not into a shared folder (NOPERM), and no TRYCREATE in the shared namespace: CREATE would fail.
    if (!folder) await refuseSharedTarget(ctx, state.user, folderNameFromClient(cmd.mailbox));
    else await refuseSharedTarget(ctx, state.user, folder.name, async () => true);
    if (!folder) throw imapErrors.tryCreate();
    const user = await currentUser(ctx, state.user);
    // The account's quota and its domain's (mail/delivery/quota.ts): any "no room" is OVERQUOTA.
    const verdict = await judgeUser(store, user, size, { directory: ctx.deps.directory });
    if (verdict.kind !== 'fits') throw imapErrors.overQuota();
    await refuseBelowDiskReserve(ctx);
    const tx = store.beginDelivery(cmd.internalDate ? { internalDate: cmd.internalDate } : {});
    tx.addRecipient({ userId: user.id, folder: folder.name, flags: [...cmd.flags] });
    return new StoreAppendSink(ctx, tx, { name: folder.name, uidValidity: folder.uidValidity }, user);
  },
};
