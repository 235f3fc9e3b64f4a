// Adapts the DKIM signer (mail/queue/dkim-signer.ts) to the streaming MessageSigner hook. A
// DKIM-Signature goes in front of the message but depends on all of it, so the message streams
// once through the signer while it is kept, then the signature fields and the kept bytes stream
// on. Most mail is small: up to `memoryLimit` bytes it is kept in memory (a file round trip per
// message cost more than the signing itself); past that it spills to a private temporary file,
// so a large message is never whole in memory. The file is removed whatever happens;
// startSigningDir() clears what a crash left behind.

import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { DkimSigner } from '../queue/dkim-signer.js';
import type { MessageSigner } from './message-signer.js';

/** Messages up to this size are kept in memory while signed. */
export const DEFAULT_SIGNING_MEMORY_LIMIT = 256 * 1024;

export interface DkimMessageSignerOptions {
  /** Bytes kept in memory before the message spills to a file in the signing directory. */
  memoryLimit?: number;
}

/** Creates (mode 0700) and empties the directory for messages being signed. */
export async function startSigningDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const name of await readdir(dir)) await rm(path.join(dir, name), { force: true });
}

export function dkimMessageSigner(signer: DkimSigner, dir: string, options: DkimMessageSignerOptions = {}): MessageSigner {
  const memoryLimit = options.memoryLimit ?? DEFAULT_SIGNING_MEMORY_LIMIT;
  return ({ domain, message }) => (async function* () {
    const kept = new MessageKeeper(dir, memoryLimit);
    try {
      async function* through(): AsyncGenerator<Buffer> {
        for await (const chunk of message) {
          await kept.add(chunk);
          yield chunk;
        }
      }
      const header = await signer.sign(domain, through());
      await kept.finish();
      if (header) yield Buffer.from(header, 'utf8');
      yield* kept.replay();
    } finally {
      await kept.discard();
    }
  })();
}

/** Keeps a message's bytes in memory up to a limit, then in a temporary file. */
class MessageKeeper {
  private chunks: Buffer[] = [];
  private size = 0;
  private file: string | null = null;
  private handle: FileHandle | null = null;

  constructor(private readonly dir: string, private readonly memoryLimit: number) {}

  async add(chunk: Buffer): Promise<void> {
    this.size += chunk.length;
    if (!this.file && this.size <= this.memoryLimit) {
      this.chunks.push(chunk);
      return;
    }
    if (!this.file) {
      this.file = path.join(this.dir, `${randomBytes(12).toString('hex')}.eml`);
      this.handle = await open(this.file, 'wx', 0o600);
      const buffered = Buffer.concat(this.chunks);
      this.chunks = [];
      await this.handle.write(buffered);
    }
    await this.handle!.write(chunk);
  }

  async finish(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }

  async *replay(): AsyncGenerator<Buffer> {
    if (!this.file) {
      yield* this.chunks;
      return;
    }
    for await (const chunk of createReadStream(this.file)) yield chunk as Buffer;
  }

  async discard(): Promise<void> {
    this.chunks = [];
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
    if (this.file) await rm(this.file, { force: true });
  }
}
