// What forwarding makes of one envelope recipient at RCPT time. Pure decisions over the
// directory's Resolution and the forwarders table:
//
// - A forwarder on the address itself (a user, an alias, or an address that is neither) adds
//   its targets; without keepCopy the mailboxes the address reaches do not get a copy here, but
//   are remembered as the fallback (a message that is not forwarded - spam, a loop - still lands
//   in them rather than nowhere).
// - A forwarder on a user the address reaches (through an alias, a catch-all or +tag) applies
//   too, with that user's own keepCopy: mail for team@ reaches bob's external address when bob
//   forwards.
// - Mail to one of our SRS addresses is a bounce (or reply) to a message we forwarded: verified
//   (hash and age) and sent back to the sender it stands for; forged or expired ones are refused
//   here, at RCPT, so nothing is accepted that could not be delivered.

import type { Forward, Resolution, User } from '../store/contracts.js';
import type { SmtpReply } from '../protocol/smtp/reply.js';
import { isOurSrsAddress, srsReverse, type SrsOptions } from '../srs/srs-codec.js';

/** What forwarding adds to one accepted recipient. */
export interface RecipientForward {
  /** Mailboxes that get the message here. */
  users: User[];
  /** Mailboxes that get it instead of the targets when it is not forwarded (spam, a loop). */
  fallbackUsers: User[];
  /** External addresses it is sent on to. */
  targets: string[];
  /** The forwarding addresses at work; our loop trace field names them. Empty for SRS bounces. */
  forwarders: string[];
}

export type RcptForwarding =
  | { kind: 'none' }
  | { kind: 'accept'; forward: RecipientForward }
  | { kind: 'refuse'; reply: SmtpReply; reason: string };

export interface ForwardLookup {
  getForward(address: string): Promise<Forward | null>;
}

export interface SrsRecipientDeps {
  srs: SrsOptions;
  now: () => Date;
  directory: { isLocalDomain(name: string): Promise<boolean>; resolve(address: string): Promise<Resolution> };
}

const NONE: RcptForwarding = { kind: 'none' };

/** `user@domain` for `user+tag@domain`; null when there is no tag. */
function withoutTag(address: string): string | null {
  const at = address.lastIndexOf('@');
  const plus = address.indexOf('+');
  return plus > 0 && plus < at ? address.slice(0, plus) + address.slice(at) : null;
}

export async function planForwardRecipient(lookup: ForwardLookup, address: string, resolution: Resolution): Promise<RcptForwarding> {
  if (resolution.kind === 'foreign') return NONE;
  const stripped = withoutTag(address);
  const own = (await lookup.getForward(address)) ?? (stripped ? await lookup.getForward(stripped) : null);
  let users: User[] = resolution.kind === 'mailboxes' ? [...resolution.users] : [];
  const fallbackUsers: User[] = [];
  const targets: string[] = [];
  const forwarders: string[] = [];
  if (own) {
    forwarders.push(own.address);
    targets.push(...own.targets);
    if (!own.keepCopy) { fallbackUsers.push(...users); users = []; }
  }
  for (const user of [...users]) {
    if (own && user.address === own.address) continue;
    const f = await lookup.getForward(user.address);
    if (!f) continue;
    forwarders.push(f.address);
    targets.push(...f.targets);
    if (!f.keepCopy) { users = users.filter((u) => u.id !== user.id); fallbackUsers.push(user); }
  }
  if (targets.length === 0) return NONE;
  return { kind: 'accept', forward: { users, fallbackUsers, targets: [...new Set(targets)], forwarders } };
}

/** An RCPT TO address (as the client wrote it) that may be one of our SRS addresses. */
export async function planSrsRecipient(deps: SrsRecipientDeps, raw: string): Promise<RcptForwarding> {
  if (!isOurSrsAddress(raw, deps.srs)) return NONE;
  const result = srsReverse(raw, deps.srs, deps.now());
  if (!result.ok) {
    switch (result.reason) {
      case 'bad_hash':
        return { kind: 'refuse', reason: 'srs-forged', reply: { code: 550, enhanced: '5.7.1', text: `<${raw}>: forged SRS address (its signature does not verify); not accepted` } };
      case 'expired':
        return { kind: 'refuse', reason: 'srs-expired', reply: { code: 550, enhanced: '5.1.1', text: `<${raw}>: expired SRS address (older than ${deps.srs.maxAgeDays} days); not accepted` } };
      default:
        return { kind: 'refuse', reason: 'srs-malformed', reply: { code: 550, enhanced: '5.1.1', text: `<${raw}>: malformed SRS address` } };
    }
  }
  const original = result.address;
  const domain = original.slice(original.lastIndexOf('@') + 1);
  // The original sender is one of ours (a local user who wrote to a forwarder): no trip through
  // the queue and our own MX, straight into the mailbox.
  if (await deps.directory.isLocalDomain(domain)) {
    const local = await deps.directory.resolve(original).catch(() => ({ kind: 'unknown' }) as Resolution);
    if (local.kind !== 'mailboxes' || local.users.length === 0) {
      return { kind: 'refuse', reason: 'srs-unknown-sender', reply: { code: 550, enhanced: '5.1.1', text: `<${raw}>: the original sender no longer exists here` } };
    }
    return { kind: 'accept', forward: { users: local.users, fallbackUsers: [], targets: [], forwarders: [] } };
  }
  return { kind: 'accept', forward: { users: [], fallbackUsers: [], targets: [original], forwarders: [] } };
}

/** Several recipients' forwards as one: each target once, each forwarder once. */
export function mergeForwards(forwards: Iterable<RecipientForward>): RecipientForward {
  const users = new Map<string, User>();
  const fallback = new Map<string, User>();
  const targets = new Set<string>();
  const forwarders = new Set<string>();
  for (const f of forwards) {
    for (const u of f.users) users.set(u.id, u);
    for (const u of f.fallbackUsers) fallback.set(u.id, u);
    for (const t of f.targets) targets.add(t);
    for (const a of f.forwarders) forwarders.add(a);
  }
  for (const id of users.keys()) fallback.delete(id);
  return { users: [...users.values()], fallbackUsers: [...fallback.values()], targets: [...targets], forwarders: [...forwarders] };
}
