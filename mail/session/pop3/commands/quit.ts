// QUIT. In AUTHORIZATION: goodbye. In TRANSACTION: enter UPDATE and expunge the messages marked
// deleted, in one store transaction, before answering; +OK means they are gone durably (and
// gone from INBOX for IMAP too). If the expunge fails nothing was removed and the client hears
// -ERR [SYS/TEMP], so it keeps its copy of the state and can try again. The lock goes either way.

import { errLine, okLine } from '../../../protocol/pop3/response.js';
import type { Pop3Context } from '../context.js';

export async function quit(ctx: Pop3Context): Promise<void> {
  const state = ctx.state;
  if (state.phase !== 'transaction') {
    ctx.state = { phase: 'closed' };
    await ctx.conn.end(okLine('Bye'));
    return;
  }
  ctx.state = { phase: 'update', user: state.user };
  const uids = state.drop.deletedUids();
  let reply: string;
  try {
    const removed = uids.length === 0 ? 0 : await ctx.deps.mailStore.expunge(state.user.id, 'INBOX', uids);
    ctx.log.info('pop3 update', { user: state.user.address, deleted: uids.length, removed, outcome: 'expunged' });
    reply = okLine(removed === 0 ? 'Bye' : `Bye, ${removed} messages deleted`);
  } catch (err) {
    ctx.log.error('pop3 update failed', { user: state.user.address, deleted: uids.length, err, outcome: 'error' });
    reply = errLine('Some deleted messages not removed, try again later', 'SYS/TEMP');
  } finally {
    state.releaseLock();
  }
  ctx.state = { phase: 'closed' };
  await ctx.conn.end(reply);
}
