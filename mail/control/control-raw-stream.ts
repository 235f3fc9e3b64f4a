// A control API answer that is not JSON but bytes (a raw message for the admin's download):
// the response stream itself once the daemon answered 200, or the daemon's refusal as a
// ControlError. Kept apart from the JSON client's pooled requests: a download can take long.

import http from 'node:http';
import type { Readable } from 'node:stream';
import type { ControlErrorBody } from './control-protocol.js';

export interface RawAnswer {
  /** content-length, when the daemon sent one. */
  size: number | null;
  stream: Readable;
}

export type RefusalFactory = (status: number, code: string, message: string) => Error;

export function requestRaw(socketPath: string, path: string, timeoutMs: number, refuse: RefusalFactory, unavailable: (err: Error) => Error): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path, method: 'GET', agent: false });
    // Only until the answer starts: the body may take as long as the reader takes.
    const timer = setTimeout(() => req.destroy(refuse(503, 'mail_daemon_unavailable', `the mail daemon did not answer GET ${path} within ${timeoutMs} ms`)), timeoutMs);
    req.on('response', (res) => {
      clearTimeout(timer);
      const status = res.statusCode ?? 502;
      if (status === 200) {
        const length = Number(res.headers['content-length']);
        resolve({ size: Number.isSafeInteger(length) ? length : null, stream: res });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let error: Partial<ControlErrorBody['error']> | undefined;
        try { error = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<ControlErrorBody>).error; } catch { error = undefined; }
        reject(refuse(status, typeof error?.code === 'string' ? error.code : 'control_error', typeof error?.message === 'string' ? error.message : `the mail daemon answered ${status}`));
      });
      res.on('error', (err) => reject(unavailable(err)));
    });
    req.on('error', (err) => { clearTimeout(timer); reject('status' in err ? err : unavailable(err)); });
    req.end();
  });
}
