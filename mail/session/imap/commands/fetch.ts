// FETCH and UID FETCH (RFC 9051 6.4.5, 6.4.8) with BINARY (RFC 3516), CHANGEDSINCE and VANISHED
// (RFC 7162), and OBJECTID items (RFC 8474).
//
// A UID/FLAGS/MODSEQ-only fetch is answered from the selected view's own flags (flag-fetch.ts),
// which the change feed keeps current; otherwise messages are read in batches: flags rows when
// the view cannot vouch for its copy (a folder change not yet followed), full rows (with the
// index) otherwise, and the answers go out as they are written, with backpressure, so
// FETCH 1:* FLAGS over 100,000 messages and BODY[] of a 50 MB message both run in bounded memory.
// A non-PEEK body item sets \Seen for the whole batch in one store call (not in EXAMINE) and the
// response carries the new FLAGS. Messages expunged by another session but not yet reported are
// skipped and the command ends NO [EXPUNGEISSUED]; a BINARY of a part in an encoding we cannot
// undo skips that message and ends NO [UNKNOWN-CTE].

import { sequenceSetIncludes, compressNumbers, type CommandOf, type FetchItem } from '../../../protocol/imap/index.js';
import type { MessageFlags, StoredMessage } from '../../../store/contracts.js';
import { ok, type CommandResult, type CommandSpec, type ImapContext } from '../context.js';
import { ImapCommandError } from '../errors.js';
import { BodyReader } from '../selected/fetch-body.js';
import { fetchFlagsFromView } from '../selected/flag-fetch.js';
import { MessageWriter, type FetchedMessage } from '../selected/fetch-message.js';
import { planFetch, type FetchPlan } from '../selected/fetch-plan.js';
import { ResponseOutput } from '../selected/response-output.js';
import { FLAG_BATCH, type SelectedMailbox } from '../selected/selected-mailbox.js';
import { MESSAGE_BATCH } from '../selected/message-batches.js';
import { selectedMailbox } from '../selected/selected-view.js';
import { resolveMessages } from '../selected/sequence-resolve.js';

const FLAGS_ITEM: FetchItem = { kind: 'attribute', name: 'FLAGS' };
const UID_ITEM: FetchItem = { kind: 'attribute', name: 'UID' };
const MODSEQ_ITEM: FetchItem = { kind: 'attribute', name: 'MODSEQ' };

interface FetchRun {
  ctx: ImapContext;
  view: SelectedMailbox;
  plan: FetchPlan;
  out: ResponseOutput;
  writer: MessageWriter;
  body: BodyReader;
  expungeIssued: boolean;
  unknownCte: boolean;
}

export const FETCH: CommandSpec<'FETCH'> = {
  states: ['selected'],
  async run(ctx, cmd) {
    const view = selectedMailbox(ctx, 'FETCH');
    const changedSince = cmd.modifiers.changedSince;
    if (cmd.modifiers.vanished && !ctx.enabled.has('QRESYNC')) {
      throw new ImapCommandError('imap_qresync_not_enabled', 'VANISHED needs ENABLE QRESYNC first', { status: 'BAD' });
    }
    const plan = planFetch(cmd.items, { uid: cmd.uid, changedSince: changedSince !== undefined });
    // RFC 7162 3.1: CHANGEDSINCE and the MODSEQ item are CONDSTORE enabling commands.
    if (changedSince !== undefined || plan.has.modseq) ctx.condstore = true;
    const { uids, seqs } = resolveMessages(view, cmd.sequenceSet, cmd.uid);

    const out = new ResponseOutput((chunks) => ctx.send(chunks));
    const body = new BodyReader(ctx.deps.mailStore, out);
    const run: FetchRun = {
      ctx, view, plan, out, body,
      writer: new MessageWriter(out, body, { utf8: ctx.writerOptions().utf8 ?? false }),
      expungeIssued: false, unknownCte: false,
    };
    if (cmd.modifiers.vanished && changedSince !== undefined) await sendVanishedEarlier(run, cmd, Number(changedSince));

    if (!plan.needsRow) {
      const answered = await fetchFlagsFromView({
        view, plan, uids, seqs, changedSince: changedSince === undefined ? null : Number(changedSince), send: (data) => ctx.send(data),
      });
      if (answered) {
        run.expungeIssued = answered.expungeIssued;
        return finish(run);
      }
    }
    const batchSize = plan.needsRow ? MESSAGE_BATCH : FLAG_BATCH;
    for (let i = 0; i < uids.length; i += batchSize) {
      await fetchBatch(run, uids.slice(i, i + batchSize), changedSince === undefined ? null : Number(changedSince));
    }
    await out.flush();
    return finish(run);
  },
};

function finish(run: FetchRun): CommandResult {
  if (run.body.truncated) {
    run.ctx.log.error('stored message shorter than its index; FETCH answer padded', { folder: run.view.folder });
    throw new ImapCommandError('imap_body_truncated', 'Some message data could not be read', { responseCode: 'SERVERBUG', clientError: false });
  }
  if (run.unknownCte) throw new ImapCommandError('imap_unknown_cte', 'Cannot decode the transfer encoding of a part', { responseCode: 'UNKNOWN-CTE' });
  if (run.expungeIssued) throw new ImapCommandError('imap_expunge_issued', 'Some of the requested messages no longer exist', { responseCode: 'EXPUNGEISSUED', clientError: false });
  return ok('Fetch completed');
}

/** RFC 7162 3.2.6: UIDs of the set expunged since the client's MODSEQ, before any FETCH. */
async function sendVanishedEarlier(run: FetchRun, cmd: CommandOf<'FETCH'>, since: number): Promise<void> {
  const { ctx, view } = run;
  const changes = await ctx.deps.mailStore.folderChanges(view.userId, view.folder, since);
  const set = cmd.sequenceSet;
  const inSet = (uid: number) => (set.kind === 'saved' ? view.savedUids.includes(uid) : sequenceSetIncludes(set.ranges, uid, view.maxUid));
  // UIDs still in the view are told later with a plain VANISHED, which counts against EXISTS.
  const vanished = changes.vanished.filter((uid) => inSet(uid) && view.seqOf(uid) === 0);
  if (vanished.length > 0) await ctx.send(Buffer.from(`* VANISHED (EARLIER) ${compressNumbers(vanished)}\r\n`));
}

async function fetchBatch(run: FetchRun, batch: number[], changedSince: number | null): Promise<void> {
  const { ctx, view, plan } = run;
  const store = ctx.deps.mailStore;
  let uids = batch;
  let flagRows: Map<number, MessageFlags> | null = null;
  if (!plan.needsRow || changedSince !== null) {
    const rows = await store.messageFlags(view.userId, view.folder, uids);
    flagRows = new Map(rows.map((r) => [r.uid, r]));
    if (changedSince !== null) uids = rows.filter((r) => r.modseq > changedSince).map((r) => r.uid);
    else if (rows.length < uids.length) run.expungeIssued = true;
  }
  if (uids.length === 0) return;
  let rows: Map<number, StoredMessage> | null = null;
  if (plan.needsRow) {
    const found = await store.getMessages(view.userId, view.folder, uids);
    rows = new Map(found.map((m) => [m.uid, m]));
    if (found.length < uids.length) run.expungeIssued = true;
  }

  const messages: FetchedMessage[] = [];
  for (const uid of uids) {
    const row = rows?.get(uid) ?? null;
    const flags = row ? { uid, modseq: row.modseq, flags: row.flags } : flagRows?.get(uid);
    if (!flags || (plan.needsRow && !row)) continue;
    const seq = view.seqOf(uid);
    if (seq === 0) continue;
    if (row && hasUnknownCte(run, row)) {
      run.unknownCte = true;
      continue;
    }
    messages.push({ seq, flags, row, extra: [] });
  }
  if (plan.marksSeen && !view.readOnly) await markSeen(run, messages);

  // Flags the client is about to be told: remember them (and announce new keywords first).
  const told = messages.filter((m) => plan.has.flags || m.extra.length > 0).map((m) => m.flags);
  const announcement = view.recordTold(told);
  if (announcement !== '') run.out.write(announcement);
  for (const m of messages) await run.writer.write(m, plan.items);
}

function hasUnknownCte(run: FetchRun, row: StoredMessage): boolean {
  return run.plan.items.some((item) => (item.kind === 'binary' || item.kind === 'binarySize') && run.body.binaryPlan(row, item.part).kind === 'unknown-cte');
}

/** One store call sets \Seen on every message of the batch that lacks it. */
async function markSeen(run: FetchRun, messages: FetchedMessage[]): Promise<void> {
  const { ctx, view, plan } = run;
  const unseen = messages.filter((m) => !m.flags.flags.includes('\\Seen')).map((m) => m.flags.uid);
  if (unseen.length === 0) return;
  const result = await ctx.deps.mailStore.setFlags(view.userId, view.folder, unseen, 'add', ['\\Seen']);
  const changed = new Map(result.changed.map((c) => [c.uid, c]));
  for (const m of messages) {
    const c = changed.get(m.flags.uid);
    if (!c) continue;
    m.flags = c;
    if (!plan.has.flags) m.extra.push(FLAGS_ITEM);
    if (ctx.condstore) {
      if (!plan.has.uid) m.extra.push(UID_ITEM);
      if (!plan.has.modseq) m.extra.push(MODSEQ_ITEM);
    }
  }
}
