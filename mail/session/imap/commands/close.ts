// CLOSE (RFC 9051 6.4.1): expunge the \Deleted messages silently (not under EXAMINE) and return
// to the authenticated state. No EXPUNGE responses are sent: the client is leaving the mailbox.

import { ok, type CommandSpec } from '../context.js';
import { selectedMailbox } from '../selected/selected-view.js';
import { expungeDeleted } from './expunge.js';

export const CLOSE: CommandSpec<'CLOSE'> = {
  states: ['selected'],
  async run(ctx) {
    const view = selectedMailbox(ctx, 'CLOSE');
    if (!view.readOnly) await expungeDeleted(ctx, view);
    ctx.setState({ kind: 'authenticated', user: view.user });
    return ok('Close completed');
  },
};
