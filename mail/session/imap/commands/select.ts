// SELECT and EXAMINE (RFC 9051 6.3.2, 6.3.3) with CONDSTORE and QRESYNC (RFC 7162 3.1.8, 3.2.5).
//
// The answer, in Dovecot's order:
//   * FLAGS (...)                        system flags and the keywords in use
//   * OK [PERMANENTFLAGS (... \*)]       (empty for EXAMINE)
//   * n EXISTS
//   * 0 RECENT                           IMAP4rev1 only (\Recent is not kept)
//   * OK [UNSEEN n]                      IMAP4rev1 only, when a message is unseen
//   * OK [UIDVALIDITY n], * OK [UIDNEXT n]
//   * OK [HIGHESTMODSEQ n]               always: RFC 7162 3.1.2.1 asks it of every SELECT
//   * OK [MAILBOXID (F...)]              RFC 8474
//   * LIST () "/" name                   IMAP4rev2 (RFC 9051 6.3.2)
//   QRESYNC: * VANISHED (EARLIER) ..., * n FETCH (UID FLAGS MODSEQ) for what changed
//   tag OK [READ-WRITE] or [READ-ONLY]
//
// A shared folder (shared-folders.ts) is always opened read-only, as EXAMINE.
//
// A SELECT while a mailbox is selected closes it first (no expunge); with QRESYNC or IMAP4rev2
// enabled the client is told with `* OK [CLOSED]`. A failed SELECT leaves no mailbox selected.

import {
  compressNumbers, encodeMailboxName, formatUntaggedStatus, quoteString, sequenceSetIncludes, type CommandOf, type QresyncParams,
} from '../../../protocol/imap/index.js';
import { ok, type CommandResult, type CommandSpec, type ImapContext } from '../context.js';
import { ImapCommandError, imapErrors } from '../errors.js';
import { flagFetchLine, flagsLine, permanentFlagsLine } from '../selected/flag-responses.js';
import { SelectedMailbox } from '../selected/selected-mailbox.js';
import { folderNameFromClient } from '../folder-names.js';
import { resolveShared, sharedDisplayName } from '../shared-folders.js';

function mailboxNameValue(ctx: ImapContext, name: string): string {
  const utf8 = ctx.writerOptions().utf8 ?? false;
  const wire = encodeMailboxName(name, utf8);
  return quoteString(wire, { utf8 }) ?? `"${wire}"`;
}

function openingLines(ctx: ImapContext, view: SelectedMailbox): string {
  const rev2 = ctx.enabled.has('IMAP4REV2');
  const keywords = view.keywordList();
  let text = flagsLine(keywords) + permanentFlagsLine(keywords, view.readOnly);
  text += `* ${view.count} EXISTS\r\n`;
  if (!rev2) {
    text += '* 0 RECENT\r\n';
    const unseen = view.firstUnseen();
    if (unseen > 0) text += `* OK [UNSEEN ${unseen}] First unseen\r\n`;
  }
  text += `* OK [UIDVALIDITY ${view.uidValidity}] UIDs valid\r\n`;
  text += `* OK [UIDNEXT ${view.uidNext}] Predicted next UID\r\n`;
  text += `* OK [HIGHESTMODSEQ ${view.openedModseq}] Highest\r\n`;
  text += `* OK [MAILBOXID (${view.mailboxId})] Ok\r\n`;
  if (rev2) text += `* LIST () "/" ${mailboxNameValue(ctx, view.displayName)}\r\n`;
  return text;
}

/** RFC 7162 3.2.5: what changed since the client's MODSEQ, when its UIDVALIDITY still holds. */
async function resyncLines(ctx: ImapContext, view: SelectedMailbox, q: QresyncParams): Promise<string> {
  if (q.uidValidity !== view.uidValidity) return '';
  const since = Number(q.modSeq);
  const changes = await ctx.deps.mailStore.folderChanges(view.userId, view.folder, since);
  const known = q.knownUids;
  const inKnown = (uid: number) => !known || (known.kind === 'ranges' && sequenceSetIncludes(known.ranges, uid, view.maxUid));
  const vanished = changes.vanished.filter((uid) => inKnown(uid) && view.seqOf(uid) === 0);
  let text = vanished.length > 0 ? `* VANISHED (EARLIER) ${compressNumbers(vanished)}\r\n` : '';
  // Flags from the view's own snapshot, so they agree with the EXISTS just sent. Walked by
  // sequence number: a lookup by UID searches, and this visits every message of the folder.
  for (let seq = 1; seq <= view.count; seq++) {
    const m = view.flagsAtSeq(seq)!;
    if (m.modseq > since) text += flagFetchLine(seq, m, { uid: true, modseq: true });
  }
  return text;
}

/** CommandOf<'SELECT'> is the one member whose name is 'SELECT' | 'EXAMINE'. */
type SelectCommand = CommandOf<'SELECT' | 'EXAMINE'>;

function selectSpec(name: 'SELECT' | 'EXAMINE'): CommandSpec<'SELECT'> & CommandSpec<'EXAMINE'> {
  return {
    states: ['authenticated', 'selected'],
    async run(ctx: ImapContext, cmd: SelectCommand): Promise<CommandResult> {
      const state = ctx.state;
      if (state.kind !== 'authenticated' && state.kind !== 'selected') throw imapErrors.wrongState(name);
      if (cmd.qresync && !ctx.enabled.has('QRESYNC')) {
        throw new ImapCommandError('imap_qresync_not_enabled', 'QRESYNC parameter needs ENABLE QRESYNC first', { status: 'BAD' });
      }
      const user = state.user;
      if (state.kind === 'selected') {
        ctx.setState({ kind: 'authenticated', user });
        if (ctx.enabled.has('QRESYNC') || ctx.enabled.has('IMAP4REV2')) {
          await ctx.send(formatUntaggedStatus('OK', 'Previous mailbox closed', 'CLOSED'));
        }
      }
      // RFC 7162 3.1.8 / 3.2.5: the CONDSTORE parameter (and QRESYNC, which implies it) enable CONDSTORE.
      if (cmd.condstore || cmd.qresync) ctx.condstore = true;
      // A shared folder (shared-folders.ts) opens read-only from its owner's store, whichever verb.
      const shared = await resolveShared(ctx, user, folderNameFromClient(cmd.mailbox));
      const view = shared
        ? await SelectedMailbox.open(ctx.deps.mailStore, ctx, user, shared.folder, true, { ownerId: shared.ownerId, displayName: sharedDisplayName(shared) })
        : await SelectedMailbox.open(ctx.deps.mailStore, ctx, user, cmd.mailbox, name === 'EXAMINE');
      if (!view) throw imapErrors.noSuchMailbox();
      let text = openingLines(ctx, view);
      try {
        if (cmd.qresync) text += await resyncLines(ctx, view, cmd.qresync);
      } catch (err) {
        view.close();
        throw err;
      }
      ctx.setState({ kind: 'selected', user, mailbox: view });
      await ctx.send(Buffer.from(text, 'utf8'));
      return view.readOnly ? ok(`${name} completed`, 'READ-ONLY') : ok(`${name} completed`, 'READ-WRITE');
    },
  };
}

export const SELECT = selectSpec('SELECT');
export const EXAMINE = selectSpec('EXAMINE');
