// AUTHENTICATE (RFC 9051 section 6.2.2) with the one mechanism we offer, PLAIN (RFC 4616),
// with or without an initial response (SASL-IR, RFC 4959). Without one we send `+ ` and read the
// client's line; `*` cancels (BAD). Acting as another user (an authzid that is not the
// authcid) is not offered.

import { decodeSaslPlain } from '../../../protocol/pop3/sasl-plain.js';
import { logIn } from '../account-login.js';
import { NOT_AUTHENTICATED } from '../command-states.js';
import type { CommandSpec } from '../context.js';
import { refuseWhileBanned } from './login.js';
import { ImapCommandError, imapErrors } from '../errors.js';

const cancelled = () => new ImapCommandError('imap_auth_cancelled', 'Authentication cancelled', { status: 'BAD' });

export const AUTHENTICATE: CommandSpec<'AUTHENTICATE'> = {
  states: NOT_AUTHENTICATED,
  async run(ctx, cmd) {
    if (cmd.mechanism !== 'PLAIN') throw new ImapCommandError('imap_auth_mechanism', 'Unsupported authentication mechanism');
    if (!ctx.passwordsAllowed()) throw imapErrors.needsTls();
    refuseWhileBanned(ctx);
    let response = cmd.initialResponse;
    if (response === undefined) {
      const line = await ctx.readAuthenticateLine('');
      // null: the connection went, or the line was refused (the engine answers that error).
      if (line === null) throw cancelled();
      response = line.trim();
      if (response === '*') throw cancelled();
    }
    const decoded = decodeSaslPlain(response);
    if (!decoded.ok) {
      // No password was tried, so there is nothing to charge.
      if (decoded.reason === 'authzid') throw imapErrors.authFailed();
      throw new ImapCommandError('imap_auth_malformed', decoded.reason === 'base64' ? 'Invalid base64 in the PLAIN response' : 'Malformed PLAIN response', { status: 'BAD' });
    }
    return logIn(ctx, decoded.username, decoded.password, 'PLAIN');
  },
};
