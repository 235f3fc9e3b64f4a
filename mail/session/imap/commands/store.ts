// STORE and UID STORE (RFC 9051 6.4.6) with UNCHANGEDSINCE (RFC 7162 3.1.3).
//
// The flags are changed in batches, one store transaction each. Unless .SILENT, every message
// of the set that was not refused by UNCHANGEDSINCE is answered with its flags as they are now
// (read back after the change, so a concurrent change by another session is not hidden); with
// CONDSTORE on, the answers carry UID and MODSEQ. Messages refused by UNCHANGEDSINCE are listed
// in OK [MODIFIED ...]. With .SILENT the changes are only recorded as told, so the session does
// not echo its own change later, while other sessions' changes are still reported after.
// \Recent cannot be stored, nor any other unknown system flag (BAD); keywords are free (\*).

import { compressNumbers } from '../../../protocol/imap/index.js';
import { ok, type CommandSpec } from '../context.js';
import { checkStorableFlags, flagFetchLine } from '../selected/flag-responses.js';
import { ResponseOutput } from '../selected/response-output.js';
import { FLAG_BATCH } from '../selected/selected-mailbox.js';
import { writableMailbox } from '../selected/selected-view.js';
import { resolveMessages } from '../selected/sequence-resolve.js';

export const STORE: CommandSpec<'STORE'> = {
  states: ['selected'],
  async run(ctx, cmd) {
    const view = writableMailbox(ctx, 'STORE');
    checkStorableFlags(cmd.flags);
    if (cmd.unchangedSince !== undefined) ctx.condstore = true; // RFC 7162 3.1: an enabling command
    const { uids } = resolveMessages(view, cmd.sequenceSet, cmd.uid);
    const store = ctx.deps.mailStore;
    const options = cmd.unchangedSince === undefined ? {} : { unchangedSince: Number(cmd.unchangedSince) };
    const out = new ResponseOutput((chunks) => ctx.send(chunks));
    const conflicts: number[] = [];
    for (let i = 0; i < uids.length; i += FLAG_BATCH) {
      const batch = uids.slice(i, i + FLAG_BATCH);
      const result = await store.setFlags(view.userId, view.folder, batch, cmd.operation, cmd.flags, options);
      conflicts.push(...result.conflicts);
      if (cmd.silent) {
        out.write(view.recordTold(result.changed));
        continue;
      }
      const refused = new Set(result.conflicts);
      const now = await store.messageFlags(view.userId, view.folder, batch.filter((u) => !refused.has(u)));
      out.write(view.recordTold(now));
      const withUid = cmd.uid || ctx.condstore;
      for (const m of now) {
        const seq = view.seqOf(m.uid);
        if (seq > 0) out.write(flagFetchLine(seq, m, { uid: withUid, modseq: ctx.condstore }));
      }
      await out.drain();
    }
    await out.flush();
    if (conflicts.length === 0) return ok('Store completed');
    const modified = cmd.uid ? conflicts : conflicts.map((u) => view.seqOf(u)).filter((s) => s > 0);
    return ok('Conditional store failed for some messages', `MODIFIED ${compressNumbers(modified)}`);
  },
};
