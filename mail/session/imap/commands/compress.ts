// COMPRESS DEFLATE (RFC 4978): after the tagged OK both directions are raw deflate streams. Not
// before login (a client has nothing to compress yet and a flood of inflate work would cost us
// before we know who it is); once only (NO [COMPRESSIONACTIVE]).

import { AUTHENTICATED } from '../command-states.js';
import { ok, type CommandSpec } from '../context.js';
import { ImapCommandError } from '../errors.js';

export const COMPRESS: CommandSpec<'COMPRESS'> = {
  states: AUTHENTICATED,
  async run(ctx, cmd) {
    if (ctx.compressed) throw new ImapCommandError('imap_compression_active', 'Compression is already active', { responseCode: 'COMPRESSIONACTIVE' });
    if (cmd.mechanism !== 'DEFLATE') throw new ImapCommandError('imap_compress_mechanism', 'Unsupported compression mechanism', { status: 'BAD' });
    ctx.startCompressionAfterReply();
    return ok('DEFLATE active');
  },
};
