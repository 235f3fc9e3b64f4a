// LSUB (IMAP4rev1, RFC 3501 section 6.3.9; gone from IMAP4rev2 but still used): the subscribed
// folders matching the pattern. RFC 3501: when `%` stops at a level whose folder is not
// subscribed but has subscribed children, that level is listed with \Noselect.

import { AUTHENTICATED } from '../command-states.js';
import { ok, type CommandSpec } from '../context.js';
import { HIERARCHY_SEPARATOR } from '../folder-names.js';
import { compilePatterns, listFolders, listLine } from './list.js';
import { sendSharedLsub } from './list-shared.js';

export const LSUB: CommandSpec<'LSUB'> = {
  states: AUTHENTICATED,
  async run(ctx, cmd) {
    if (cmd.pattern === '') return ok('LSUB completed');
    const [matcher] = compilePatterns(cmd.reference, [cmd.pattern]);
    const folders = await listFolders(ctx);
    const subscribed = new Set(folders.filter((f) => f.subscribed).map((f) => f.name));
    const placeholders = new Set<string>();
    for (const folder of folders) {
      if (!folder.subscribed) continue;
      if (matcher!.matches(folder.name)) {
        await ctx.send(listLine(ctx, 'LSUB', folder.specialUse ? [folder.specialUse] : [], folder.name));
        continue;
      }
      if (!matcher!.endsWithPercent) continue;
      const parts = folder.name.split(HIERARCHY_SEPARATOR);
      for (let i = parts.length - 1; i > 0; i--) {
        const parent = parts.slice(0, i).join(HIERARCHY_SEPARATOR);
        if (subscribed.has(parent) || placeholders.has(parent) || !matcher!.matches(parent)) continue;
        placeholders.add(parent);
        await ctx.send(listLine(ctx, 'LSUB', ['\\Noselect'], parent));
      }
    }
    await sendSharedLsub(ctx, matcher!, folders);
    return ok('LSUB completed');
  },
};
