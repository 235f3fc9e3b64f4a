// A folder's messages as columns (FolderMessageTable): what SELECT hands to sessions. Building
// one from the database reads every message; bringing one up to date applies only what changed
// since its MODSEQ (folder-table-cache.ts decides which). Tables never change once built: an
// update makes a new one, so sessions holding the old one keep a consistent snapshot.
//
// A folder has few distinct flag lists ("", "\Seen", "\Seen \Answered" ...), so each message
// holds the index of its list in a pool shared by every table of that folder. The pool only
// grows; a list no message uses any more costs a few bytes until the folder leaves the cache.

import type { FolderMessageTable, MessageFlags } from '../contracts.js';
import { decodeFlags } from './mail-rows.js';
import type { FlagColumns } from './message-statements.js';

const SEEN = '\\Seen';

function isKeyword(flag: string): boolean {
  return !flag.startsWith('\\');
}

/** Distinct flag lists of one folder, frozen, found by their stored text. */
export class FlagSetPool {
  readonly sets: (readonly string[])[] = [];
  private readonly byText = new Map<string, number>();

  idOf(text: string): number {
    let id = this.byText.get(text);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(Object.freeze(decodeFlags(text)));
      this.byText.set(text, id);
    }
    return id;
  }
}

class ColumnTable implements FolderMessageTable {
  private keywordMemo: readonly string[] | null = null;
  private unseenMemo: number | null = null;

  constructor(
    readonly uids: Uint32Array,
    readonly modseqs: Float64Array,
    readonly flagIds: Uint32Array,
    private readonly pool: FlagSetPool,
  ) {}

  get count(): number {
    return this.uids.length;
  }

  get flagSets(): readonly (readonly string[])[] {
    return this.pool.sets;
  }

  get keywords(): readonly string[] {
    if (this.keywordMemo) return this.keywordMemo;
    // First use by UID, as a session noting each message's keywords in turn would list them.
    const seenSet = new Uint8Array(this.pool.sets.length);
    const keys = new Set<string>();
    const out: string[] = [];
    for (let i = 0; i < this.flagIds.length; i++) {
      const id = this.flagIds[i]!;
      if (seenSet[id] === 1) continue;
      seenSet[id] = 1;
      for (const f of this.pool.sets[id]!) {
        if (!isKeyword(f) || keys.has(f.toUpperCase())) continue;
        keys.add(f.toUpperCase());
        out.push(f);
      }
    }
    this.keywordMemo = Object.freeze(out);
    return this.keywordMemo;
  }

  get firstUnseen(): number {
    if (this.unseenMemo !== null) return this.unseenMemo;
    const unseen = this.pool.sets.map((set) => !set.includes(SEEN));
    let first = -1;
    for (let i = 0; i < this.flagIds.length; i++) {
      if (unseen[this.flagIds[i]!]) {
        first = i;
        break;
      }
    }
    this.unseenMemo = first;
    return first;
  }
}

/** A table from flagsOfFolder's columns (UID order; sorted here if SQLite ever did not). */
export function tableFromColumns(columns: FlagColumns | undefined, pool: FlagSetPool): FolderMessageTable {
  if (!columns) return new ColumnTable(new Uint32Array(0), new Float64Array(0), new Uint32Array(0), pool);
  const uidList = JSON.parse(columns[0]) as number[];
  const modseqList = JSON.parse(columns[1]) as number[];
  const flagList = JSON.parse(columns[2]) as string[];
  const n = uidList.length;
  let order: number[] | null = null;
  for (let i = 1; i < n; i++) {
    if (uidList[i]! < uidList[i - 1]!) {
      order = Array.from({ length: n }, (_, k) => k).sort((a, b) => uidList[a]! - uidList[b]!);
      break;
    }
  }
  const uids = new Uint32Array(n);
  const modseqs = new Float64Array(n);
  const flagIds = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const k = order ? order[i]! : i;
    uids[i] = uidList[k]!;
    modseqs[i] = modseqList[k]!;
    flagIds[i] = pool.idOf(flagList[k]!);
  }
  return new ColumnTable(uids, modseqs, flagIds, pool);
}

/**
 * The table after some changes: `changed` holds every message whose MODSEQ rose (new ones
 * included) as it is now, `vanished` the UIDs expunged since. Both may name UIDs the table
 * never had (delivered and expunged in between).
 */
export function tableWithChanges(old: FolderMessageTable, pool: FlagSetPool, changed: FolderMessageTable, vanished: readonly number[]): FolderMessageTable {
  const gone = new Set(vanished);
  const n = old.count;
  const m = changed.count;
  const uids = new Uint32Array(n + m);
  const modseqs = new Float64Array(n + m);
  const flagIds = new Uint32Array(n + m);
  let out = 0;
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (j < m && (i >= n || changed.uids[j]! <= old.uids[i]!)) {
      if (i < n && changed.uids[j] === old.uids[i]) i++;
      uids[out] = changed.uids[j]!;
      modseqs[out] = changed.modseqs[j]!;
      flagIds[out] = changed.flagIds[j]!;
      out++;
      j++;
    } else {
      if (!gone.has(old.uids[i]!)) {
        uids[out] = old.uids[i]!;
        modseqs[out] = old.modseqs[i]!;
        flagIds[out] = old.flagIds[i]!;
        out++;
      }
      i++;
    }
  }
  return new ColumnTable(uids.slice(0, out), modseqs.slice(0, out), flagIds.slice(0, out), pool);
}

/** The table as MessageFlags objects (each with its own flags array), for callers that want rows. */
export function tableMessages(table: FolderMessageTable): MessageFlags[] {
  const out = new Array<MessageFlags>(table.count);
  for (let i = 0; i < table.count; i++) {
    out[i] = { uid: table.uids[i]!, modseq: table.modseqs[i]!, flags: [...table.flagSets[table.flagIds[i]!]!] };
  }
  return out;
}
