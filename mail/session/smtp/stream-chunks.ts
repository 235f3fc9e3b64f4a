// Reads a stream chunk by chunk without destroying it when the reader stops early. A
// `for await` over the stream itself would destroy it on `break` or `throw`, and smtp-server
// would then answer DATA while the client is still sending the message.

import type { Readable } from 'node:stream';

export async function* readChunks(stream: Readable): AsyncGenerator<Buffer> {
  while (true) {
    const chunk = stream.read() as Buffer | string | null;
    if (chunk !== null) {
      yield typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
      continue;
    }
    if (stream.readableEnded) return;
    if (stream.errored) throw stream.errored;
    if (stream.destroyed) throw new Error('stream closed before its end');
    await new Promise<void>((resolve) => {
      const wake = () => {
        stream.off('readable', wake);
        stream.off('end', wake);
        stream.off('error', wake);
        stream.off('close', wake);
        resolve();
      };
      stream.on('readable', wake);
      stream.on('end', wake);
      stream.on('error', wake);
      stream.on('close', wake);
    });
  }
}

/** Reads and discards the rest of a stream, passing each chunk to `each`. Never throws. */
export async function drain(stream: Readable, each: (chunk: Buffer) => void = () => {}): Promise<void> {
  try {
    for await (const chunk of readChunks(stream)) each(chunk);
  } catch {
    // the connection went away; nothing left to read
  }
}
