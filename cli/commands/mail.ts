// `mailroom mail ls|cat`: the admin's read-only view of any mailbox.

import { pipeline } from 'node:stream/promises';
import type { CliArgs } from '../args.js';
import { checkShape, commandGroup, valueFlag } from '../command-input.js';
import { withServices, type Services } from '../services.js';
import type { MessageSummary, User } from '../../mail/store/contracts.js';
import { InputError, NotFoundError } from '../../core/errors.js';

/** The stable shape of `mail ls --json` (DESIGN.md): scripts depend on it, add fields only. */
export interface MailListing {
  uid: number;
  folder: string;
  from: string | null;
  subject: string | null;
  size: number;
  /** ISO 8601: the Date header, or the arrival time when the header is missing or unreadable. */
  date: string;
}

export function toListing(m: MessageSummary): MailListing {
  const date = m.date && !Number.isNaN(m.date.getTime()) ? m.date : m.internalDate;
  return { uid: m.uid, folder: m.folder, from: m.from, subject: m.subject, size: m.size, date: date.toISOString() };
}

async function requireMailbox(s: Services, address: string, folder: string): Promise<User> {
  const user = await s.directory.getUser(address);
  if (!user) throw new NotFoundError('unknown_user', `no user ${address}`);
  if (!(await s.mailStore.getFolder(user.id, folder))) throw new NotFoundError('unknown_folder', `${user.address} has no folder "${folder}"`);
  return user;
}

/** One line per message; tabs and newlines in headers would break the columns. */
function tableLine(l: MailListing): string {
  const clean = (v: string | null) => (v ?? '').replace(/[\t\r\n]+/g, ' ');
  return [String(l.uid).padStart(6), l.date.slice(0, 16).replace('T', ' '), String(l.size).padStart(9), clean(l.from), clean(l.subject)].join('  ');
}

function folderOf(args: CliArgs): string {
  return valueFlag(args, 'folder') ?? 'INBOX';
}

export const mailCommand = commandGroup('mail', {
  async ls(args, words) {
    checkShape(args, words, { usage: 'mail ls ADDR [--folder F] [--json]', positional: [1, 1], switches: ['json'], values: ['folder'] });
    const folder = folderOf(args);
    const listing = await withServices(args.dataDir, async (s) => {
      const user = await requireMailbox(s, words[0]!, folder);
      return (await s.mailStore.listMessages(user.id, folder)).map(toListing);
    });
    if (args.flags.json) {
      process.stdout.write(JSON.stringify(listing) + '\n');
    } else {
      process.stdout.write(`${'UID'.padStart(6)}  ${'DATE (UTC)'.padEnd(16)}  ${'SIZE'.padStart(9)}  FROM  SUBJECT\n`);
      for (const l of listing) process.stdout.write(tableLine(l) + '\n');
    }
    return 0;
  },

  async cat(args, words) {
    checkShape(args, words, { usage: 'mail cat ADDR UID [--folder F]', positional: [2, 2], values: ['folder'] });
    if (!/^[1-9]\d{0,9}$/.test(words[1]!)) throw new InputError('invalid_uid', `"${words[1]}" is not a message UID (a positive whole number)`);
    const uid = Number(words[1]);
    const folder = folderOf(args);
    await withServices(args.dataDir, async (s) => {
      const user = await requireMailbox(s, words[0]!, folder);
      const message = await s.mailStore.getMessage(user.id, folder, uid);
      if (!message) throw new NotFoundError('unknown_message', `no message with UID ${uid} in ${user.address}'s ${folder}`);
      // Raw bytes, streamed; stdout stays open for cli/main.ts to finish normally.
      try {
        await pipeline(s.mailStore.openMessage(message.blobId), process.stdout, { end: false });
      } catch (err) {
        // `mailroom mail cat ... | head` closes the pipe early; that is the reader's choice.
        if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
      }
    });
    return 0;
  },
});
