// LOGOUT (RFC 9051 section 6.1.3): `* BYE`, then the tagged OK, then the engine closes.

import { formatUntaggedStatus } from '../../../protocol/imap/index.js';
import { ANY_STATE } from '../command-states.js';
import { ok, type CommandSpec } from '../context.js';

export const LOGOUT: CommandSpec<'LOGOUT'> = {
  states: ANY_STATE,
  async run(ctx) {
    await ctx.send(formatUntaggedStatus('BYE', 'Logging out'));
    ctx.setState({ kind: 'logout' });
    return ok('LOGOUT completed');
  },
};
