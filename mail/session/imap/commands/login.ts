// LOGIN (RFC 9051 section 6.2.3): refused without TLS unless the config allows it (the
// capability list says LOGINDISABLED then), and from an address banned for failed logins
// (NO [UNAVAILABLE], the password never looked at: the right one is refused too).

import { logIn } from '../account-login.js';
import { NOT_AUTHENTICATED } from '../command-states.js';
import type { CommandSpec } from '../context.js';
import { ImapCommandError, imapErrors } from '../errors.js';
import type { ImapContext } from '../context.js';

/** Throws while the client's address is banned (mail/auth/ban-list.ts). */
export function refuseWhileBanned(ctx: ImapContext): void {
  if (!ctx.deps.penalty.isBanned(ctx.remoteAddress)) return;
  ctx.log.info('imap login refused, address banned', { outcome: 'banned' });
  throw new ImapCommandError('imap_banned', 'Too many failed logins from your address, try again later', { responseCode: 'UNAVAILABLE' });
}

export const LOGIN: CommandSpec<'LOGIN'> = {
  states: NOT_AUTHENTICATED,
  async run(ctx, cmd) {
    if (!ctx.passwordsAllowed()) throw imapErrors.needsTls();
    refuseWhileBanned(ctx);
    return logIn(ctx, cmd.username, cmd.password, 'LOGIN');
  },
};
