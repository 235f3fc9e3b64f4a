// Holds an inbound message while it is verified (SPF/DKIM/DMARC need the whole message before
// the verdict, and the verdict decides the folder and the Authentication-Results field, which go
// in front of the immutable stored body). Small messages stay in memory; past `memoryLimit` the
// bytes spill to a private temporary file in its own directory (DATA/tmp/inbound). The file is
// only scratch: no fsync (durability comes from the store's transaction afterwards), removed by
// dispose(), and start() empties the directory of whatever a crash left behind. The directory is
// a subdirectory of the blob store's DATA/tmp, whose own sweep leaves directories alone.

import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

export const DEFAULT_SPOOL_MEMORY_LIMIT = 256 * 1024;

export interface SpooledMessage {
  readonly size: number;
  /** Streams the spooled bytes; may be called more than once until dispose(). */
  open(): AsyncIterable<Buffer>;
  /** Removes the temporary file, if there is one. Safe to call more than once. */
  dispose(): Promise<void>;
}

export interface SpoolWriter {
  write(chunk: Buffer): Promise<void>;
  /** No more bytes: the message can be read. */
  finish(): Promise<SpooledMessage>;
  /** Gives up: removes what was written. */
  discard(): Promise<void>;
}

export class MessageSpool {
  private constructor(readonly dir: string, readonly memoryLimit: number) {}

  /** Creates (mode 0700) and empties the spool directory. */
  static async start(dir: string, memoryLimit = DEFAULT_SPOOL_MEMORY_LIMIT): Promise<MessageSpool> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(dir)) await rm(path.join(dir, name), { force: true, recursive: true });
    return new MessageSpool(dir, memoryLimit);
  }

  create(): SpoolWriter {
    const chunks: Buffer[] = [];
    let size = 0;
    let file: string | null = null;
    let handle: FileHandle | null = null;
    let finished = false;
    const dispose = async () => {
      chunks.length = 0;
      if (handle) { const h = handle; handle = null; await h.close().catch(() => undefined); }
      if (file) { const f = file; file = null; await rm(f, { force: true }); }
    };
    return {
      write: async (chunk) => {
        if (finished) throw new Error('spool already finished');
        size += chunk.length;
        if (handle) {
          await handle.write(chunk);
          return;
        }
        chunks.push(chunk);
        if (size > this.memoryLimit) {
          file = path.join(this.dir, `${randomBytes(12).toString('hex')}.eml`);
          try {
            handle = await open(file, 'wx', 0o600);
            for (const c of chunks) await handle.write(c);
          } catch (err) {
            await dispose();
            throw err;
          }
          chunks.length = 0;
        }
      },
      finish: async () => {
        finished = true;
        if (handle) { const h = handle; handle = null; await h.close(); }
        const inMemory = file === null;
        const path_ = file;
        return {
          size,
          open: () => (inMemory ? fromChunks(chunks) : fromFile(path_!)),
          dispose,
        };
      },
      discard: async () => { finished = true; await dispose(); },
    };
  }
}

async function* fromChunks(chunks: readonly Buffer[]): AsyncGenerator<Buffer> {
  for (const c of chunks) yield c;
}

async function* fromFile(file: string): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) yield chunk as Buffer;
}
