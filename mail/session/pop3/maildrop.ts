// The maildrop as one POP3 session sees it: a snapshot of INBOX taken at login, numbered 1..n
// (RFC 1939: numbers never change during a session, mail that arrives later is not seen), and
// the set of messages marked deleted, which only QUIT turns into an expunge.

import type { MessageRef } from '../../store/contracts.js';

export class Maildrop {
  private readonly deleted = new Set<number>();

  constructor(private readonly messages: readonly MessageRef[]) {}

  /** The message with this number, or null when there is none or it is marked deleted. */
  get(msg: number): MessageRef | null {
    if (msg < 1 || msg > this.messages.length || this.deleted.has(msg)) return null;
    return this.messages[msg - 1]!;
  }

  isDeleted(msg: number): boolean {
    return this.deleted.has(msg);
  }

  /** Numbered messages not marked deleted, in order. */
  visible(): { msg: number; ref: MessageRef }[] {
    return this.messages.flatMap((ref, i) => (this.deleted.has(i + 1) ? [] : [{ msg: i + 1, ref }]));
  }

  stat(): { count: number; octets: number } {
    let count = 0;
    let octets = 0;
    for (const { ref } of this.visible()) { count++; octets += ref.size; }
    return { count, octets };
  }

  markDeleted(msg: number): void {
    this.deleted.add(msg);
  }

  reset(): void {
    this.deleted.clear();
  }

  deletedUids(): number[] {
    return [...this.deleted].map((msg) => this.messages[msg - 1]!.uid);
  }
}
