// Adapts the DKIM signer (mail/queue/dkim-signer.ts) to the streaming MessageSigner hook. A
// DKIM-Signature goes in front of the message but depends on all of it, so the message streams
// once through the signer and into a private temporary file at the same time (never whole in
// memory), then the signature fields and the file's bytes stream on. The file is removed
// whatever happens; startSigningDir() clears what a crash left behind.

import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DkimSigner } from '../queue/dkim-signer.js';
import type { MessageSigner } from './message-signer.js';

/** Creates (mode 0700) and empties the directory for messages being signed. */
export async function startSigningDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const name of await readdir(dir)) await rm(path.join(dir, name), { force: true });
}

export function dkimMessageSigner(signer: DkimSigner, dir: string): MessageSigner {
  return ({ domain, message }) => (async function* () {
    const file = path.join(dir, `${randomBytes(12).toString('hex')}.eml`);
    const out = await open(file, 'wx', 0o600);
    let closed = false;
    try {
      async function* through(): AsyncGenerator<Buffer> {
        for await (const chunk of message) {
          await out.write(chunk);
          yield chunk;
        }
      }
      const header = await signer.sign(domain, through());
      await out.close();
      closed = true;
      if (header) yield Buffer.from(header, 'utf8');
      for await (const chunk of createReadStream(file)) yield chunk as Buffer;
    } finally {
      if (!closed) await out.close().catch(() => undefined);
      await rm(file, { force: true });
    }
  })();
}
