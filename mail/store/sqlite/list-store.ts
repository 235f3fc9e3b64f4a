// Mailing lists in the embedded database: lists, their members (with bounce counts), pending
// subscription requests awaiting confirmation and posts held for a moderator. The held posts'
// bodies are messages in the list's own mailbox (folder Held, owner id list:ADDRESS); only their
// index is here.

import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';
import { migrateLists } from './list-schema.js';
import { directoryGeneration, GenerationCache } from './directory-generation.js';
import { normalizeAddress, parseAddress } from '../../../core/address.js';
import { ConflictError, InputError, NotFoundError } from '../../../core/errors.js';
import type { Logger } from '../../../core/log.js';
import {
  POST_POLICIES, type HeldPost, type ListChanges, type ListMember, type ListStore, type MailingList, type MemberStatus,
  type NewList, type PendingRequest, type PostPolicy,
} from '../../lists/list-types.js';
import { LIST_ROLE_SUFFIXES } from '../../lists/list-addresses.js';

interface ListRow { address: string; name: string; post_policy: string; subject_prefix: string | null; owner: string | null; send_to_poster: number; created_at: number }
interface MemberRow { id: number; list: string; address: string; status: string; bounces: number; first_bounce_at: number | null; created_at: number }
interface PendingRow { id: number; list: string; address: string; action: string; created_at: number }
interface HeldRow { id: number; list: string; sender: string; author: string; subject: string; uid: number; received_at: number }

const MAX_PREFIX = 40;
const MAX_NAME = 80;

export class SqliteListStore implements ListStore {
  private readonly statements = new Map<string, Statement>();
  private readonly lists: GenerationCache<MailingList | null>;

  constructor(private readonly options: { db: Db; logger: Logger }) {
    migrateLists(options.db);
    this.lists = new GenerationCache(directoryGeneration(options.db));
  }

  async createList(input: NewList): Promise<MailingList> {
    const address = this.parseListAddress(input.address);
    const local = address.slice(0, address.lastIndexOf('@'));
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const values = this.checkChanges({ name: input.name ?? local, postPolicy: input.postPolicy ?? 'members', subjectPrefix: input.subjectPrefix ?? null, owner: input.owner ?? null, senders: input.senders ?? [], sendToPoster: input.sendToPoster ?? true });
    this.options.db.transaction(() => {
      if (!this.sql('SELECT 1 FROM domains WHERE name = ?').get(domain)) throw new InputError('unknown_domain', `${domain} is not one of this server's domains; add it first`);
      if (this.sql('SELECT 1 FROM lists WHERE address = ?').get(address)) throw new ConflictError('list_exists', `list ${address} exists already`);
      // The list and its request addresses must not shadow a mailbox (or be shadowed by one).
      for (const a of [address, ...LIST_ROLE_SUFFIXES.map((s) => `${local}-${s}@${domain}`)]) {
        if (this.sql('SELECT 1 FROM users WHERE address = ?').get(a)) throw new ConflictError('address_taken', `${a} is a user; a list cannot take it`);
        if (this.sql('SELECT 1 FROM aliases WHERE address = ?').get(a)) throw new ConflictError('address_taken', `${a} is an alias; a list cannot take it`);
      }
      this.sql('INSERT INTO lists (address, domain, name, post_policy, subject_prefix, owner, send_to_poster, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(address, domain, values.name!, values.postPolicy!, values.subjectPrefix ?? null, values.owner ?? null, values.sendToPoster === false ? 0 : 1, Date.now());
      this.writeSenders(address, values.senders ?? []);
    }).immediate();
    this.options.logger.info('list created', { list: address, policy: values.postPolicy });
    return (await this.getList(address))!;
  }

  async updateList(address: string, changes: ListChanges): Promise<MailingList> {
    const key = this.parseListAddress(address);
    const values = this.checkChanges(changes);
    this.options.db.transaction(() => {
      if (!this.sql('SELECT 1 FROM lists WHERE address = ?').get(key)) throw new NotFoundError('unknown_list', `no list ${key}`);
      if (values.name !== undefined) this.sql('UPDATE lists SET name = ? WHERE address = ?').run(values.name, key);
      if (values.postPolicy !== undefined) this.sql('UPDATE lists SET post_policy = ? WHERE address = ?').run(values.postPolicy, key);
      if (values.subjectPrefix !== undefined) this.sql('UPDATE lists SET subject_prefix = ? WHERE address = ?').run(values.subjectPrefix, key);
      if (values.owner !== undefined) this.sql('UPDATE lists SET owner = ? WHERE address = ?').run(values.owner, key);
      if (values.sendToPoster !== undefined) this.sql('UPDATE lists SET send_to_poster = ? WHERE address = ?').run(values.sendToPoster ? 1 : 0, key);
      if (values.senders !== undefined) this.writeSenders(key, values.senders);
    }).immediate();
    return (await this.getList(key))!;
  }

  async removeList(address: string): Promise<MailingList> {
    const key = this.parseListAddress(address);
    const list = await this.getList(key);
    if (!list) throw new NotFoundError('unknown_list', `no list ${key}`);
    this.options.db.transaction(() => {
      for (const table of ['list_senders', 'list_members', 'list_pending', 'list_held', 'list_archive_unsubscribed']) this.sql(`DELETE FROM ${table} WHERE list = ?`).run(key);
      this.sql('DELETE FROM lists WHERE address = ?').run(key);
    }).immediate();
    this.options.logger.info('list removed', { list: key });
    return list;
  }

  async getList(address: string): Promise<MailingList | null> {
    const key = normalizeAddress(address);
    if (!key) return null;
    // Asked for every RCPT TO: kept until the directory (lists included) changes.
    return this.lists.get(key, () => {
      const row = this.sql('SELECT * FROM lists WHERE address = ?').get(key) as ListRow | undefined;
      return row ? this.toList(row) : null;
    });
  }

  async listLists(domain?: string): Promise<MailingList[]> {
    const rows = (domain === undefined
      ? this.sql('SELECT * FROM lists ORDER BY address').all()
      : this.sql('SELECT * FROM lists WHERE domain = ? ORDER BY address').all(domain.trim().toLowerCase())) as ListRow[];
    return rows.map((r) => this.toList(r));
  }

  async addMember(list: string, address: string, status: MemberStatus = 'active'): Promise<ListMember> {
    const key = this.requireList(list);
    const member = normalizeAddress(address);
    if (!member) throw new InputError('invalid_address', `invalid member address: ${JSON.stringify(address)}`);
    if (member === key) throw new InputError('invalid_address', 'a list cannot be a member of itself');
    this.sql(`INSERT INTO list_members (list, address, status, bounces, first_bounce_at, created_at) VALUES (?, ?, ?, 0, NULL, ?)
      ON CONFLICT(list, address) DO UPDATE SET status = CASE WHEN list_members.status = 'active' THEN 'active' ELSE excluded.status END, bounces = 0, first_bounce_at = NULL`)
      .run(key, member, status, Date.now());
    this.options.logger.info('list member added', { list: key, member, status });
    return (await this.getMember(key, member))!;
  }

  async removeMember(list: string, address: string): Promise<ListMember> {
    const key = this.requireList(list);
    const member = normalizeAddress(address) ?? address.trim().toLowerCase();
    const existing = await this.getMember(key, member);
    if (!existing) throw new NotFoundError('unknown_member', `${member} is not a member of ${key}`);
    this.sql('DELETE FROM list_members WHERE id = ?').run(existing.id);
    this.options.logger.info('list member removed', { list: key, member });
    return existing;
  }

  async getMember(list: string, address: string): Promise<ListMember | null> {
    const row = this.sql('SELECT * FROM list_members WHERE list = ? AND address = ?').get(list.trim().toLowerCase(), address.trim().toLowerCase()) as MemberRow | undefined;
    return row ? toMember(row) : null;
  }

  async getMemberById(id: number): Promise<ListMember | null> {
    const row = this.sql('SELECT * FROM list_members WHERE id = ?').get(id) as MemberRow | undefined;
    return row ? toMember(row) : null;
  }

  async listMembers(list: string): Promise<ListMember[]> {
    const key = this.requireList(list);
    return (this.sql('SELECT * FROM list_members WHERE list = ? ORDER BY address').all(key) as MemberRow[]).map(toMember);
  }

  async setMemberStatus(list: string, address: string, status: MemberStatus): Promise<ListMember> {
    const key = this.requireList(list);
    const member = await this.getMember(key, address);
    if (!member) throw new NotFoundError('unknown_member', `${address} is not a member of ${key}`);
    this.sql('UPDATE list_members SET status = ?, bounces = CASE WHEN ? = \'active\' THEN 0 ELSE bounces END, first_bounce_at = CASE WHEN ? = \'active\' THEN NULL ELSE first_bounce_at END WHERE id = ?')
      .run(status, status, status, member.id);
    return (await this.getMemberById(member.id))!;
  }

  async recordBounce(memberId: number, now: Date, limit: number, windowMs: number): Promise<{ member: ListMember; disabledNow: boolean } | null> {
    return this.options.db.transaction(() => {
      const row = this.sql('SELECT * FROM list_members WHERE id = ?').get(memberId) as MemberRow | undefined;
      if (!row) return null;
      const t = now.getTime();
      const fresh = row.first_bounce_at === null || t - row.first_bounce_at > windowMs;
      const bounces = fresh ? 1 : row.bounces + 1;
      const disabledNow = row.status === 'active' && bounces >= limit;
      this.sql('UPDATE list_members SET bounces = ?, first_bounce_at = ?, status = ? WHERE id = ?')
        .run(bounces, fresh ? t : row.first_bounce_at, disabledNow ? 'disabled' : row.status, memberId);
      return { member: toMember({ ...row, bounces, status: disabledNow ? 'disabled' : row.status }), disabledNow };
    }).immediate();
  }

  async addPending(list: string, address: string, action: PendingRequest['action'], now: Date): Promise<PendingRequest> {
    const key = this.requireList(list);
    const member = normalizeAddress(address);
    if (!member) throw new InputError('invalid_address', `invalid address: ${JSON.stringify(address)}`);
    const info = this.sql('INSERT INTO list_pending (list, address, action, created_at) VALUES (?, ?, ?, ?)').run(key, member, action, now.getTime());
    return { id: Number(info.lastInsertRowid), list: key, address: member, action, createdAt: now };
  }

  async getPending(id: number): Promise<PendingRequest | null> {
    const row = this.sql('SELECT * FROM list_pending WHERE id = ?').get(id) as PendingRow | undefined;
    return row ? { id: row.id, list: row.list, address: row.address, action: row.action as PendingRequest['action'], createdAt: new Date(row.created_at) } : null;
  }

  async removePending(id: number): Promise<void> {
    this.sql('DELETE FROM list_pending WHERE id = ?').run(id);
  }

  async expirePending(before: Date): Promise<number> {
    return this.sql('DELETE FROM list_pending WHERE created_at < ?').run(before.getTime()).changes;
  }

  async addHeld(post: Omit<HeldPost, 'id'>): Promise<HeldPost> {
    const info = this.sql('INSERT INTO list_held (list, sender, author, subject, uid, received_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(post.list, post.sender, post.author, post.subject, post.uid, post.receivedAt.getTime());
    return { ...post, id: Number(info.lastInsertRowid) };
  }

  async getHeld(id: number): Promise<HeldPost | null> {
    const row = this.sql('SELECT * FROM list_held WHERE id = ?').get(id) as HeldRow | undefined;
    return row ? toHeld(row) : null;
  }

  async listHeld(list?: string): Promise<HeldPost[]> {
    const rows = (list === undefined
      ? this.sql('SELECT * FROM list_held ORDER BY id').all()
      : this.sql('SELECT * FROM list_held WHERE list = ? ORDER BY id').all(list.trim().toLowerCase())) as HeldRow[];
    return rows.map(toHeld);
  }

  async removeHeld(id: number): Promise<void> {
    this.sql('DELETE FROM list_held WHERE id = ?').run(id);
  }

  async listsWithActiveMember(address: string): Promise<string[]> {
    const member = normalizeAddress(address) ?? address.trim().toLowerCase();
    return (this.sql("SELECT list FROM list_members WHERE address = ? AND status = 'active' ORDER BY list").all(member) as { list: string }[]).map((r) => r.list);
  }

  async archiveUnsubscribed(userId: string): Promise<string[]> {
    return (this.sql('SELECT list FROM list_archive_unsubscribed WHERE user_id = ? ORDER BY list').all(userId) as { list: string }[]).map((r) => r.list);
  }

  async setArchiveSubscribed(list: string, userId: string, subscribed: boolean): Promise<void> {
    const key = this.requireList(list);
    if (subscribed) this.sql('DELETE FROM list_archive_unsubscribed WHERE list = ? AND user_id = ?').run(key, userId);
    else this.sql('INSERT OR IGNORE INTO list_archive_unsubscribed (list, user_id) VALUES (?, ?)').run(key, userId);
  }

  private requireList(list: string): string {
    const key = normalizeAddress(list);
    if (!key || !this.sql('SELECT 1 FROM lists WHERE address = ?').get(key)) throw new NotFoundError('unknown_list', `no list ${key ?? list}`);
    return key;
  }

  private parseListAddress(address: string): string {
    const parsed = parseAddress(address);
    if (!parsed) throw new InputError('invalid_address', `invalid list address: ${JSON.stringify(address)}`);
    if (parsed.local.includes('+')) throw new InputError('invalid_address', 'a list address cannot contain "+" (it separates the tags of the request addresses)');
    return parsed.address;
  }

  private checkChanges(changes: ListChanges): ListChanges {
    const out: ListChanges = {};
    if (changes.name !== undefined) {
      const name = changes.name.trim();
      if (!name || name.length > MAX_NAME || /[\r\n"<>\\]/.test(name)) throw new InputError('invalid_name', `a list name has 1 to ${MAX_NAME} characters, without quotes, angle brackets or line breaks`);
      out.name = name;
    }
    if (changes.postPolicy !== undefined) {
      if (!POST_POLICIES.includes(changes.postPolicy)) throw new InputError('invalid_policy', `post policy must be one of ${POST_POLICIES.join(', ')}`);
      out.postPolicy = changes.postPolicy as PostPolicy;
    }
    if (changes.subjectPrefix !== undefined) {
      const p = changes.subjectPrefix === null ? '' : changes.subjectPrefix.trim();
      if (p.length > MAX_PREFIX || /[\r\n]/.test(p)) throw new InputError('invalid_prefix', `a subject prefix has at most ${MAX_PREFIX} characters on one line`);
      out.subjectPrefix = p === '' ? null : p;
    }
    if (changes.owner !== undefined) {
      if (changes.owner === null || changes.owner.trim() === '') out.owner = null;
      else {
        const o = normalizeAddress(changes.owner);
        if (!o) throw new InputError('invalid_address', `invalid owner address: ${JSON.stringify(changes.owner)}`);
        out.owner = o;
      }
    }
    if (changes.senders !== undefined) {
      out.senders = changes.senders.map((s) => {
        const a = normalizeAddress(s);
        if (!a) throw new InputError('invalid_address', `invalid sender address: ${JSON.stringify(s)}`);
        return a;
      });
    }
    if (changes.sendToPoster !== undefined) out.sendToPoster = changes.sendToPoster;
    return out;
  }

  private writeSenders(list: string, senders: readonly string[]): void {
    this.sql('DELETE FROM list_senders WHERE list = ?').run(list);
    for (const s of new Set(senders)) this.sql('INSERT INTO list_senders (list, sender) VALUES (?, ?)').run(list, s);
  }

  private toList(row: ListRow): MailingList {
    const senders = (this.sql('SELECT sender FROM list_senders WHERE list = ? ORDER BY sender').all(row.address) as { sender: string }[]).map((r) => r.sender);
    return {
      address: row.address, name: row.name, postPolicy: row.post_policy as PostPolicy, subjectPrefix: row.subject_prefix,
      owner: row.owner, senders, sendToPoster: row.send_to_poster === 1, createdAt: new Date(row.created_at),
    };
  }

  private sql(text: string): Statement {
    let s = this.statements.get(text);
    if (!s) { s = this.options.db.prepare(text); this.statements.set(text, s); }
    return s;
  }
}

function toMember(row: MemberRow): ListMember {
  return { id: row.id, list: row.list, address: row.address, status: row.status as MemberStatus, bounces: row.bounces, createdAt: new Date(row.created_at) };
}

function toHeld(row: HeldRow): HeldPost {
  return { id: row.id, list: row.list, sender: row.sender, author: row.author, subject: row.subject, uid: row.uid, receivedAt: new Date(row.received_at) };
}
