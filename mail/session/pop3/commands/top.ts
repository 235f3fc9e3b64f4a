// TOP msg n: the header and the first n body lines; reading stops once they are sent.

import type { Pop3Command } from '../../../protocol/pop3/command.js';
import { TopFilter } from '../../../protocol/pop3/top-filter.js';
import type { Pop3Context } from '../context.js';
import { sendBody } from './send-body.js';
import { message, transaction } from './transaction.js';

export async function top(ctx: Pop3Context, cmd: Extract<Pop3Command, { verb: 'TOP' }>): Promise<void> {
  const ref = message(transaction(ctx).drop, cmd.msg);
  await sendBody(ctx, ref, 'Top of message follows', new TopFilter(cmd.lines));
}
