// The one-time setup token of a fresh appliance: while no admin exists, `mailroom agent`
// prints it (stdout, hence the journal) and the first visitor who presents it may create the
// first admin. It is used up by that, and it is useless as soon as any admin exists (one made
// with `mailroom admin add` included). Compared in constant time.
//
// On the appliance, first boot writes the token to FIRSTBOOT_DIR/setup-token (the console
// banner shows it from there); the agent then uses that token instead of making one, and
// removes the file once the token is used up, so the banner says setup is done.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const digest = (text: string) => createHash('sha256').update(text).digest();

export const SETUP_TOKEN_FILE = 'setup-token';

export class SetupToken {
  private tokenDigest: Buffer | null;

  constructor(readonly token: string = randomBytes(18).toString('base64url'), private readonly onExpire: () => void = () => undefined) {
    this.tokenDigest = digest(token);
  }

  get active(): boolean {
    return this.tokenDigest !== null;
  }

  matches(candidate: string): boolean {
    if (!this.tokenDigest) return false;
    return timingSafeEqual(digest(candidate.trim()), this.tokenDigest);
  }

  /** After the first admin is created; the token never works again. */
  expire(): void {
    if (this.tokenDigest === null) return;
    this.tokenDigest = null;
    this.onExpire();
  }
}

/**
 * The token of DIR/setup-token when first boot wrote one (its file removed when the token is
 * used up), else a new random one. An empty or unreadable file counts as none.
 */
export function loadSetupToken(dir: string | null, onError: (err: unknown) => void = () => undefined): { setup: SetupToken; fromFile: boolean } {
  if (dir === null) return { setup: new SetupToken(), fromFile: false };
  const file = path.join(dir, SETUP_TOKEN_FILE);
  let token = '';
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') onError(err);
  }
  if (!token) return { setup: new SetupToken(), fromFile: false };
  const remove = () => { try { rmSync(file, { force: true }); } catch (err) { onError(err); } };
  return { setup: new SetupToken(token, remove), fromFile: true };
}
