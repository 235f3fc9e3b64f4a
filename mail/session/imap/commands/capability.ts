// CAPABILITY (RFC 9051 section 6.1.1): what is true for this connection now.

import { formatUntagged } from '../../../protocol/imap/index.js';
import { ANY_STATE } from '../command-states.js';
import { ok, type CommandSpec } from '../context.js';

export const CAPABILITY: CommandSpec<'CAPABILITY'> = {
  states: ANY_STATE,
  async run(ctx) {
    await ctx.send(formatUntagged(`CAPABILITY ${ctx.capabilities().join(' ')}`));
    return ok('CAPABILITY completed');
  },
};
