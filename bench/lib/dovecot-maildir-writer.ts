// Fills a Maildir with the generated messages the way an MDA would have left them: one file per
// message in cur/ (already seen by a client, so flags ride in the ":2,<flags>" suffix), LF line
// ends as Maildir files have them, ",S=<size>,W=<CRLF size>" in the name (Dovecot's fast path:
// no stat or read to learn sizes) and the file's mtime set to the message date, which Dovecot
// takes as INTERNALDATE. Dovecot builds its index at the first SELECT (the "cold" figure).

import { utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateMessage } from './mailbox-generator.js';

const FLAG_LETTERS: Record<string, string> = { '\\Draft': 'D', '\\Flagged': 'F', '\\Answered': 'R', '\\Seen': 'S', '\\Deleted': 'T' };

/** Maildir info suffix letters, in the ASCII order the Maildir spec requires. */
export function maildirFlags(flags: readonly string[]): string {
  return flags.map((f) => FLAG_LETTERS[f] ?? '').filter(Boolean).sort().join('');
}

export async function writeMaildir(opts: {
  maildir: string;
  seed: number;
  count: number;
  recipient: string;
  concurrency?: number;
  onProgress?: (done: number) => void;
}): Promise<{ bytes: number }> {
  let next = 0;
  let done = 0;
  let bytes = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= opts.count) return;
      const m = generateMessage(opts.seed, i, opts.recipient);
      const lf = Buffer.from(m.raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
      const secs = Math.floor(m.date.getTime() / 1000);
      const name = `${secs}.M${i}P1.bench.test,S=${lf.length},W=${m.raw.length}:2,${maildirFlags(m.flags)}`;
      const file = path.join(opts.maildir, 'cur', name);
      await writeFile(file, lf);
      await utimes(file, m.date, m.date);
      bytes += lf.length;
      done++;
      if (done % 5000 === 0) opts.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  return { bytes };
}
