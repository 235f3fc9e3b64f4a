// Who may send as whom: an authenticated user may use, as envelope sender and header From, only
// her own address or an alias that delivers to her (an explicit alias, not a catch-all: a
// catch-all would let her pose as every unknown address of the domain). Anything else is refused
// 553 5.7.1, so the submission port is never an open relay for forged senders.

import { normalizeAddress } from '../../../core/address.js';
import type { CheckResult } from '../../pipeline/contracts.js';
import { ACCEPT } from '../../pipeline/contracts.js';
import type { Directory, User } from '../../store/contracts.js';

export async function ownsAddress(directory: Directory, user: User, address: string): Promise<boolean> {
  const addr = normalizeAddress(address);
  if (!addr) return false;
  if (addr === user.address) return true;
  const domain = addr.slice(addr.lastIndexOf('@') + 1);
  const aliases = await directory.listAliases(domain);
  if (!aliases.some((a) => a.address === addr)) return false;
  const resolution = await directory.resolve(addr);
  return resolution.kind === 'mailboxes' && resolution.users.some((u) => u.id === user.id);
}

function notOwned(what: string, address: string, user: User): CheckResult {
  const shown = address.replace(/[^\x21-\x7e]/g, '?').slice(0, 254);
  return { action: 'reject', code: 553, enhanced: '5.7.1', message: `${what} <${shown}> not owned by user ${user.address}`, reason: `${what.toLowerCase()} not owned` };
}

export async function checkEnvelopeSender(directory: Directory, user: User, from: string): Promise<CheckResult> {
  return from !== '' && await ownsAddress(directory, user, from) ? ACCEPT : notOwned('Sender address', from, user);
}

/** Every mailbox of the From field must be hers; a message without one is refused too. */
export async function checkHeaderFrom(directory: Directory, user: User, from: readonly string[] | null): Promise<CheckResult> {
  if (!from || from.length === 0) {
    return { action: 'reject', code: 553, enhanced: '5.7.1', message: 'Message has no From header field with an address', reason: 'header from missing' };
  }
  for (const address of from) {
    if (!await ownsAddress(directory, user, address)) return notOwned('From header address', address, user);
  }
  return ACCEPT;
}
