// `mailroom forward set|rm|ls`: forwarders, addresses of ours whose mail is also (or only) sent
// on to addresses outside our domains, with the sender rewritten by SRS (mail/srs).

import { checkShape, commandGroup, UsageError } from '../command-input.js';
import { withServices, type Services } from '../services.js';
import { SqliteForwardStore } from '../../mail/store/sqlite/forward-store.js';
import type { ForwardStore } from '../../mail/store/contracts.js';

function forwardStore(s: Services): ForwardStore {
  return new SqliteForwardStore({ db: s.db, logger: s.logger });
}

export const forwardCommand = commandGroup('forward', {
  async set(args, words) {
    const usage = 'forward set ADDR TARGET[,TARGET...] [--keep|--no-keep]';
    checkShape(args, words, { usage, positional: [2, 2], switches: ['keep', 'no-keep'] });
    if (args.flags.keep && args.flags['no-keep']) throw new UsageError(`--keep and --no-keep exclude each other (usage: mailroom ${usage})`);
    // Neither: keep a copy when the address has a mailbox (nothing leaves that the user no
    // longer has), none for an address that is only a forwarder.
    const keepCopy = args.flags.keep === true ? true : args.flags['no-keep'] === true ? false : undefined;
    const targets = words[1]!.split(',').map((t) => t.trim()).filter((t) => t !== '');
    const f = await withServices(args.dataDir, (s) => forwardStore(s).setForward(words[0]!, targets, keepCopy === undefined ? {} : { keepCopy }));
    process.stdout.write(`forwarding ${f.address} -> ${f.targets.join(',')} (${f.keepCopy ? 'keeping a copy' : 'no local copy'})\n`);
    return 0;
  },

  async rm(args, words) {
    checkShape(args, words, { usage: 'forward rm ADDR', positional: [1, 1] });
    const f = await withServices(args.dataDir, (s) => forwardStore(s).removeForward(words[0]!));
    process.stdout.write(`removed forwarder ${f.address}\n`);
    return 0;
  },

  async ls(args, words) {
    checkShape(args, words, { usage: 'forward ls [DOMAIN] [--json]', positional: [0, 1], switches: ['json'] });
    const list = await withServices(args.dataDir, (s) => forwardStore(s).listForwards(words[0]));
    if (args.flags.json) process.stdout.write(JSON.stringify(list) + '\n');
    else for (const f of list) process.stdout.write(`${f.address}\t${f.targets.join(',')}\t${f.keepCopy ? 'keep' : 'no-keep'}\n`);
    return 0;
  },
});
