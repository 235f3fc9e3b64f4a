// A session's sequence-number map and the flags it last told the client, over the store's
// shared, immutable folder table (FolderMessageTable). SELECT copies nothing: the map starts as
// the table itself, and only what this session changes is its own:
// - `uids` is the table's array until the first EXPUNGE or new message, then a private copy
//   (copy-on-write; appends grow it geometrically);
// - `told` holds the flags of messages whose told state is not the table's (flag changes
//   reported, new messages); every other message's told flags are the table's.
// While nothing has been expunged, sequence number i is the table's message i, so lookups need
// no search.

import type { FolderMessageTable, MessageFlags } from '../../../store/contracts.js';

const SEEN = '\\Seen';

export class MessageMap {
  private uids: Uint32Array;
  private length: number;
  private owned = false;
  /** Index i < base.count is the base table's message i (no expunge yet). */
  private aligned = true;
  private readonly told = new Map<number, MessageFlags>();

  constructor(private readonly base: FolderMessageTable) {
    this.uids = base.uids;
    this.length = base.count;
  }

  get count(): number {
    return this.length;
  }

  /** UIDs in sequence order (index + 1 is the sequence number). A view: do not keep or change it. */
  get all(): Uint32Array {
    return this.uids.subarray(0, this.length);
  }

  get maxUid(): number {
    return this.length > 0 ? this.uids[this.length - 1]! : 0;
  }

  uidAt(seq: number): number | undefined {
    return seq >= 1 && seq <= this.length ? this.uids[seq - 1] : undefined;
  }

  /** Index of the first UID >= uid. */
  lowerBound(uid: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.uids[mid]! < uid) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Sequence number of a UID, or 0. */
  seqOf(uid: number): number {
    const i = this.lowerBound(uid);
    return i < this.length && this.uids[i] === uid ? i + 1 : 0;
  }

  /** Flags last told for the message at this index (0-based) of the map. */
  flagsAt(index: number): MessageFlags {
    const uid = this.uids[index]!;
    const own = this.told.get(uid);
    if (own) return own;
    const b = this.aligned && index < this.base.count ? index : this.baseIndex(uid);
    return { uid, modseq: this.base.modseqs[b]!, flags: this.base.flagSets[this.base.flagIds[b]!] as string[] };
  }

  /** Flags last told for a message in the map; undefined when the UID is not in it. */
  flagsOf(uid: number): MessageFlags | undefined {
    const seq = this.seqOf(uid);
    return seq === 0 ? undefined : this.flagsAt(seq - 1);
  }

  /** The client now knows these flags for a message in the map. */
  setTold(m: MessageFlags): void {
    this.told.set(m.uid, m);
  }

  /** A new message, above every UID in the map. */
  append(m: MessageFlags): void {
    if (!this.owned || this.length === this.uids.length) {
      const grown = new Uint32Array(Math.max(16, Math.ceil(this.length * 1.25) + 1));
      grown.set(this.uids.subarray(0, this.length));
      this.uids = grown;
      this.owned = true;
    }
    this.uids[this.length++] = m.uid;
    this.told.set(m.uid, m);
  }

  /** Takes these UIDs out of the map (they were told as EXPUNGE or VANISHED). */
  remove(gone: ReadonlySet<number>): void {
    const kept = new Uint32Array(Math.max(16, this.length - gone.size + 16));
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      const uid = this.uids[i]!;
      if (gone.has(uid)) this.told.delete(uid);
      else kept[n++] = uid;
    }
    this.uids = kept;
    this.length = n;
    this.owned = true;
    this.aligned = false;
  }

  /** Sequence number of the first message without \Seen, or 0. */
  firstUnseen(): number {
    if (this.told.size === 0 && this.aligned && this.length === this.base.count) return this.base.firstUnseen + 1;
    for (let i = 0; i < this.length; i++) {
      if (!this.flagsAt(i).flags.includes(SEEN)) return i + 1;
    }
    return 0;
  }

  private baseIndex(uid: number): number {
    const uids = this.base.uids;
    let lo = 0;
    let hi = this.base.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (uids[mid]! < uid) lo = mid + 1;
      else hi = mid;
    }
    // Only UIDs of the base get here: appended ones are always in `told`.
    return lo;
  }
}
