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
import type { MailboxChange, MailStore, MessageFlags, User } from '../../../store/contracts.js';
import type { ImapContext } from '../context.js';
import type { MailboxView } from '../mailbox-view.js';
import { flagFetchLine, flagsLine, isKeyword, permanentFlagsLine, sameFlags } from './flag-responses.js';

/** Store calls for flags go in batches of this many UIDs. */
export const FLAG_BATCH = 1000;

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
  private uids: number[];
  private readonly known = new Map<number, MessageFlags>();
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
    messages: readonly MessageFlags[],
    readonly shared: SharedSource | null = null,
  ) {
    this.name = name;
    this.ownerId = shared?.ownerId ?? user.id;
    this.info = info;
    this.latestModseq = info.highestModseq;
    this.uids = messages.map((m) => m.uid);
    for (const m of messages) {
      this.known.set(m.uid, m);
      this.noteKeywords(m.flags);
    }
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
    }, snapshot.messages, shared);
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
    return this.uids.length;
  }

  /** The folder was deleted by another session. */
  get gone(): boolean {
    return this.deleted;
  }

  /** UIDs in sequence order (index + 1 is the sequence number). Do not modify. */
  get allUids(): readonly number[] {
    return this.uids;
  }

  get maxUid(): number {
    return this.uids.length > 0 ? this.uids[this.uids.length - 1]! : 0;
  }

  uidAt(seq: number): number | undefined {
    return this.uids[seq - 1];
  }

  /** Index in `allUids` of the first UID >= uid. */
  lowerBound(uid: number): number {
    let lo = 0;
    let hi = this.uids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.uids[mid]! < uid) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Sequence number of a UID in the view, or 0. */
  seqOf(uid: number): number {
    const i = this.lowerBound(uid);
    return this.uids[i] === uid ? i + 1 : 0;
  }

  /** Flags and MODSEQ as the client was last told. */
  flagsOf(uid: number): MessageFlags | undefined {
    return this.known.get(uid);
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
  async currentFlags(uids: readonly number[]): Promise<((uid: number) => MessageFlags | undefined) | null> {
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
    if (stale.length === 0) return (uid) => this.known.get(uid);
    stale.sort((a, b) => a - b);
    const fresh = new Map<number, MessageFlags | undefined>(stale.map((uid) => [uid, undefined]));
    for (let i = 0; i < stale.length; i += FLAG_BATCH) {
      for (const row of await this.store.messageFlags(this.ownerId, this.name, stale.slice(i, i + FLAG_BATCH))) fresh.set(row.uid, row);
    }
    // A rename heard while we waited: what was read may be from the old name's lookup.
    if (this.checkFolder || this.deleted || this.closed) return null;
    return (uid) => (fresh.has(uid) ? fresh.get(uid) : this.known.get(uid));
  }

  /** Sequence number of the first message without \Seen, or 0. */
  firstUnseen(): number {
    for (let i = 0; i < this.uids.length; i++) {
      if (!this.known.get(this.uids[i]!)?.flags.includes('\\Seen')) return i + 1;
    }
    return 0;
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
      if (!this.known.has(m.uid)) continue;
      const k = this.known.get(m.uid)!;
      // FETCH answered from the view's own copy: nothing new to remember (its keywords and
      // MODSEQ were noted when it was stored).
      if (m === k || m.modseq < k.modseq) continue;
      this.known.set(m.uid, { uid: m.uid, modseq: m.modseq, flags: [...m.flags] });
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
    for (const uid of this.pendingExpunge) if (this.known.has(uid)) gone.push(uid);
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
    const removed = new Set(gone);
    this.uids = this.uids.filter((u) => !removed.has(u));
    for (const uid of gone) {
      this.known.delete(uid);
      this.pendingFlags.delete(uid);
    }
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
      this.uids.push(row.uid);
      this.known.set(row.uid, row);
      if (this.noteKeywords(row.flags)) newKeyword = true;
      if (row.modseq > this.latestModseq) this.latestModseq = row.modseq;
    }
    if (this.maxUid >= this.info.uidNext) this.info.uidNext = this.maxUid + 1;
    if (rows.length === 0) return '';
    return (newKeyword ? this.flagsAnnouncement() : '') + `* ${this.uids.length} EXISTS\r\n`;
  }

  private async flagChangeLines(): Promise<string> {
    if (this.pendingFlags.size === 0) return '';
    const candidates = [...this.pendingFlags].filter((u) => this.known.has(u)).sort((a, b) => a - b);
    this.pendingFlags.clear();
    const condstore = this.session.condstore;
    const lines: string[] = [];
    let newKeyword = false;
    for (let i = 0; i < candidates.length; i += FLAG_BATCH) {
      const rows = await this.store.messageFlags(this.ownerId, this.name, candidates.slice(i, i + FLAG_BATCH));
      for (const row of rows) {
        const told = this.known.get(row.uid);
        if (!told) continue;
        if (row.modseq <= told.modseq && sameFlags(row.flags, told.flags)) continue;
        this.known.set(row.uid, row);
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
      else if ((this.known.get(row.uid)?.modseq ?? Infinity) < row.modseq) this.pendingFlags.add(row.uid);
    }
    for (const uid of this.uids) if (!present.has(uid)) this.pendingExpunge.add(uid);
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
