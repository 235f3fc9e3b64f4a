// One POP3 session per mailbox (RFC 1939 section 8: the maildrop is locked from a successful
// login until the session ends), shared by the plain and the implicit-TLS listener. In process
// memory: the daemon is the only POP3 server on the store. A scale-out deployment would need a
// lease in the shared metadata store instead; this class is the one place to change.

import type { UserId } from '../../store/contracts.js';

export class MailboxLocks {
  private readonly holders = new Map<UserId, string>();

  /** The release function, or null while another session (by cid) holds the mailbox. */
  tryLock(userId: UserId, cid: string): (() => void) | null {
    if (this.holders.has(userId)) return null;
    this.holders.set(userId, cid);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (this.holders.get(userId) === cid) this.holders.delete(userId);
    };
  }

  holder(userId: UserId): string | null {
    return this.holders.get(userId) ?? null;
  }
}
