// UNSELECT (RFC 3691, RFC 9051 6.4.2): leave the mailbox without expunging anything.

import { ok, type CommandSpec } from '../context.js';
import { imapErrors } from '../errors.js';

export const UNSELECT: CommandSpec<'UNSELECT'> = {
  states: ['selected'],
  async run(ctx) {
    const state = ctx.state;
    if (state.kind !== 'selected') throw imapErrors.wrongState('UNSELECT');
    ctx.setState({ kind: 'authenticated', user: state.user });
    return ok('Unselect completed');
  },
};
