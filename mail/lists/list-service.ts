// Everything a mailing list does, over injected stores: administration (lists, members), the
// posts (held or distributed), the request addresses (subscribe, unsubscribe, confirm), VERP
// bounces and one-click unsubscribe. The MX session (list-rcpt.ts, list-delivery.ts), the
// control socket and the CLI all call this one object.
//
// Distribution: one copy per active member, each with its own header section (the member's
// List-Unsubscribe token) and its own envelope sender (VERP). A member whose address is in one
// of our domains gets it straight into the mailboxes (each mailbox once, even when two member
// addresses reach it through aliases); the others go through the outbound queue, DKIM-signed
// for the list's domain (the list is the new author-side sender). The post itself is kept in
// the list's archive (the INBOX of owner id list:ADDRESS), which is where every copy's body is
// read from.

import { Readable } from 'node:stream';
import { InputError, MailroomError, NotFoundError } from '../../core/errors.js';
import type { CheckResult } from '../pipeline/contracts.js';
import type { Logger } from '../../core/log.js';
import { normalizeAddress } from '../../core/address.js';
import type { Directory, MailStore, SharedFolderResolver, User } from '../store/contracts.js';
import { ListArchiveFolders } from './list-archive-folders.js';
import { beginLocalDelivery } from '../delivery/local-delivery.js';
import type { OutboundQueue } from '../delivery/submission-delivery.js';
import type { MessageSigner } from '../delivery/message-signer.js';
import {
  confirmToken, confirmTokenId, confirmTokenMatches, decodeUnsubscribeToken, decodeVerp, listAddressCandidates, roleAddress,
  unsubscribeToken, verpAddress, type ListRole,
} from './list-addresses.js';
import { fieldValue, firstValue, listCopyHeader, parseHeaderFields, parseMailbox, type HeaderField } from './list-headers.js';
import { decideAuthor, decideEnvelope, type PostDecision } from './list-policy.js';
import type { DmarcPolicySource } from './dmarc-policy.js';
import { needsFromRewrite } from './dmarc-policy.js';
import {
  confirmationNotice, goodbyeNotice, ownerNotice, rejectedNotice, renderNotice, welcomeNotice, type Notice,
} from './list-notices.js';
import { HELD_FOLDER, listOwnerId, type HeldPost, type ListMember, type ListStore, type MailingList, type NewList, type ListChanges } from './list-types.js';

export interface ListSettings {
  /** Bounces within the window that disable a member. */
  bounceLimit: number;
  bounceWindowMs: number;
  /** "https://host[:port]" the one-click and confirmation URLs start with; null: mailto only. */
  publicUrl: string | null;
  /** Pending confirmations older than this are forgotten. */
  confirmMaxAgeMs: number;
}

export interface ListServiceDeps {
  store: ListStore;
  mailStore: MailStore;
  directory: Pick<Directory, 'resolve' | 'isLocalDomain'>;
  queue: OutboundQueue;
  onQueued: () => void;
  signer: MessageSigner;
  dmarc: DmarcPolicySource;
  /** HMAC key of VERP tags and tokens (list-keys.ts). */
  key: Buffer;
  hostname: string;
  settings: ListSettings;
  logger: Logger;
  now?: () => Date;
}

/** An RCPT address that belongs to an existing list. */
export interface ListRecipient {
  list: MailingList;
  role: ListRole;
  tag: string | null;
  /** The address as given (lower-cased). */
  address: string;
}

/** What a post's header says, read from the stored copy. */
interface PostHead {
  fields: HeaderField[];
  /** Offset of the body (after the empty line). */
  bodyOffset: number;
  author: string | null;
  subject: string;
}

const MAX_HEAD = 256 * 1024;

export class ListService {
  private readonly now: () => Date;

  constructor(private readonly deps: ListServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  get store(): ListStore { return this.deps.store; }

  /** The archives as IMAP shared folders of their members (list-archive-folders.ts). */
  archiveFolders(): SharedFolderResolver { return new ListArchiveFolders(this.deps.store); }

  // ---- administration ----

  async createList(input: NewList): Promise<MailingList> {
    const list = await this.deps.store.createList(input);
    const owner = listOwnerId(list.address);
    await this.deps.mailStore.createMailbox(owner);
    if (!(await this.deps.mailStore.getFolder(owner, HELD_FOLDER))) await this.deps.mailStore.createFolder(owner, HELD_FOLDER);
    return list;
  }

  updateList(address: string, changes: ListChanges): Promise<MailingList> {
    return this.deps.store.updateList(address, changes);
  }

  async removeList(address: string): Promise<MailingList> {
    const list = await this.deps.store.removeList(address);
    await this.deps.mailStore.deleteMailbox(listOwnerId(list.address));
    return list;
  }

  /** Adds a member; with `confirm` the member is pending until the confirmation mail is answered. */
  async addMember(listAddress: string, address: string, options: { confirm?: boolean } = {}): Promise<ListMember> {
    const list = await this.requireList(listAddress);
    const existing = await this.deps.store.getMember(list.address, address);
    if (!options.confirm || existing?.status === 'active') return this.deps.store.addMember(list.address, address, 'active');
    const member = await this.deps.store.addMember(list.address, address, 'pending');
    await this.requestConfirmation(list, member.address, 'subscribe');
    return member;
  }

  async removeMember(listAddress: string, address: string): Promise<ListMember> {
    return this.deps.store.removeMember(listAddress, address);
  }

  async requireList(address: string): Promise<MailingList> {
    const list = await this.deps.store.getList(address);
    if (!list) throw new NotFoundError('unknown_list', `no list ${normalizeAddress(address) ?? address}`);
    return list;
  }

  // ---- RCPT ----

  /** The list an RCPT address belongs to (the list itself or one of its request addresses). */
  async findRecipient(raw: string): Promise<ListRecipient | null> {
    for (const c of listAddressCandidates(raw)) {
      const list = await this.deps.store.getList(c.list);
      if (list) return { list, role: c.role, tag: c.tag, address: raw.trim().toLowerCase() };
    }
    return null;
  }

  /** Whether the recipient is taken from this envelope sender; refusals carry their reply. */
  async decideRecipient(r: ListRecipient, sender: string): Promise<PostDecision> {
    switch (r.role) {
      case 'post': {
        const member = sender ? await this.deps.store.getMember(r.list.address, sender) : null;
        return decideEnvelope(r.list, { address: sender, member: member?.status === 'active' });
      }
      case 'bounces':
        // The plain bounce address (our notices' envelope sender) takes anything and drops it.
        if (r.tag === null || decodeVerp(this.deps.key, r.list.address, r.tag)) return { kind: 'accept' };
        return { kind: 'refuse', reason: 'verp-forged', reply: { code: 550, enhanced: '5.1.1', text: `<${r.address}>: unknown bounce address (its signature does not verify)` } };
      case 'confirm': {
        const pending = await this.pendingOf(r.list, r.tag ?? '');
        return pending ? { kind: 'accept' } : { kind: 'refuse', reason: 'bad-token', reply: { code: 550, enhanced: '5.1.1', text: `<${r.address}>: unknown or expired confirmation address` } };
      }
      case 'subscribe':
      case 'unsubscribe':
        return sender === ''
          ? { kind: 'refuse', reason: 'null-sender', reply: { code: 550, enhanced: '5.7.1', text: `<${r.address}>: requests need a sender to answer to` } }
          : { kind: 'accept' };
    }
  }

  // ---- DATA ----

  /**
   * A message for one list recipient, as the MX received it (trace fields first). Resolves when
   * it is durably handled (archived and queued, held, or the request done); rejects with a
   * ListRefusal when the post is refused.
   */
  async receive(r: ListRecipient, envelope: { from: string; junk: boolean; qid: string }, message: AsyncIterable<Buffer>): Promise<{ outcome: string; blobId: string; size: number }> {
    const log = this.deps.logger;
    if (r.role !== 'post') {
      const { head, size } = await readHeadOnly(message);
      const fields = parseHeaderFields(head);
      await this.handleRequest(r, envelope.from, fields);
      return { outcome: r.role, blobId: '', size };
    }
    // The post is stored first (its own copy is what every member's copy is read from); the
    // folder depends on the header From, which is read as the message streams in.
    const tx = this.deps.mailStore.beginDelivery();
    const owner = listOwnerId(r.list.address);
    let decision: PostDecision | null = null;
    let head: PostHead | null = null;
    try {
      const chunks: Buffer[] = [];
      const iterator = message[Symbol.asyncIterator]();
      let buffered = 0;
      // Read up to the end of the header section to decide the folder before writing.
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        chunks.push(next.value);
        buffered += next.value.length;
        const joined = Buffer.concat(chunks);
        if (joined.includes('\r\n\r\n') || buffered > MAX_HEAD) break;
      }
      const first = Buffer.concat(chunks);
      head = parsePostHead(first);
      const authorMember = head.author ? await this.deps.store.getMember(r.list.address, head.author) : null;
      decision = decideAuthor(r.list, head.author ? { address: head.author, member: authorMember?.status === 'active' } : null);
      if (decision.kind === 'refuse') throw new ListRefusal(decision.reply.code, decision.reply.enhanced ?? '5.7.1', Array.isArray(decision.reply.text) ? decision.reply.text.join(' ') : decision.reply.text, decision.reason);
      // What the checks filed as spam waits for a moderator instead of going to every member.
      const hold = decision.kind === 'hold' || envelope.junk;
      tx.addRecipient({ userId: owner, folder: hold ? HELD_FOLDER : 'INBOX' });
      await tx.writeBody((async function* () {
        yield first;
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          yield next.value;
        }
      })());
      const receipt = await tx.commit();
      const uid = receipt.delivered[0]?.uid ?? 0;
      if (hold) {
        const held = await this.deps.store.addHeld({ list: r.list.address, sender: envelope.from, author: head.author ?? '', subject: head.subject, uid, receivedAt: this.now() });
        log.info('list post held for moderation', { qid: envelope.qid, list: r.list.address, held: held.id, junk: envelope.junk, outcome: 'held' });
        if (r.list.owner) {
          await this.send(r.list, ownerNotice({
            list: r.list.address, listName: r.list.name, to: r.list.owner, from: roleAddress(r.list.address, 'bounces'),
            subject: `Post to ${r.list.address} held for moderation (#${held.id})`,
            text: `From: ${head.author ?? envelope.from}\nSubject: ${head.subject}\n\nApprove or reject it in the panel, or with:\n  mailroom list moderate ${r.list.address} ${held.id} approve|reject\n`,
          })).catch((err: unknown) => log.warn('list owner notice failed', { list: r.list.address, err }));
        }
        return { outcome: 'held', blobId: receipt.blobId, size: receipt.size };
      }
      try {
        await this.distribute(r.list, receipt.blobId, head, envelope.qid);
      } catch (err) {
        // Nothing was acknowledged yet: take the archived copy back so the retry is the only one.
        await this.deps.mailStore.expunge(owner, 'INBOX', [uid]).catch(() => undefined);
        throw err;
      }
      return { outcome: 'distributed', blobId: receipt.blobId, size: receipt.size };
    } catch (err) {
      await tx.abort().catch(() => undefined);
      throw err;
    }
  }

  /** Sends the stored post to every active member; resolves when every copy is durable. */
  private async distribute(list: MailingList, blobId: string, head: PostHead, qid: string): Promise<number> {
    const log = this.deps.logger;
    const members = (await this.deps.store.listMembers(list.address)).filter((m) => m.status === 'active' && (list.sendToPoster || m.address !== head.author));
    const authorDomain = head.author ? head.author.slice(head.author.lastIndexOf('@') + 1) : null;
    const listDomain = list.address.slice(list.address.lastIndexOf('@') + 1);
    let rewriteFrom = false;
    if (authorDomain && authorDomain !== listDomain) rewriteFrom = needsFromRewrite(await this.deps.dmarc.policyOf(authorDomain));
    const queued: string[] = [];
    const seenMailboxes = new Set<string>();
    let copies = 0;
    try {
      for (const member of members) {
        const header = listCopyHeader(head.fields, {
          list, rewriteFrom,
          unsubscribeUrl: this.unsubscribeUrl(list.address, member.address),
          unsubscribeMailto: roleAddress(list.address, 'unsubscribe'),
        });
        const sender = verpAddress(this.deps.key, list.address, member);
        const domain = member.address.slice(member.address.lastIndexOf('@') + 1);
        if (await this.deps.directory.isLocalDomain(domain)) {
          const resolution = await this.deps.directory.resolve(member.address);
          const users = resolution.kind === 'mailboxes' ? resolution.users.filter((u) => !seenMailboxes.has(u.id)) : [];
          if (resolution.kind !== 'mailboxes') {
            log.warn('list member has no mailbox here', { qid, list: list.address, member: member.address, outcome: 'bounced' });
            await this.countBounce(list, member.id);
            continue;
          }
          for (const u of users) seenMailboxes.add(u.id);
          if (users.length === 0) continue;
          await this.deliverLocal(users, Buffer.from(`Return-Path: <${sender}>\r\n${header}\r\n`, 'latin1'), blobId, head.bodyOffset);
        } else {
          const body = this.deps.signer({ domain: listDomain, message: concat(Buffer.from(`${header}\r\n`, 'latin1'), this.deps.mailStore.openMessage(blobId, { start: head.bodyOffset })) });
          queued.push(await this.deps.queue.enqueue({ from: sender, recipients: [member.address] }, body));
        }
        copies++;
      }
    } catch (err) {
      for (const id of queued) await this.deps.queue.remove(id).catch(() => undefined);
      throw err;
    }
    log.info('list post distributed', { qid, list: list.address, members: members.length, copies, queued: queued.length, rewriteFrom, outcome: 'distributed' });
    if (queued.length) this.deps.onQueued();
    return copies;
  }

  private async deliverLocal(users: readonly User[], header: Buffer, blobId: string, bodyOffset: number): Promise<void> {
    await beginLocalDelivery(this.deps.mailStore, users).deliver(concat(header, this.deps.mailStore.openMessage(blobId, { start: bodyOffset })));
  }

  private unsubscribeUrl(list: string, member: string): string | null {
    const base = this.deps.settings.publicUrl;
    return base ? `${base}/api/v1/lists/unsubscribe/${unsubscribeToken(this.deps.key, list, member)}` : null;
  }

  private confirmUrl(token: string): string | null {
    const base = this.deps.settings.publicUrl;
    return base ? `${base}/api/v1/lists/confirm/${token}` : null;
  }

  // ---- requests, confirmations, bounces ----

  private async handleRequest(r: ListRecipient, sender: string, fields: HeaderField[]): Promise<void> {
    const log = this.deps.logger;
    const fromValue = firstValue(fields, 'from');
    const requester = (fromValue ? parseMailbox(fromValue)?.address : null) ?? (sender || null);
    switch (r.role) {
      case 'bounces': {
        if (!r.tag) { log.info('bounce to the plain list bounce address dropped', { list: r.list.address, outcome: 'dropped' }); return; }
        const verp = decodeVerp(this.deps.key, r.list.address, r.tag);
        if (!verp) return;
        const member = verp.kind === 'id' ? await this.deps.store.getMemberById(verp.id) : await this.deps.store.getMember(r.list.address, verp.address);
        if (!member || member.list !== r.list.address) { log.info('bounce for a former list member dropped', { list: r.list.address, outcome: 'dropped' }); return; }
        await this.countBounce(r.list, member.id);
        return;
      }
      case 'subscribe': {
        if (!requester) return;
        const existing = await this.deps.store.getMember(r.list.address, requester);
        if (existing?.status === 'active') { log.info('list subscribe request from a member ignored', { list: r.list.address, member: requester }); return; }
        await this.deps.store.addMember(r.list.address, requester, 'pending');
        await this.requestConfirmation(r.list, requester, 'subscribe');
        return;
      }
      case 'unsubscribe': {
        if (!requester) return;
        const existing = await this.deps.store.getMember(r.list.address, requester);
        // Nothing is said to a non-member: an answer would be backscatter to a forged sender.
        if (!existing) { log.info('list unsubscribe request from a non-member ignored', { list: r.list.address, address: requester }); return; }
        await this.requestConfirmation(r.list, requester, 'unsubscribe');
        return;
      }
      case 'confirm':
        await this.confirm(r.tag ?? '', r.list.address);
        return;
      case 'post':
        return;
    }
  }

  private async requestConfirmation(list: MailingList, address: string, action: 'subscribe' | 'unsubscribe'): Promise<void> {
    await this.deps.store.expirePending(new Date(this.now().getTime() - this.deps.settings.confirmMaxAgeMs));
    const pending = await this.deps.store.addPending(list.address, address, action, this.now());
    const token = confirmToken(this.deps.key, pending);
    await this.send(list, confirmationNotice({
      list: list.address, listName: list.name, to: address, action,
      confirmAddress: roleAddress(list.address, 'confirm', token), confirmUrl: this.confirmUrl(token),
    }));
    this.deps.logger.info('list confirmation requested', { list: list.address, address, action });
  }

  private async pendingOf(list: MailingList | null, token: string) {
    const id = confirmTokenId(token);
    if (id === null) return null;
    const pending = await this.deps.store.getPending(id);
    if (!pending || (list && pending.list !== list.address)) return null;
    if (this.now().getTime() - pending.createdAt.getTime() > this.deps.settings.confirmMaxAgeMs) return null;
    return confirmTokenMatches(this.deps.key, token, pending) ? pending : null;
  }

  /** Describes a confirmation token (the confirmation page), or null when it is not valid. */
  async describeConfirmation(token: string): Promise<{ list: string; address: string; action: 'subscribe' | 'unsubscribe' } | null> {
    const p = await this.pendingOf(null, token);
    return p ? { list: p.list, address: p.address, action: p.action } : null;
  }

  /** Carries out a confirmed request. InputError('invalid_token') when the token is not (or no longer) valid. */
  async confirm(token: string, listAddress?: string): Promise<{ list: string; address: string; action: 'subscribe' | 'unsubscribe' }> {
    const p = await this.pendingOf(null, token);
    if (!p || (listAddress && p.list !== listAddress)) throw new InputError('invalid_token', 'this confirmation link is not valid or has expired');
    const list = await this.requireList(p.list);
    await this.deps.store.removePending(p.id);
    if (p.action === 'subscribe') {
      await this.deps.store.addMember(list.address, p.address, 'active');
      await this.deps.store.setMemberStatus(list.address, p.address, 'active');
      await this.send(list, welcomeNotice({ list: list.address, listName: list.name, to: p.address, from: roleAddress(list.address, 'bounces'), unsubscribe: roleAddress(list.address, 'unsubscribe') }))
        .catch((err: unknown) => this.deps.logger.warn('list welcome notice failed', { list: list.address, err }));
    } else {
      await this.deps.store.removeMember(list.address, p.address).catch(() => undefined);
      await this.send(list, goodbyeNotice({ list: list.address, listName: list.name, to: p.address, from: roleAddress(list.address, 'bounces') }))
        .catch((err: unknown) => this.deps.logger.warn('list goodbye notice failed', { list: list.address, err }));
    }
    this.deps.logger.info('list request confirmed', { list: list.address, address: p.address, action: p.action, outcome: 'confirmed' });
    return { list: list.address, address: p.address, action: p.action };
  }

  /** RFC 8058 one-click: the token alone says who leaves which list. */
  async unsubscribeByToken(token: string): Promise<{ list: string; address: string; removed: boolean }> {
    const decoded = decodeUnsubscribeToken(this.deps.key, token);
    if (!decoded) throw new InputError('invalid_token', 'this unsubscribe link is not valid');
    const member = await this.deps.store.getMember(decoded.list, decoded.member);
    if (member) await this.deps.store.removeMember(decoded.list, decoded.member);
    this.deps.logger.info('list member unsubscribed (one-click)', { list: decoded.list, member: decoded.member, outcome: member ? 'removed' : 'not-member' });
    return { list: decoded.list, address: decoded.member, removed: member !== null };
  }

  private async countBounce(list: MailingList, memberId: number): Promise<void> {
    const { bounceLimit, bounceWindowMs } = this.deps.settings;
    const counted = await this.deps.store.recordBounce(memberId, this.now(), bounceLimit, bounceWindowMs);
    if (!counted) return;
    this.deps.logger.info('list bounce counted', { list: list.address, member: counted.member.address, bounces: counted.member.bounces, outcome: counted.disabledNow ? 'disabled' : 'counted' });
    if (counted.disabledNow && list.owner) {
      await this.send(list, ownerNotice({
        list: list.address, listName: list.name, to: list.owner, from: roleAddress(list.address, 'bounces'),
        subject: `${counted.member.address} disabled on ${list.address}`,
        text: `Mail to ${counted.member.address} bounced ${counted.member.bounces} times; the member no longer gets posts.\nRe-enable with: mailroom list member enable ${list.address} ${counted.member.address}\n`,
      })).catch((err: unknown) => this.deps.logger.warn('list owner notice failed', { list: list.address, err }));
    }
  }

  // ---- moderation ----

  async moderate(listAddress: string, id: number, verdict: 'approve' | 'reject', reason?: string): Promise<HeldPost> {
    const list = await this.requireList(listAddress);
    const held = await this.deps.store.getHeld(id);
    if (!held || held.list !== list.address) throw new NotFoundError('unknown_held_post', `no held post ${id} on ${list.address}`);
    const owner = listOwnerId(list.address);
    const stored = await this.deps.mailStore.getMessage(owner, HELD_FOLDER, held.uid);
    if (verdict === 'approve') {
      if (!stored) throw new NotFoundError('held_post_gone', `the message of held post ${id} is no longer stored`);
      const head = parsePostHead(await readPrefix(this.deps.mailStore.openMessage(stored.blobId), MAX_HEAD));
      await this.distribute(list, stored.blobId, head, `held-${id}`);
      await this.deps.mailStore.moveMessages(owner, HELD_FOLDER, [held.uid], 'INBOX');
    } else {
      if (stored) await this.deps.mailStore.expunge(owner, HELD_FOLDER, [held.uid]);
      if (held.sender) {
        await this.send(list, rejectedNotice({ list: list.address, listName: list.name, to: held.sender, from: roleAddress(list.address, 'bounces'), subject: held.subject, reason: reason ?? 'a moderator rejected it' }))
          .catch((err: unknown) => this.deps.logger.warn('list rejection notice failed', { list: list.address, err }));
      }
    }
    await this.deps.store.removeHeld(id);
    this.deps.logger.info('list post moderated', { list: list.address, held: id, outcome: verdict === 'approve' ? 'approved' : 'rejected' });
    return held;
  }

  // ---- sending our own notices ----

  private async send(list: MailingList, notice: Notice): Promise<void> {
    const text = Buffer.from(renderNotice(notice, this.now(), this.deps.hostname), 'utf8');
    const sender = roleAddress(list.address, 'bounces');
    const domain = notice.to.slice(notice.to.lastIndexOf('@') + 1);
    if (await this.deps.directory.isLocalDomain(domain)) {
      const r = await this.deps.directory.resolve(notice.to);
      if (r.kind === 'mailboxes' && r.users.length > 0) {
        await beginLocalDelivery(this.deps.mailStore, r.users).deliver(concat(Buffer.from(`Return-Path: <${sender}>\r\n`), Readable.from([text])));
      }
      return;
    }
    const listDomain = list.address.slice(list.address.lastIndexOf('@') + 1);
    await this.deps.queue.enqueue({ from: sender, recipients: [notice.to] }, this.deps.signer({ domain: listDomain, message: Readable.from([text]) }));
    this.deps.onQueued();
  }
}

/** A post refused at the end of DATA (the header From is no member's); `result` words the reply. */
export class ListRefusal extends MailroomError {
  readonly result: Extract<CheckResult, { action: 'reject' }>;
  constructor(code: number, enhanced: string, text: string, reason: string) {
    super(`list_${reason}`, text);
    this.result = { action: 'reject', code, enhanced, message: text, reason };
  }
}

function parsePostHead(first: Buffer): PostHead {
  const end = first.indexOf('\r\n\r\n');
  const headerEnd = end < 0 ? first.length : end + 2;
  const bodyOffset = end < 0 ? first.length : end + 4;
  const fields = parseHeaderFields(first.subarray(0, headerEnd).toString('latin1'));
  const from = fields.find((f) => f.name === 'from');
  const author = from ? parseMailbox(fieldValue(from))?.address ?? null : null;
  return { fields, bodyOffset, author: author ? normalizeAddress(author) ?? author : null, subject: firstValue(fields, 'subject') ?? '' };
}

async function readHeadOnly(message: AsyncIterable<Buffer>): Promise<{ head: string; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let kept = 0;
  let done = false;
  for await (const chunk of message) {
    size += chunk.length;
    if (done) continue;
    chunks.push(chunk);
    kept += chunk.length;
    const joined = Buffer.concat(chunks);
    const end = joined.indexOf('\r\n\r\n');
    if (end >= 0 || kept > MAX_HEAD) done = true;
  }
  const all = Buffer.concat(chunks);
  const end = all.indexOf('\r\n\r\n');
  return { head: all.subarray(0, end < 0 ? all.length : end + 2).toString('latin1'), size };
}

async function readPrefix(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    chunks.push(b);
    n += b.length;
    if (n > max || Buffer.concat(chunks).includes('\r\n\r\n')) break;
  }
  stream.destroy();
  return Buffer.concat(chunks);
}

async function* concat(first: Buffer, rest: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  yield first;
  for await (const chunk of rest) yield typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
}
