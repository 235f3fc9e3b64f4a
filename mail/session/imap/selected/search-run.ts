// Runs SEARCH criteria for SEARCH, SORT and THREAD: translate, ask the store, keep only the
// messages the client knows of (the store may already hold messages whose EXISTS has not been
// sent; they are not the client's to see yet).

import type { SearchKey } from '../../../protocol/imap/index.js';
import type { ImapContext } from '../context.js';
import { FLAG_BATCH, type SelectedMailbox } from './selected-mailbox.js';
import { translateSearch } from './search-translate.js';

export interface SearchMatches {
  /** UIDs in the view that match, ascending. */
  uids: number[];
  /** Sequence numbers of the same messages, ascending. */
  seqs: number[];
  /** Set when a MODSEQ key was used: the highest MODSEQ among the matches (0 when none). */
  highestModseq: number | null;
}

export async function runSearch(ctx: ImapContext, view: SelectedMailbox, keys: readonly SearchKey[]): Promise<SearchMatches> {
  const now = ctx.deps.now?.() ?? new Date();
  const { criterion, usesModseq } = translateSearch(keys, view, now);
  if (usesModseq) ctx.condstore = true; // RFC 7162 3.1: SEARCH MODSEQ enables CONDSTORE
  const found = await ctx.deps.mailStore.search(view.userId, view.folder, criterion);
  const uids: number[] = [];
  const seqs: number[] = [];
  for (const uid of found) {
    const seq = view.seqOf(uid);
    if (seq === 0) continue;
    uids.push(uid);
    seqs.push(seq);
  }
  let highestModseq: number | null = null;
  if (usesModseq) {
    highestModseq = 0;
    for (let i = 0; i < uids.length; i += FLAG_BATCH) {
      const rows = await ctx.deps.mailStore.messageFlags(view.userId, view.folder, uids.slice(i, i + FLAG_BATCH));
      for (const r of rows) if (r.modseq > highestModseq) highestModseq = r.modseq;
    }
  }
  return { uids, seqs, highestModseq };
}
