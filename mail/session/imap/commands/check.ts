// CHECK (IMAP4rev1 only; RFC 9051 removed it): every change is already durable, so it is a NOOP;
// the engine then sends whatever updates are pending.

import { ok, type CommandSpec } from '../context.js';
import { selectedMailbox } from '../selected/selected-view.js';

export const CHECK: CommandSpec<'CHECK'> = {
  states: ['selected'],
  async run(ctx) {
    selectedMailbox(ctx, 'CHECK');
    return ok('Check completed');
  },
};
