// `* STATUS mailbox (item value ...)` for STATUS and for LIST-STATUS (RFC 5819), from the
// store's counters. DELETED (RFC 9051) is the one item the counters do not hold: it is a search.

import { ResponseBuilder, type StatusItem } from '../../protocol/imap/index.js';
import type { Folder } from '../../store/contracts.js';
import type { ImapContext } from './context.js';
import { wireFolderName } from './folder-names.js';
import { storeError } from './store-errors.js';

/** `displayName`: the name the client used when it is not the store's (a shared folder's "Shared/..."). */
export async function statusResponse(ctx: ImapContext, folder: Folder, items: readonly StatusItem[], displayName?: string): Promise<Buffer[]> {
  const values: string[] = [];
  for (const item of items) values.push(`${item} ${await statusValue(ctx, folder, item)}`);
  return new ResponseBuilder(ctx.writerOptions())
    .raw('* STATUS ').string(wireFolderName(ctx, displayName ?? folder.name)).sp()
    .raw(`(${values.join(' ')})`).crlf().chunks();
}

async function statusValue(ctx: ImapContext, folder: Folder, item: StatusItem): Promise<string> {
  switch (item) {
    case 'MESSAGES': return String(folder.messages);
    case 'UIDNEXT': return String(folder.uidNext);
    case 'UIDVALIDITY': return String(folder.uidValidity);
    case 'UNSEEN': return String(folder.unseen);
    case 'SIZE': return String(folder.size);
    // \Recent is gone from IMAP4rev2; no session ever gets to claim a message first.
    case 'RECENT': return '0';
    case 'HIGHESTMODSEQ': return String(folder.highestModseq);
    case 'APPENDLIMIT': return String(ctx.deps.limits.appendLimit);
    case 'MAILBOXID': return `(${folder.mailboxId})`;
    case 'DELETED': {
      try {
        const uids = await ctx.deps.mailStore.search(folder.userId, folder.name, { kind: 'flag', flag: '\\Deleted', set: true });
        return String(uids.length);
      } catch (err) {
        return storeError(err);
      }
    }
  }
}
