// `mailroom alias add|rm|ls`: addresses that deliver to users or other aliases; `@domain` is
// the domain's catch-all.

import { checkShape, commandGroup } from '../command-input.js';
import { withServices } from '../services.js';
import { normalizeAddress, normalizeCatchAll } from '../../core/address.js';

export const aliasCommand = commandGroup('alias', {
  async add(args, words) {
    checkShape(args, words, { usage: 'alias add ADDR TARGET[,TARGET...]', positional: [2, 2] });
    const targets = words[1]!.split(',').map((t) => t.trim()).filter((t) => t !== '');
    const alias = await withServices(args.dataDir, (s) => s.directory.addAlias(words[0]!, targets));
    process.stdout.write(`added alias ${alias.address} -> ${alias.targets.join(',')}\n`);
    return 0;
  },

  async rm(args, words) {
    checkShape(args, words, { usage: 'alias rm ADDR', positional: [1, 1] });
    await withServices(args.dataDir, (s) => s.directory.removeAlias(words[0]!));
    process.stdout.write(`removed alias ${normalizeCatchAll(words[0]!) ?? normalizeAddress(words[0]!)}\n`);
    return 0;
  },

  async ls(args, words) {
    checkShape(args, words, { usage: 'alias ls [DOMAIN] [--json]', positional: [0, 1], switches: ['json'] });
    const aliases = await withServices(args.dataDir, (s) => s.directory.listAliases(words[0]));
    if (args.flags.json) process.stdout.write(JSON.stringify(aliases) + '\n');
    else for (const a of aliases) process.stdout.write(`${a.address}\t${a.targets.join(',')}\n`);
    return 0;
  },
});
