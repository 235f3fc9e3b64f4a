// A DkimSigner that signs on a worker thread (dkim-sign-worker.ts), for the mail daemon: the
// main thread runs every SMTP session and was spending about half a millisecond per submitted
// message on DKIM. The message is gathered here (it streams from the session) and handed over
// whole; one larger than `maxBytes` is signed on this thread as before, so a big message is
// never held in memory twice. The worker starts on first use; if it dies, what it held fails
// (the session answers 451 and the client retries) and the next message starts a new one.
// Signatures are byte for byte those of createDkimSigner with the same keys and time.

import type { KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { MailroomError, TemporaryError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { createDkimSigner, type DkimKeySource, type DkimSigner } from './dkim-signer.js';
import type { SignKeyRef, SignReply, SignRequest } from './dkim-sign-messages.js';

/** Messages up to this size go to the worker (DEFAULT_SIGNING_MEMORY_LIMIT: they are in memory anyway). */
export const DEFAULT_WORKER_SIGN_MAX_BYTES = 256 * 1024;
const WORKER_URL = new URL('./dkim-sign-worker.js', import.meta.url);

export interface WorkerDkimSignerOptions {
  keys: DkimKeySource;
  now?: () => Date;
  maxBytes?: number;
  logger?: Logger;
  /** The worker entry (tests may point elsewhere). */
  workerUrl?: URL;
}

export interface WorkerDkimSigner extends DkimSigner {
  /** Stops the worker; what it held fails. Later calls start a new one. */
  close(): Promise<void>;
  /** Workers started so far (tests). */
  readonly workersStarted: number;
}

interface Pending {
  resolve: (header: string) => void;
  reject: (err: unknown) => void;
}

export function createWorkerDkimSigner(options: WorkerDkimSignerOptions): WorkerDkimSigner {
  const now = options.now ?? (() => new Date());
  const maxBytes = options.maxBytes ?? DEFAULT_WORKER_SIGN_MAX_BYTES;
  const local = createDkimSigner({ keys: options.keys, now });
  const keyIds = new WeakMap<KeyObject, number>();
  let nextKeyId = 1;
  let nextRequestId = 1;
  let worker: Worker | null = null;
  /** Key ids the current worker has been sent. */
  let sentKeys = new Set<number>();
  const pending = new Map<number, Pending>();
  let workersStarted = 0;

  const failAll = (err: unknown): void => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  const start = (): Worker => {
    const w = new Worker(options.workerUrl ?? WORKER_URL);
    workersStarted++;
    sentKeys = new Set();
    // The daemon's shutdown does not wait for an idle signer.
    w.unref();
    w.on('message', (reply: SignReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.header);
      else p.reject(new MailroomError(reply.code, reply.message));
      if (pending.size === 0) w.unref();
    });
    const gone = (err: unknown) => {
      if (worker !== w) return;
      worker = null;
      options.logger?.error('DKIM signing worker stopped; messages it held are retried by their clients', { err, outcome: 'worker-exit' });
      failAll(new TemporaryError('dkim_worker_failed', `the DKIM signing worker stopped: ${(err as Error)?.message ?? String(err)}`));
    };
    w.on('error', gone);
    w.on('exit', (code) => gone(new Error(`exit code ${code}`)));
    return w;
  };

  const keyRef = (key: { selector: string; algorithm: 'rsa' | 'ed25519'; privateKey: KeyObject }): SignKeyRef => {
    let id = keyIds.get(key.privateKey);
    if (id === undefined) { id = nextKeyId++; keyIds.set(key.privateKey, id); }
    const ref: SignKeyRef = { id, selector: key.selector, algorithm: key.algorithm };
    if (!sentKeys.has(id)) { ref.privateKey = key.privateKey; sentKeys.add(id); }
    return ref;
  };

  const onWorker = (domain: string, keys: Awaited<ReturnType<DkimKeySource['activeKeys']>>, message: Buffer): Promise<string> => {
    worker ??= start();
    const w = worker;
    const id = nextRequestId++;
    const request: SignRequest = { id, domain, keys: keys.map(keyRef), message, time: Math.floor(now().getTime() / 1000) };
    return new Promise<string>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.ref();
      w.postMessage(request);
    });
  };

  return {
    get workersStarted() { return workersStarted; },

    async sign(domain, message) {
      const keys = await options.keys.activeKeys(domain);
      if (keys.length === 0) return local.sign(domain, message);
      if (typeof message === 'string') message = Buffer.from(message, 'utf8');
      if (Buffer.isBuffer(message)) return message.length <= maxBytes ? onWorker(domain, keys, message) : local.sign(domain, message);
      // A stream: gathered up to maxBytes; past that, this thread signs what was gathered and the rest.
      const chunks: Buffer[] = [];
      let size = 0;
      const iterator = message[Symbol.asyncIterator]();
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
        chunks.push(chunk);
        size += chunk.length;
        if (size > maxBytes) return local.sign(domain, gatheredThenRest(chunks, iterator));
      }
      return onWorker(domain, keys, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    },

    async close() {
      const w = worker;
      worker = null;
      failAll(new TemporaryError('dkim_worker_closed', 'the DKIM signer is closing'));
      if (w) await w.terminate();
    },
  };
}

async function* gatheredThenRest(chunks: Buffer[], rest: AsyncIterator<Buffer | string>): AsyncGenerator<Buffer | string> {
  yield* chunks;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

