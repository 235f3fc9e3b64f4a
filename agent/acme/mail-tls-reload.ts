// Asks the mail daemon to serve the new certificate: POST /v1/tls/reload on its control socket
// (DIR/run/control.sock). A daemon that is not running is not an error: it reads the new files
// when it starts.

import http from 'node:http';
import { MailroomError } from '../../core/errors.js';

export type MailReloadOutcome = { reloaded: true; fingerprint256: string } | { reloaded: false; reason: string };

export function reloadMailTls(socketPath: string, timeoutMs = 10_000): Promise<MailReloadOutcome> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: '/v1/tls/reload', method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': '2' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let body: { fingerprint256?: string; error?: { code?: string; message?: string } } = {};
        try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body; } catch { /* described below */ }
        if (res.statusCode === 200 && body.fingerprint256) resolve({ reloaded: true, fingerprint256: body.fingerprint256 });
        else reject(new MailroomError(body.error?.code ?? 'tls_reload_failed', `the mail daemon did not take the new certificate: ${body.error?.message ?? `HTTP ${res.statusCode}`}`));
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') resolve({ reloaded: false, reason: 'the mail daemon is not running' });
      else reject(new MailroomError('tls_reload_failed', `cannot reach the mail daemon's control socket: ${err.message}`, { cause: err }));
    });
    req.end('{}');
  });
}
