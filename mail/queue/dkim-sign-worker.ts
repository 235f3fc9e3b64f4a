// The DKIM signing worker: a thread that signs submitted messages (dkim-signer.ts, RSA in line)
// so that the main thread, which runs every SMTP session, does not. Per 4 KB message the main
// thread spent about half a millisecond on DKIM (the relaxed body hash, the header
// canonicalization, an Ed25519 signature and the hand-off of the RSA one to the pool): the
// largest part of its work that Postfix, relaying, does not do. Answers carry their request's id.

import type { KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { MailroomError } from '../../core/errors.js';
import { createDkimSigner, type DkimKey } from './dkim-signer.js';
import type { SignReply, SignRequest } from './dkim-sign-messages.js';

if (!parentPort) throw new Error('dkim-sign-worker.js runs as a worker thread of the DKIM signer');
const port = parentPort;

const keysById = new Map<number, KeyObject>();

port.on('message', (request: SignRequest) => {
  void handle(request).then((reply) => port.postMessage(reply));
});

async function handle(request: SignRequest): Promise<SignReply> {
  try {
    const keys: DkimKey[] = request.keys.map((ref) => {
      if (ref.privateKey) keysById.set(ref.id, ref.privateKey);
      const privateKey = keysById.get(ref.id);
      if (!privateKey) throw new MailroomError('dkim_key_unknown', `the signing worker has no key ${ref.id} (${ref.selector})`);
      return { selector: ref.selector, algorithm: ref.algorithm, privateKey };
    });
    // A signer per request (it is a few closures): its keys and time are this request's.
    const signer = createDkimSigner({ keys: { activeKeys: async () => keys }, now: () => new Date(request.time * 1000), rsaInline: true });
    const message = Buffer.from(request.message.buffer, request.message.byteOffset, request.message.byteLength);
    return { id: request.id, ok: true, header: await signer.sign(request.domain, message) };
  } catch (err) {
    const code = err instanceof MailroomError ? err.code : 'dkim_sign_failed';
    return { id: request.id, ok: false, code, message: (err as Error)?.message ?? String(err) };
  }
}
