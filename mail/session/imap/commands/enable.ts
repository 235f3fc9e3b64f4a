// ENABLE (RFC 5161): CONDSTORE, QRESYNC (which implies CONDSTORE, RFC 7162 section 3.2.3) and
// IMAP4rev2 (RFC 9051 section 6.3.1: UTF-8 names, ESEARCH answers, no \Recent). Only valid in the
// authenticated state; `* ENABLED` lists what this command newly turned on (possibly nothing).

import { formatUntagged } from '../../../protocol/imap/index.js';
import { ok, type CommandSpec } from '../context.js';

/** Upper-cased name (as kept in ctx.enabled) to the spelling we advertise. */
const ENABLEABLE = new Map([
  ['CONDSTORE', 'CONDSTORE'],
  ['QRESYNC', 'QRESYNC'],
  ['IMAP4REV2', 'IMAP4rev2'],
]);

export const ENABLE: CommandSpec<'ENABLE'> = {
  states: ['authenticated'],
  async run(ctx, cmd) {
    const enabledNow: string[] = [];
    for (const requested of cmd.capabilities) {
      const key = requested.toUpperCase();
      const spelling = ENABLEABLE.get(key);
      if (!spelling || ctx.enabled.has(key)) continue;
      ctx.enabled.add(key);
      enabledNow.push(spelling);
      if (key === 'QRESYNC' || key === 'CONDSTORE') {
        ctx.enabled.add('CONDSTORE');
        ctx.condstore = true;
      }
    }
    await ctx.send(formatUntagged(['ENABLED', ...enabledNow].join(' ')));
    return ok('ENABLE completed');
  },
};
