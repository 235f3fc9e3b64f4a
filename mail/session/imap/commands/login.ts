// LOGIN (RFC 9051 section 6.2.3): refused without TLS unless the config allows it (the
// capability list says LOGINDISABLED then).

import { logIn } from '../account-login.js';
import { NOT_AUTHENTICATED } from '../command-states.js';
import type { CommandSpec } from '../context.js';
import { imapErrors } from '../errors.js';

export const LOGIN: CommandSpec<'LOGIN'> = {
  states: NOT_AUTHENTICATED,
  async run(ctx, cmd) {
    if (!ctx.passwordsAllowed()) throw imapErrors.needsTls();
    return logIn(ctx, cmd.username, cmd.password, 'LOGIN');
  },
};
