// The one-time setup token of a fresh appliance: while no admin exists, `mailroom agent`
// prints it (stdout, hence the journal) and the first visitor who presents it may create the
// first admin. It is used up by that, and it is useless as soon as any admin exists (one made
// with `mailroom admin add` included). Compared in constant time.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text).digest();

export class SetupToken {
  private tokenDigest: Buffer | null;

  constructor(readonly token: string = randomBytes(18).toString('base64url')) {
    this.tokenDigest = digest(token);
  }

  get active(): boolean {
    return this.tokenDigest !== null;
  }

  matches(candidate: string): boolean {
    if (!this.tokenDigest) return false;
    return timingSafeEqual(digest(candidate), this.tokenDigest);
  }

  /** After the first admin is created; the token never works again. */
  expire(): void {
    this.tokenDigest = null;
  }
}
