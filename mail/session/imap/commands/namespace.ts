// NAMESPACE (RFC 2342, RFC 9051 section 6.3.10): one personal namespace, no prefix, "/" as the
// hierarchy separator; no other users' folders; the shared namespace "Shared/" when the daemon
// shares folders (list archives, shared-folders.ts).

import { formatUntagged } from '../../../protocol/imap/index.js';
import { AUTHENTICATED } from '../command-states.js';
import { ok, type CommandSpec } from '../context.js';
import { sharedNamespace } from '../shared-folders.js';

export const NAMESPACE: CommandSpec<'NAMESPACE'> = {
  states: AUTHENTICATED,
  async run(ctx) {
    await ctx.send(formatUntagged(`NAMESPACE (("" "/")) NIL ${sharedNamespace(ctx)}`));
    return ok('NAMESPACE completed');
  },
};
