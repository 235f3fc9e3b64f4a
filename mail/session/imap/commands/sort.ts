// SORT and UID SORT (RFC 5256) with DISPLAYFROM/DISPLAYTO (RFC 5957) and ESORT's RETURN
// options (RFC 5267, answered with ESEARCH in sort order). The keys come from the stored index;
// the ordering is mail/protocol/imap-sort.

import { sortEntries, sortEntry, type SortEntry } from '../../../protocol/imap-sort/index.js';
import { ok, type CommandSpec } from '../context.js';
import { messageBatches } from '../selected/message-batches.js';
import { runSearch } from '../selected/search-run.js';
import { esearchLine, savedSelection } from '../selected/search-response.js';
import { selectedMailbox } from '../selected/selected-view.js';

export const SORT: CommandSpec<'SORT'> = {
  states: ['selected'],
  async run(ctx, cmd) {
    const view = selectedMailbox(ctx, 'SORT');
    const matches = await runSearch(ctx, view, cmd.criteria);
    const entries: SortEntry[] = [];
    for await (const batch of messageBatches(ctx.deps.mailStore, view.userId, view.folder, matches.uids)) {
      for (const m of batch) {
        const seq = view.seqOf(m.uid);
        if (seq === 0) continue;
        const e = m.index.envelope;
        entries.push(sortEntry({
          seq, internalDate: m.internalDate, sentDate: m.index.date, size: m.size, subject: m.index.subject,
          from: e.from, to: e.to, cc: e.cc,
        }));
      }
    }
    const sorted = sortEntries(entries, cmd.sortCriteria);
    const numbers = sorted.map((e) => (cmd.uid ? view.uidAt(e.seq)! : e.seq));
    const options = cmd.returnOptions;
    if (options?.includes('SAVE')) view.savedUids = savedSelection(matches.uids, options);
    let line: string | null;
    if (options !== undefined) {
      line = esearchLine({ tag: cmd.tag, uid: cmd.uid, numbers, highestModseq: matches.highestModseq }, options, true);
    } else {
      line = `* SORT${numbers.length > 0 ? ' ' + numbers.join(' ') : ''}`;
      if (matches.highestModseq !== null && numbers.length > 0) line += ` (MODSEQ ${matches.highestModseq})`;
      line += '\r\n';
    }
    if (line !== null) await ctx.send(Buffer.from(line, 'utf8'));
    return ok('Sort completed');
  },
};
