// FETCH of UID, FLAGS and MODSEQ only (the NIL items too): answered from the selected view's own
// copy of every message's flags, which the change feed keeps current, so `FETCH 1:* (UID FLAGS)`
// over 100,000 messages reads the store only for the few messages changed since the client was
// last told. The lines are the same bytes MessageWriter writes, built a batch at a time and sent
// in pieces of about 256 KB, each awaited before the next (a slow client slows us down).

import { fetchItemResponseName, type FetchItem } from '../../../protocol/imap/index.js';
import type { MessageFlags } from '../../../store/contracts.js';
import type { FetchPlan } from './fetch-plan.js';
import { flagList } from './flag-responses.js';
import { FLAG_BATCH, type SelectedMailbox } from './selected-mailbox.js';

export interface FlagFetchRequest {
  view: SelectedMailbox;
  plan: FetchPlan;
  /** The messages named, ascending, and their sequence numbers (same order). */
  uids: readonly number[];
  seqs: readonly number[];
  /** CHANGEDSINCE: only messages whose MODSEQ is above it. */
  changedSince: number | null;
  send(data: Buffer): Promise<void>;
}

export interface FlagFetchOutcome {
  /** Some named message was expunged meanwhile (not counted under CHANGEDSINCE, as before). */
  expungeIssued: boolean;
}

type ItemText = (m: MessageFlags) => string;

/** About this many bytes of responses per write. */
const SEND_BYTES = 256 * 1024;

function itemText(item: FetchItem): ItemText {
  const name = fetchItemResponseName(item);
  if (item.kind === 'attribute') {
    switch (item.name) {
      case 'UID': return (m) => `UID ${m.uid}`;
      case 'FLAGS': {
        // Most messages share one of a few frozen flag arrays of the folder table: each is
        // written once per command.
        const written = new Map<readonly string[], string>();
        return (m) => {
          let text = written.get(m.flags);
          if (text === undefined) {
            text = `FLAGS ${flagList(m.flags)}`;
            if (Object.isFrozen(m.flags)) written.set(m.flags, text);
          }
          return text;
        };
      }
      case 'MODSEQ': return (m) => `MODSEQ (${m.modseq})`;
      case 'THREADID': case 'SAVEDATE': case 'PREVIEW': return () => `${name} NIL`;
      default: break;
    }
  }
  throw new Error(`fetch plan said ${name} needs no row`);
}

/**
 * Answers from the view, or returns null (having sent nothing) when the view cannot vouch for
 * its copy right now; the caller then reads the store.
 */
export async function fetchFlagsFromView(req: FlagFetchRequest): Promise<FlagFetchOutcome | null> {
  const { view, plan, uids, seqs, changedSince } = req;
  const flagsNow = await view.currentFlags(uids);
  if (!flagsNow) return null;
  const texts = plan.items.map(itemText);
  let expungeIssued = false;
  // Output goes in pieces of about SEND_BYTES, and the next piece is built while the previous
  // one drains to the client (at most two in memory): one write per piece, not per batch, and
  // the server's work overlaps the client's reading instead of taking turns with it.
  let piece: string[] = [];
  let pieceBytes = 0;
  let inFlight: Promise<void> | null = null;
  const flush = async (): Promise<void> => {
    if (pieceBytes === 0) return;
    const data = Buffer.from(piece.join(''), 'utf8');
    piece = [];
    pieceBytes = 0;
    if (inFlight) await inFlight;
    inFlight = req.send(data);
  };
  // Batches as the store path makes them, so `* FLAGS` announcements fall in the same places.
  for (let i = 0; i < uids.length; i += FLAG_BATCH) {
    const end = Math.min(i + FLAG_BATCH, uids.length);
    const told: MessageFlags[] = [];
    let text = '';
    for (let j = i; j < end; j++) {
      const m = flagsNow.get(uids[j]!, seqs[j]);
      if (!m) {
        if (changedSince === null) expungeIssued = true;
        continue;
      }
      if (changedSince !== null && m.modseq <= changedSince) continue;
      let line = `* ${seqs[j]} FETCH (`;
      for (let k = 0; k < texts.length; k++) line += (k === 0 ? '' : ' ') + texts[k]!(m);
      text += line + ')\r\n';
      // From the view's own record: the client was told exactly this already.
      if (plan.has.flags && flagsNow.fromStore.has(m.uid)) told.push(m);
    }
    const announcement = view.recordTold(told);
    if (announcement === '' && text === '') continue;
    piece.push(announcement, text);
    pieceBytes += announcement.length + text.length;
    if (pieceBytes >= SEND_BYTES) await flush();
  }
  await flush();
  if (inFlight) await inFlight;
  return { expungeIssued };
}
