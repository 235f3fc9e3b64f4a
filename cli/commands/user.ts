// `mailroom user add|rm|ls|passwd|quota|disable|enable`: mail accounts. Passwords come only from
// stdin. A disabled account cannot log in (SMTP AUTH, IMAP, POP3) but still receives mail.

import { checkShape, commandGroup, valueFlag } from '../command-input.js';
import { passwordFromStdin } from '../password-input.js';
import { withServices } from '../services.js';
import type { User } from '../../mail/store/contracts.js';
import { normalizeAddress } from '../../core/address.js';
import { InputError } from '../../core/errors.js';
import { formatSize, parseSize } from '../../core/size.js';

/** `60K`, `500M`, `2G`, plain bytes, or `unlimited` (null). */
function parseQuota(text: string): number | null {
  if (text.trim().toLowerCase() === 'unlimited') return null;
  const bytes = parseSize(text);
  if (bytes === null) throw new InputError('invalid_size', `"${text}" is not a size (write it like 60K, 500M, 2G, or unlimited)`);
  return bytes;
}

function showQuota(quota: number | null): string {
  return quota === null ? 'unlimited' : formatSize(quota);
}

export const userCommand = commandGroup('user', {
  async add(args, words) {
    const usage = 'user add ADDR --password-stdin [--quota SIZE]';
    checkShape(args, words, { usage, positional: [1, 1], switches: ['password-stdin'], values: ['quota'] });
    const quotaText = valueFlag(args, 'quota');
    // Parse everything before reading stdin, so bad input is refused without waiting for it.
    const quota = quotaText === undefined ? null : parseQuota(quotaText);
    const password = await passwordFromStdin(args, usage);
    const user = await withServices(args.dataDir, (s) => s.directory.addUser(words[0]!, password, { quota }));
    process.stdout.write(`added user ${user.address} (quota ${showQuota(user.quota)})\n`);
    return 0;
  },

  async rm(args, words) {
    checkShape(args, words, { usage: 'user rm ADDR', positional: [1, 1] });
    const user = await withServices(args.dataDir, (s) => s.directory.removeUser(words[0]!));
    process.stdout.write(`removed user ${user.address} and its mailbox\n`);
    return 0;
  },

  async ls(args, words) {
    checkShape(args, words, { usage: 'user ls [DOMAIN] [--json]', positional: [0, 1], switches: ['json'] });
    const users: User[] = await withServices(args.dataDir, (s) => s.directory.listUsers(words[0]));
    if (args.flags.json) {
      const rows = users.map((u) => ({ address: u.address, id: u.id, quota: u.quota, createdAt: u.createdAt.toISOString(), disabled: Boolean(u.disabledAt) }));
      process.stdout.write(JSON.stringify(rows) + '\n');
    } else {
      for (const u of users) process.stdout.write(`${u.address}\t${showQuota(u.quota)}${u.disabledAt ? '\tdisabled' : ''}\n`);
    }
    return 0;
  },

  async passwd(args, words) {
    const usage = 'user passwd ADDR --password-stdin';
    checkShape(args, words, { usage, positional: [1, 1], switches: ['password-stdin'] });
    const password = await passwordFromStdin(args, usage);
    await withServices(args.dataDir, (s) => s.directory.setPassword(words[0]!, password));
    process.stdout.write(`changed the password of ${normalizeAddress(words[0]!)}\n`);
    return 0;
  },

  async quota(args, words) {
    checkShape(args, words, { usage: 'user quota ADDR SIZE|unlimited', positional: [2, 2] });
    const quota = parseQuota(words[1]!);
    await withServices(args.dataDir, (s) => s.directory.setQuota(words[0]!, quota));
    process.stdout.write(`quota of ${normalizeAddress(words[0]!)} is now ${showQuota(quota)}\n`);
    return 0;
  },

  async disable(args, words) {
    checkShape(args, words, { usage: 'user disable ADDR', positional: [1, 1] });
    const user = await withServices(args.dataDir, (s) => s.directory.setDisabled(words[0]!, true));
    process.stdout.write(`disabled ${user.address}: it cannot log in; its mail is still accepted\n`);
    return 0;
  },

  async enable(args, words) {
    checkShape(args, words, { usage: 'user enable ADDR', positional: [1, 1] });
    const user = await withServices(args.dataDir, (s) => s.directory.setDisabled(words[0]!, false));
    process.stdout.write(`enabled ${user.address}\n`);
    return 0;
  },
});
