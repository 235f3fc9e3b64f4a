// The JSON shapes of lists on the control socket (and, unchanged, in the admin API: see
// ui/shared/api-types.ts). Dates as ISO strings.

import type { HeldPost, ListMember, MailingList } from './list-types.js';

export interface ListJson {
  address: string; name: string; postPolicy: MailingList['postPolicy']; subjectPrefix: string | null; owner: string | null;
  senders: string[]; sendToPoster: boolean; createdAt: string;
}
export interface ListMemberJson { address: string; status: ListMember['status']; bounces: number; createdAt: string }
export interface HeldPostJson { id: number; list: string; sender: string; author: string; subject: string; receivedAt: string }

export function listJson(l: MailingList): ListJson {
  return { address: l.address, name: l.name, postPolicy: l.postPolicy, subjectPrefix: l.subjectPrefix, owner: l.owner, senders: [...l.senders], sendToPoster: l.sendToPoster, createdAt: l.createdAt.toISOString() };
}
export function memberJson(m: ListMember): ListMemberJson {
  return { address: m.address, status: m.status, bounces: m.bounces, createdAt: m.createdAt.toISOString() };
}
export function heldJson(h: HeldPost): HeldPostJson {
  return { id: h.id, list: h.list, sender: h.sender, author: h.author, subject: h.subject, receivedAt: h.receivedAt.toISOString() };
}
