// What a mailing list is, and the store contract the list code sees (its SQLite implementation
// is mail/store/sqlite/list-store.ts; a scale-out backend implements the same interface).

/** Who may post: members; anyone; members and the listed senders; anyone, held for a moderator. */
export type PostPolicy = 'members' | 'anyone' | 'senders' | 'moderated';
export const POST_POLICIES: readonly PostPolicy[] = ['members', 'anyone', 'senders', 'moderated'];

export interface MailingList {
  /** `team@example.test`, normalised. */
  address: string;
  /** Display name: "Author via NAME" in a rewritten From; the local part when not given. */
  name: string;
  postPolicy: PostPolicy;
  /** "[team]" put in front of Subject (never twice); null: none. */
  subjectPrefix: string | null;
  /** Informed of disabled members and held posts; null: nobody. */
  owner: string | null;
  /** Addresses that may post under the "senders" policy (members always may). */
  senders: string[];
  /** The poster gets their own post too (the conventional default). */
  sendToPoster: boolean;
  createdAt: Date;
}

export type MemberStatus = 'active' | 'pending' | 'disabled';

export interface ListMember {
  id: number;
  list: string;
  address: string;
  status: MemberStatus;
  /** Bounces counted in the current window. */
  bounces: number;
  createdAt: Date;
}

export interface PendingRequest {
  id: number;
  list: string;
  address: string;
  action: 'subscribe' | 'unsubscribe';
  createdAt: Date;
}

export interface HeldPost {
  id: number;
  list: string;
  sender: string;
  author: string;
  subject: string;
  /** UID in the list's Held folder. */
  uid: number;
  receivedAt: Date;
}

export interface NewList {
  address: string;
  name?: string;
  postPolicy?: PostPolicy;
  subjectPrefix?: string | null;
  owner?: string | null;
  senders?: string[];
  sendToPoster?: boolean;
}

export type ListChanges = Partial<Omit<NewList, 'address'>>;

export interface ListStore {
  /** InputError for a bad address or a domain that is not ours; ConflictError when it exists (as a list, user or alias). */
  createList(input: NewList): Promise<MailingList>;
  updateList(address: string, changes: ListChanges): Promise<MailingList>;
  /** NotFoundError('unknown_list'). */
  removeList(address: string): Promise<MailingList>;
  getList(address: string): Promise<MailingList | null>;
  listLists(domain?: string): Promise<MailingList[]>;

  /** Adds (or re-activates) a member; `status` pending for one that must confirm first. */
  addMember(list: string, address: string, status?: MemberStatus): Promise<ListMember>;
  /** NotFoundError('unknown_member'). */
  removeMember(list: string, address: string): Promise<ListMember>;
  getMember(list: string, address: string): Promise<ListMember | null>;
  getMemberById(id: number): Promise<ListMember | null>;
  listMembers(list: string): Promise<ListMember[]>;
  setMemberStatus(list: string, address: string, status: MemberStatus): Promise<ListMember>;
  /**
   * Counts one bounce: a window of `windowMs` starts with the first; `limit` bounces in it
   * disable the member. Returns the member after the count (null: not a member any more).
   */
  recordBounce(memberId: number, now: Date, limit: number, windowMs: number): Promise<{ member: ListMember; disabledNow: boolean } | null>;

  addPending(list: string, address: string, action: PendingRequest['action'], now: Date): Promise<PendingRequest>;
  getPending(id: number): Promise<PendingRequest | null>;
  removePending(id: number): Promise<void>;
  /** Drops requests older than `before`. */
  expirePending(before: Date): Promise<number>;

  addHeld(post: Omit<HeldPost, 'id'>): Promise<HeldPost>;
  getHeld(id: number): Promise<HeldPost | null>;
  listHeld(list?: string): Promise<HeldPost[]>;
  removeHeld(id: number): Promise<void>;

  /** The lists `address` is an active member of (who may read their archives over IMAP). */
  listsWithActiveMember(address: string): Promise<string[]>;
  /** The lists whose archive this account unsubscribed (IMAP UNSUBSCRIBE of the shared folder). */
  archiveUnsubscribed(userId: string): Promise<string[]>;
  /** NotFoundError('unknown_list'). */
  setArchiveSubscribed(list: string, userId: string, subscribed: boolean): Promise<void>;
}

/** The mailbox owner id the list's archive (INBOX) and held posts (Held) live under. */
export function listOwnerId(address: string): string {
  return `list:${address}`;
}

export const HELD_FOLDER = 'Held';
