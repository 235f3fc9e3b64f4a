// `mailroom domain add|rm|ls [NAME]`: the mail domains this server receives for.

import { checkShape, commandGroup } from '../command-input.js';
import { withServices } from '../services.js';
import { normalizeDomain } from '../../core/address.js';

export const domainCommand = commandGroup('domain', {
  async add(args, words) {
    checkShape(args, words, { usage: 'domain add NAME', positional: [1, 1] });
    const domain = await withServices(args.dataDir, (s) => s.directory.addDomain(words[0]!));
    process.stdout.write(`added domain ${domain.name}\n`);
    return 0;
  },

  async rm(args, words) {
    checkShape(args, words, { usage: 'domain rm NAME', positional: [1, 1] });
    await withServices(args.dataDir, (s) => s.directory.removeDomain(words[0]!));
    process.stdout.write(`removed domain ${normalizeDomain(words[0]!)}\n`);
    return 0;
  },

  async ls(args, words) {
    checkShape(args, words, { usage: 'domain ls [--json]', positional: [0, 0], switches: ['json'] });
    const domains = await withServices(args.dataDir, (s) => s.directory.listDomains());
    if (args.flags.json) process.stdout.write(JSON.stringify(domains.map((d) => ({ name: d.name, createdAt: d.createdAt.toISOString() }))) + '\n');
    else for (const d of domains) process.stdout.write(`${d.name}\n`);
    return 0;
  },
});
