// RETR and TOP send a stored body as a multi-line response. The first chunk is read before +OK
// goes out, so a body that cannot be opened (expunged through IMAP meanwhile, a disk error) is
// an -ERR rather than a response cut off in the middle. A failure after +OK can only close the
// connection: the client then sees an incomplete response, never a truncated message as whole.

import type { Readable } from 'node:stream';
import { DotStuffer } from '../../../protocol/pop3/dot-stuffer.js';
import { okLine } from '../../../protocol/pop3/response.js';
import type { MessageRef } from '../../../store/contracts.js';
import type { Pop3Context } from '../context.js';
import { Pop3Error } from '../errors.js';

export async function sendBody(ctx: Pop3Context, ref: MessageRef, status: string, filter?: { push(chunk: Buffer): Buffer; readonly done: boolean }): Promise<void> {
  const stream: Readable = ctx.deps.mailStore.openMessage(ref.blobId);
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first: IteratorResult<Buffer>;
  try {
    first = await chunks.next();
  } catch (err) {
    stream.destroy();
    throw new Pop3Error('pop3_body_unavailable', 'Message body is not available', { respCode: 'SYS/TEMP', cause: err, clientError: false });
  }
  const stuffer = new DotStuffer();
  const out = (chunk: Buffer) => stuffer.push(filter ? filter.push(chunk) : chunk);
  await ctx.conn.write(okLine(status));
  try {
    if (!first.done) await ctx.conn.write(out(first.value));
    while (!(filter?.done ?? false) && !ctx.conn.closed) {
      const next = await chunks.next();
      if (next.done) break;
      await ctx.conn.write(out(next.value));
    }
  } catch (err) {
    ctx.log.error('pop3 body failed mid-response; closing', { uid: ref.uid, blobId: ref.blobId, err, outcome: 'error' });
    ctx.conn.destroy();
    return;
  } finally {
    stream.destroy();
  }
  await ctx.conn.write(stuffer.finish());
}
