// Who may post to a list, decided on values. Pure.
//
//   members    active members (and the listed senders) post; anyone else gets 550 5.7.1
//   senders    the listed senders and active members post; anyone else gets 550 5.7.1
//   anyone     everyone posts
//   moderated  the listed senders post directly; every other post is held for a moderator
//              (the panel, or `mailroom list moderate LIST ID approve|reject`)
//
// The envelope sender is checked at RCPT (so a stranger is refused before sending the body) and
// the header From at the end of DATA (what readers see as the author). A forwarded member's mail
// comes with an SRS envelope sender: that one waits for the From check.

import type { SmtpReply } from '../protocol/smtp/reply.js';
import type { MailingList } from './list-types.js';

export type PostDecision =
  | { kind: 'accept' }
  | { kind: 'hold' }
  /** Not decidable from the envelope (SRS); the header From decides. */
  | { kind: 'wait' }
  | { kind: 'refuse'; reply: SmtpReply; reason: string };

export interface PosterFacts {
  /** Normalised address, or '' for the null sender. */
  address: string;
  /** An active member of the list. */
  member: boolean;
}

export function isSrsAddress(address: string): boolean {
  return /^srs[01][=+-]/i.test(address);
}

function allowed(list: MailingList, poster: PosterFacts): boolean {
  return poster.member || list.senders.includes(poster.address);
}

function onlyMembers(list: MailingList, address: string): PostDecision {
  const who = list.postPolicy === 'senders' ? 'members and authorised senders' : 'members';
  return {
    kind: 'refuse', reason: 'not-member',
    reply: { code: 550, enhanced: '5.7.1', text: `only ${who} may post to ${list.address}${address ? ` (${address} is not one)` : ''}; to join, write to ${list.address.replace('@', '-subscribe@')}` },
  };
}

/** At RCPT, from the envelope sender. */
export function decideEnvelope(list: MailingList, sender: PosterFacts): PostDecision {
  if (sender.address === '') {
    return { kind: 'refuse', reason: 'null-sender', reply: { code: 550, enhanced: '5.7.1', text: `${list.address} is a mailing list and takes no bounces or automatic replies` } };
  }
  if (list.postPolicy === 'anyone') return { kind: 'accept' };
  if (list.postPolicy === 'moderated') return list.senders.includes(sender.address) ? { kind: 'accept' } : { kind: 'hold' };
  if (allowed(list, sender)) return { kind: 'accept' };
  if (isSrsAddress(sender.address)) return { kind: 'wait' };
  return onlyMembers(list, sender.address);
}

/** At the end of DATA, from the header From (null: the message has none we can read). */
export function decideAuthor(list: MailingList, author: PosterFacts | null): PostDecision {
  if (list.postPolicy === 'anyone') return { kind: 'accept' };
  if (!author) {
    return { kind: 'refuse', reason: 'no-author', reply: { code: 550, enhanced: '5.7.1', text: `a post to ${list.address} needs a From header with the author's address` } };
  }
  if (list.postPolicy === 'moderated') return list.senders.includes(author.address) ? { kind: 'accept' } : { kind: 'hold' };
  return allowed(list, author) ? { kind: 'accept' } : onlyMembers(list, author.address);
}
