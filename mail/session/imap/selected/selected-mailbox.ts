// One session's view of its selected folder (RFC 9051 sections 2.3.1, 5.2, 7.4): the UIDs in
// sequence-number order, the flags and MODSEQ the client was last told for each, and the changes
// other sessions (and this one) made that the client has not been told yet.
//
// How it stays right:
// - The store's change feed only marks UIDs as pending ('exists', 'flags', 'expunge'); the
//   view itself changes only in takeUpdates() (or when this session expunges), so sequence
//   numbers never move under a running command.
// - Expunged messages stay in the view until an EXPUNGE (or VANISHED) may be sent; while they
//   wait, EXISTS counts them, so numbers the client holds stay valid (RFC 9051 7.5.1).
// - Flag changes are reported when the store's MODSEQ for a message is above the one the client
//   was told. Whatever this session itself tells the client (STORE's FETCH responses, FETCH
//   FLAGS) is recorded, so its own changes are not reported twice.
// - A folder renamed by another session is followed (its MAILBOXID does not change). A folder
//   deleted by another session ends the selection: the next update says `* OK [CLOSED]` and the
//   session is back in the authenticated state.

import { compressNumbers, formatUntaggedStatus } from '../../../protocol/imap/index.js';
import type { FolderMessageTable, MailboxChange, MailStore, MessageFlags, User } from '../../../store/contracts.js';
import type { ImapContext } from '../context.js';
import type { MailboxView } from '../mailbox-view.js';
import { flagFetchLine, flagsLine, isKeyword, permanentFlagsLine, sameFlags } from './flag-responses.js';
import { MessageMap } from './message-map.js';

/** Store calls for flags go in batches of this many UIDs. */
export const FLAG_BATCH = 1000;

/** Flags as they are now (currentFlags). */
export interface FlagLookup {
  /** A message's flags and MODSEQ; undefined when it is gone. `seq` spares a search when known. */
  get(uid: number, seq?: number): MessageFlags | undefined;
  /** UIDs read from the store just now: only these can tell the client something the view has not recorded. */
  fromStore: ReadonlySet<number>;
}

export interface FolderInfo {
  mailboxId: string;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
}

/**
 * A folder of another owner this session reads (shared-folders.ts): the store calls go to
 * `ownerId`, the client sees `displayName`. Such a view is always read-only.
 */
export interface SharedSource {
  ownerId: string;
  displayName: string;
}

/** What the view needs of the session: what is enabled now, and how to leave the selected state. */
export type MailboxSession = Pick<ImapContext, 'enabled' | 'condstore' | 'state' | 'setState' | 'log'>;

function sameFolderName(a: string, b: string): boolean {
  return a === b || (a.toUpperCase() === 'INBOX' && b.toUpperCase() === 'INBOX');
}

export class SelectedMailbox implements MailboxView {
  onUpdate: (() => void) | null = null;
  /** UIDs saved by SEARCH ... RETURN (SAVE) (RFC 5182 `$`); reset by every SELECT. */
  savedUids: number[] = [];

  private name: string;
  /** Whose folder it is in the store: the session's account, or a shared folder's owner. */
  private readonly ownerId: string;
  private readonly info: FolderInfo;
  /** Sequence numbers to UIDs and the flags last told, over the store's shared table. */
  private readonly map: MessageMap;
  private readonly keywords = new Set<string>();
  private readonly keywordKeys = new Set<string>();
  private readonly pendingNew = new Set<number>();
  private readonly pendingFlags = new Set<number>();
  private readonly pendingExpunge = new Set<number>();
  private checkFolder = false;
  private latestModseq: number;
  private deleted = false;
  private closed = false;
  private unsubscribe: (() => void) | null = null;
  private updating: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: MailStore,
    private readonly session: MailboxSession,
    readonly user: User,
    readonly readOnly: boolean,
    name: string,
    info: FolderInfo,
    table: FolderMessageTable,
    readonly shared: SharedSource | null = null,
  ) {
    this.name = name;
    this.ownerId = shared?.ownerId ?? user.id;
    this.info = info;
    this.latestModseq = info.highestModseq;
    this.map = new MessageMap(table);
    this.noteKeywords(table.keywords);
  }

  /**
   * Opens the view: subscribes first, then reads the folder, so that no change falls between
   * the snapshot and the subscription (changes already in the snapshot are recognised and
   * dropped). Null when there is no such folder.
   */
  static async open(store: MailStore, session: MailboxSession, user: User, name: string, readOnly: boolean, shared: SharedSource | null = null): Promise<SelectedMailbox | null> {
    const early: MailboxChange[] = [];
    let view: SelectedMailbox | null = null;
    const ownerId = shared?.ownerId ?? user.id;
    const unsubscribe = store.subscribe(ownerId, (change) => {
      if (view) view.onChange(change);
      else early.push(change);
    });
    let snapshot;
    try {
      snapshot = await store.openFolder(ownerId, name);
    } catch (err) {
      unsubscribe();
      throw err;
    }
    if (!snapshot) {
      unsubscribe();
      return null;
    }
    const f = snapshot.folder;
    view = new SelectedMailbox(store, session, user, readOnly || shared !== null, f.name, {
      mailboxId: f.mailboxId, uidValidity: f.uidValidity, uidNext: f.uidNext, highestModseq: f.highestModseq,
    }, snapshot.table, shared);
    view.unsubscribe = unsubscribe;
    for (const change of early) view.onChange(change);
    return view;
  }

  /** The folder's name in the store (under `userId`). */
  get folder(): string {
    return this.name;
  }

  /** The name the client knows the folder by ("Shared/team@example.com" for a shared one). */
  get displayName(): string {
    return this.shared?.displayName ?? this.name;
  }

  /** The owner id the store keeps the folder under (not always the session's account: see `user`). */
  get userId(): string {
    return this.ownerId;
  }

  get mailboxId(): string {
    return this.info.mailboxId;
  }

  get uidValidity(): number {
    return this.info.uidValidity;
  }

  get uidNext(): number {
    return this.info.uidNext;
  }

  /** HIGHESTMODSEQ of the snapshot the view was opened from (what SELECT reports). */
  get openedModseq(): number {
    return this.info.highestModseq;
  }

  /** The highest MODSEQ this view has heard of (folder's at SELECT, then from changes). */
  get highestModseq(): number {
    return this.latestModseq;
  }

  /** Messages in the view (EXISTS as last told). */
  get count(): number {
    return this.map.count;
  }

  /** The folder was deleted by another session. */
  get gone(): boolean {
    return this.deleted;
  }

  /** UIDs in sequence order (index + 1 is the sequence number). Valid until the next update; do not modify. */
  get allUids(): Uint32Array {
    return this.map.all;
  }

  get maxUid(): number {
    return this.map.maxUid;
  }

  uidAt(seq: number): number | undefined {
    return this.map.uidAt(seq);
  }

  /** Index in `allUids` of the first UID >= uid. */
  lowerBound(uid: number): number {
    return this.map.lowerBound(uid);
  }

  /** Sequence number of a UID in the view, or 0. */
  seqOf(uid: number): number {
    return this.map.seqOf(uid);
  }

  /** Flags and MODSEQ as the client was last told. */
  flagsOf(uid: number): MessageFlags | undefined {
    return this.map.flagsOf(uid);
  }

  /** Flags and MODSEQ as the client was last told, of the message with this sequence number. */
  flagsAtSeq(seq: number): MessageFlags | undefined {
    return seq >= 1 && seq <= this.map.count ? this.map.flagsAt(seq - 1) : undefined;
  }

  /**
   * Flags and MODSEQ as the store has them now, for some UIDs of the view (ascending), without
   * reading the whole set: the view's own copy is current except for the UIDs the change feed
   * marked since (flag changes, expunges), and only those are read from the store. A lookup
   * gives undefined for a message that is gone. Null when the view cannot vouch for its copy
   * (a folder change is not yet followed: changes under a new name were not heard), and the
   * caller must read the store.
   *
   * This relies on the store publishing each change before the call that made it returns (the
   * in-process change feed does); a store whose feed lags must not be given this path.
   */
  async currentFlags(uids: readonly number[]): Promise<FlagLookup | null> {
    if (this.checkFolder || this.deleted || this.closed) return null;
    const inSet = (uid: number): boolean => {
      let lo = 0;
      let hi = uids.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (uids[mid]! < uid) lo = mid + 1;
        else hi = mid;
      }
      return uids[lo] === uid;
    };
    const stale: number[] = [];
    for (const uid of this.pendingFlags) if (inSet(uid)) stale.push(uid);
    for (const uid of this.pendingExpunge) if (!this.pendingFlags.has(uid) && inSet(uid)) stale.push(uid);
    // With the sequence number at hand (FETCH has it) the told flags need no search.
    const told = (uid: number, seq?: number): MessageFlags | undefined =>
      (seq !== undefined && this.map.uidAt(seq) === uid ? this.map.flagsAt(seq - 1) : this.map.flagsOf(uid));
    if (stale.length === 0) return { get: told, fromStore: new Set() };
    stale.sort((a, b) => a - b);
    const fresh = new Map<number, MessageFlags | undefined>(stale.map((uid) => [uid, undefined]));
    for (let i = 0; i < stale.length; i += FLAG_BATCH) {
      for (const row of await this.store.messageFlags(this.ownerId, this.name, stale.slice(i, i + FLAG_BATCH))) fresh.set(row.uid, row);
    }
    // A rename heard while we waited: what was read may be from the old name's lookup.
    if (this.checkFolder || this.deleted || this.closed) return null;
    return { get: (uid, seq) => (fresh.has(uid) ? fresh.get(uid) : told(uid, seq)), fromStore: new Set(fresh.keys()) };
  }

  /** Sequence number of the first message without \Seen, or 0. */
  firstUnseen(): number {
    return this.map.firstUnseen();
  }

  keywordList(): string[] {
    return [...this.keywords];
  }

  /**
   * The client was told these flags (FETCH FLAGS, STORE): remember them so the same change is
   * not reported again. Returns `* FLAGS` (and PERMANENTFLAGS) lines when they bring new
   * keywords, to be sent before the FETCH responses that use them.
   */
  recordTold(messages: Iterable<MessageFlags>): string {
    let newKeyword = false;
    for (const m of messages) {
      const k = this.map.flagsOf(m.uid);
      if (!k) continue;
      // FETCH answered from the view's own copy: nothing new to remember (its keywords and
      // MODSEQ were noted when it was stored).
      if (m === k || m.modseq < k.modseq || (m.modseq === k.modseq && (m.flags === k.flags || sameFlags(m.flags, k.flags)))) continue;
      this.map.setTold({ uid: m.uid, modseq: m.modseq, flags: [...m.flags] });
      if (this.noteKeywords(m.flags)) newKeyword = true;
      if (m.modseq > this.latestModseq) this.latestModseq = m.modseq;
    }
    return newKeyword ? this.flagsAnnouncement() : '';
  }

  /** This session expunged (or moved away) these UIDs: report them at the next update. */
  noteExpunged(uids: Iterable<number>): void {
    for (const uid of uids) this.pendingExpunge.add(uid);
  }

  hasUpdates(): boolean {
    return this.pendingNew.size > 0 || this.pendingFlags.size > 0 || this.pendingExpunge.size > 0 || this.checkFolder;
  }

  takeUpdates(allowExpunge: boolean): Promise<Buffer[]> {
    // IDLE may ask again while a previous call still waits on the store: one at a time.
    const run = this.updating.then(() => this.collect(allowExpunge));
    this.updating = run.catch(() => undefined);
    return run;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onUpdate = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private onChange(change: MailboxChange): void {
    if (this.closed) return;
    if (change.kind === 'folder') {
      // Rename and delete may name a parent of this folder: check on every folder change.
      this.checkFolder = true;
    } else {
      if (!sameFolderName(change.folder, this.name)) return;
      const into = change.kind === 'exists' ? this.pendingNew : change.kind === 'flags' ? this.pendingFlags : this.pendingExpunge;
      for (const uid of change.uids) into.add(uid);
      if (change.modseq > this.latestModseq) this.latestModseq = change.modseq;
    }
    this.onUpdate?.();
  }

  private noteKeywords(flags: readonly string[]): boolean {
    let added = false;
    for (const f of flags) {
      if (!isKeyword(f)) continue;
      const key = f.toUpperCase();
      if (this.keywordKeys.has(key)) continue;
      this.keywordKeys.add(key);
      this.keywords.add(f);
      added = true;
    }
    return added;
  }

  private flagsAnnouncement(): string {
    const words = this.keywordList();
    return flagsLine(words) + (this.readOnly ? '' : permanentFlagsLine(words, false));
  }

  private async collect(allowExpunge: boolean): Promise<Buffer[]> {
    if (this.closed) return [];
    if (this.checkFolder) {
      this.checkFolder = false;
      await this.followFolder();
    }
    if (this.deleted) return this.endSelection();
    const modseqBefore = this.latestModseq;
    let out = '';
    let reportedExpunge = false;
    if (allowExpunge && this.pendingExpunge.size > 0) {
      const text = this.expungeLines();
      reportedExpunge = text !== '';
      out += text;
    }
    out += await this.newMessageLines();
    out += await this.flagChangeLines();
    // VANISHED and EXPUNGE carry no MODSEQ: a CONDSTORE client learns the new HIGHESTMODSEQ here
    // (the value from before this flush: later changes may still be on their way).
    if (reportedExpunge && this.session.condstore && this.pendingExpunge.size === 0) {
      out += `* OK [HIGHESTMODSEQ ${modseqBefore}] Highest\r\n`;
    }
    return out === '' ? [] : [Buffer.from(out, 'utf8')];
  }

  /** `* n EXPUNGE` in the RFC 9051 example's order (each number as it is at that moment), or VANISHED. */
  private expungeLines(): string {
    const gone: number[] = [];
    for (const uid of this.pendingExpunge) if (this.map.seqOf(uid) > 0) gone.push(uid);
    // UIDs not in the view are either not told yet (pendingNew: they will not be added, since
    // the store no longer has them) or already reported.
    this.pendingExpunge.clear();
    if (gone.length === 0) return '';
    gone.sort((a, b) => a - b);
    let text = '';
    if (this.session.enabled.has('QRESYNC')) {
      text = `* VANISHED ${compressNumbers(gone)}\r\n`;
    } else {
      const lines: string[] = [];
      gone.forEach((uid, i) => lines.push(`* ${this.seqOf(uid) - i} EXPUNGE\r\n`));
      text = lines.join('');
    }
    this.map.remove(new Set(gone));
    for (const uid of gone) this.pendingFlags.delete(uid);
    return text;
  }

  private async newMessageLines(): Promise<string> {
    if (this.pendingNew.size === 0) return '';
    const max = this.maxUid;
    const candidates = [...this.pendingNew].filter((u) => u > max).sort((a, b) => a - b);
    this.pendingNew.clear();
    if (candidates.length === 0) return '';
    const rows: MessageFlags[] = [];
    for (let i = 0; i < candidates.length; i += FLAG_BATCH) {
      rows.push(...await this.store.messageFlags(this.ownerId, this.name, candidates.slice(i, i + FLAG_BATCH)));
    }
    let newKeyword = false;
    for (const row of rows) {
      if (row.uid <= this.maxUid) continue;
      this.map.append(row);
      if (this.noteKeywords(row.flags)) newKeyword = true;
      if (row.modseq > this.latestModseq) this.latestModseq = row.modseq;
    }
    if (this.maxUid >= this.info.uidNext) this.info.uidNext = this.maxUid + 1;
    if (rows.length === 0) return '';
    return (newKeyword ? this.flagsAnnouncement() : '') + `* ${this.map.count} EXISTS\r\n`;
  }

  private async flagChangeLines(): Promise<string> {
    if (this.pendingFlags.size === 0) return '';
    const candidates = [...this.pendingFlags].filter((u) => this.map.seqOf(u) > 0).sort((a, b) => a - b);
    this.pendingFlags.clear();
    const condstore = this.session.condstore;
    const lines: string[] = [];
    let newKeyword = false;
    for (let i = 0; i < candidates.length; i += FLAG_BATCH) {
      const rows = await this.store.messageFlags(this.ownerId, this.name, candidates.slice(i, i + FLAG_BATCH));
      for (const row of rows) {
        const told = this.map.flagsOf(row.uid);
        if (!told) continue;
        if (row.modseq <= told.modseq && sameFlags(row.flags, told.flags)) continue;
        this.map.setTold(row);
        if (this.noteKeywords(row.flags)) newKeyword = true;
        if (row.modseq > this.latestModseq) this.latestModseq = row.modseq;
        // RFC 7162 3.1.4: once CONDSTORE is on, every unsolicited FETCH carries UID and MODSEQ.
        lines.push(flagFetchLine(this.seqOf(row.uid), row, { uid: true, modseq: condstore }));
      }
    }
    return (newKeyword ? this.flagsAnnouncement() : '') + lines.join('');
  }

  /** Checks the folder is still there under its name; follows a rename, notices a delete. */
  private async followFolder(): Promise<void> {
    const same = await this.store.getFolder(this.ownerId, this.name);
    if (same && same.mailboxId === this.info.mailboxId) return;
    const all = await this.store.listFolders(this.ownerId);
    const moved = all.find((f) => f.mailboxId === this.info.mailboxId);
    if (!moved) {
      this.deleted = true;
      return;
    }
    this.name = moved.name;
    await this.resync();
  }

  /**
   * After a rename, changes published under the new name before we knew it were dropped by the
   * name filter: compare the whole folder with the view instead (renames are rare).
   */
  private async resync(): Promise<void> {
    const rows = await this.store.messageFlags(this.ownerId, this.name);
    const present = new Set<number>();
    const max = this.maxUid;
    for (const row of rows) {
      present.add(row.uid);
      if (row.uid > max) this.pendingNew.add(row.uid);
      else if ((this.map.flagsOf(row.uid)?.modseq ?? Infinity) < row.modseq) this.pendingFlags.add(row.uid);
    }
    for (const uid of this.map.all) if (!present.has(uid)) this.pendingExpunge.add(uid);
  }

  /** The folder is gone: say so once and drop back to the authenticated state. */
  private endSelection(): Buffer[] {
    const state = this.session.state;
    this.close();
    if (state.kind === 'selected' && state.mailbox === this) {
      this.session.setState({ kind: 'authenticated', user: state.user });
    }
    this.session.log.info('selected mailbox deleted by another session', { folder: this.name });
    return [formatUntaggedStatus('OK', 'Mailbox was deleted, no mailbox is selected now', 'CLOSED')];
  }
}
