// The TRANSACTION-state helpers shared by the message commands.

import type { MessageRef } from '../../../store/contracts.js';
import type { Pop3Context } from '../context.js';
import { Pop3Error, pop3Errors } from '../errors.js';
import type { Maildrop } from '../maildrop.js';
import type { Pop3State } from '../state.js';

export type TransactionState = Extract<Pop3State, { phase: 'transaction' }>;

export function transaction(ctx: Pop3Context): TransactionState {
  // The dispatcher checks phases first; this guards the type and any future mistake.
  if (ctx.state.phase !== 'transaction') throw new Pop3Error('pop3_wrong_state', 'Not in the TRANSACTION state');
  return ctx.state;
}

export function message(drop: Maildrop, msg: number): MessageRef {
  const ref = drop.get(msg);
  if (ref) return ref;
  throw drop.isDeleted(msg) ? pop3Errors.deleted() : pop3Errors.noSuchMessage();
}
