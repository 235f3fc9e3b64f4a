// NOOP (RFC 9051 section 6.1.2): does nothing itself; the engine sends the selected folder's
// pending updates before the tagged OK, which is what clients poll with it for.

import { ANY_STATE } from '../command-states.js';
import { ok, type CommandSpec } from '../context.js';

export const NOOP: CommandSpec<'NOOP'> = {
  states: ANY_STATE,
  async run() {
    return ok('NOOP completed');
  },
};
