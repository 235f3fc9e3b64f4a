// What the session engine needs of a selected folder. The implementation (SelectedMailbox, in
// selected/) keeps the sequence-number to UID map and the changes other sessions made that this
// client has not been told of yet; the engine only asks it to flush them at the right moments.

export interface MailboxView {
  /** Folder name as stored ("INBOX", "Archive/2024"). */
  readonly folder: string;
  /** Opened by EXAMINE (or SELECT of a folder the user may not change). */
  readonly readOnly: boolean;
  /**
   * Untagged responses (EXISTS, EXPUNGE or VANISHED, FETCH FLAGS, HIGHESTMODSEQ) for changes not
   * yet told, with the view updated to match. `allowExpunge` is false after FETCH, STORE and
   * SEARCH (RFC 9051 section 7.5.1: no EXPUNGE while sequence numbers may be in use); the
   * expunges then wait for a later command.
   */
  takeUpdates(allowExpunge: boolean): Promise<Buffer[]>;
  /** True when takeUpdates() would return something (IDLE wakes on this). */
  hasUpdates(): boolean;
  /** Called whenever new changes arrive; IDLE sets it, everyone else leaves it null. */
  onUpdate: (() => void) | null;
  /** Stops listening for changes (on UNSELECT, CLOSE, another SELECT, LOGOUT, disconnect). */
  close(): void;
}
