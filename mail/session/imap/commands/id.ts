// ID (RFC 2971): the client says who it is (logged, bounded), we say who we are.

import { ResponseBuilder } from '../../../protocol/imap/index.js';
import { ANY_STATE } from '../command-states.js';
import { ok, type CommandSpec } from '../context.js';

/** Enough of what a client says about itself for the logs. */
const LOGGED_FIELDS = new Set(['name', 'version', 'vendor', 'os', 'os-version', 'support-url']);

export const ID: CommandSpec<'ID'> = {
  states: ANY_STATE,
  async run(ctx, cmd) {
    if (cmd.params) {
      const client: Record<string, string | null> = {};
      for (const [field, value] of cmd.params) {
        const key = field.toLowerCase();
        if (LOGGED_FIELDS.has(key)) client[key] = value === null ? null : value.slice(0, 100);
      }
      ctx.log.info('imap client id', { client, outcome: 'id' });
    }
    const fields: Array<[string, string]> = [['name', 'Mailroom'], ['version', ctx.deps.version ?? 'unknown']];
    const response = new ResponseBuilder(ctx.writerOptions())
      .raw('* ID ').list(fields, (b, [field, value]) => b.string(field).sp().string(value)).crlf();
    await ctx.send(response.chunks());
    return ok('ID completed');
  },
};
