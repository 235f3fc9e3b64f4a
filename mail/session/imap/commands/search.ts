// SEARCH and UID SEARCH (RFC 9051 6.4.4) with ESEARCH return options (RFC 4731), SAVE (RFC
// 5182), MODSEQ (RFC 7162) and WITHIN (RFC 5032). The parser has already refused charsets it
// cannot decode (NO [BADCHARSET]) and decoded the strings; the store matches text
// case-insensitively. IMAP4rev2 clients always get ESEARCH (RFC 9051 6.4.4).

import { ok, type CommandSpec } from '../context.js';
import { runSearch } from '../selected/search-run.js';
import { esearchLine, savedSelection, searchLine } from '../selected/search-response.js';
import { selectedMailbox } from '../selected/selected-view.js';

export const SEARCH: CommandSpec<'SEARCH'> = {
  states: ['selected'],
  async run(ctx, cmd) {
    const view = selectedMailbox(ctx, 'SEARCH');
    const options = cmd.returnOptions;
    const saving = options?.includes('SAVE') ?? false;
    let matches;
    try {
      matches = await runSearch(ctx, view, cmd.criteria);
    } catch (err) {
      if (saving) view.savedUids = []; // RFC 5182 2.1: a failed SAVE leaves `$` empty
      throw err;
    }
    const numbers = cmd.uid ? matches.uids : matches.seqs;
    const answer = { tag: cmd.tag, uid: cmd.uid, numbers, highestModseq: matches.highestModseq };
    if (saving) view.savedUids = savedSelection(matches.uids, options!);
    let line: string | null;
    if (options !== undefined) line = esearchLine(answer, options);
    else if (ctx.enabled.has('IMAP4REV2')) line = esearchLine(answer, []);
    else line = searchLine(answer);
    if (line !== null) await ctx.send(Buffer.from(line, 'utf8'));
    return ok('Search completed');
  },
};
