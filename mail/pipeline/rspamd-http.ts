// One HTTP POST of a message to rspamd (the normal worker's /checkv2, the controller's /learnspam
// and /learnham), streamed from the spool with a Content-Length, bounded by a deadline. Errors
// are RspamdError with a stable code; the caller decides what "rspamd unavailable" means.
//
// Connections come from one keep-alive agent per rspamd URL (maxSockets bounds the load we put on
// rspamd). rspamd 3.4 answers "Connection: close" and so gets a new loopback connection per
// message anyway (a fraction of a millisecond); a later rspamd or a proxy in front that keeps
// connections open gets them reused.

import http from 'node:http';
import https from 'node:https';
import { MailroomError } from '../../core/errors.js';

export type RspamdErrorCode =
  | 'rspamd_unreachable' // connection refused, reset, DNS failure
  | 'rspamd_timeout' // no complete answer before the deadline
  | 'rspamd_http_status' // an HTTP status other than the ones the endpoint answers with
  | 'rspamd_bad_reply'; // an answer that is not the JSON we expect

export class RspamdError extends MailroomError {
  /** Failed on a reused keep-alive connection before any answer: worth one more try. */
  readonly stale: boolean;
  constructor(code: RspamdErrorCode, message: string, options?: { cause?: unknown; stale?: boolean }) {
    super(code, message, options);
    this.stale = options?.stale ?? false;
  }
}

/** The message as the pipeline holds it: its size and a stream of its bytes. */
export interface MessageSource {
  readonly size: number;
  open(): AsyncIterable<Buffer>;
}

export interface RspamdPostResult {
  status: number;
  /** The reason phrase: rspamd puts its explanation there for some answers (204, 404). */
  statusMessage: string;
  body: string;
}

/** Largest answer read; rspamd's JSON for one message is a few kilobytes. */
const MAX_REPLY_BYTES = 4 * 1024 * 1024;

export interface RspamdHttp {
  post(path: string, message: MessageSource, headers: Record<string, string | string[]>): Promise<RspamdPostResult>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

export function createRspamdHttp(options: { url: string; timeoutMs: number; maxSockets?: number }): RspamdHttp {
  const base = new URL(options.url);
  const secure = base.protocol === 'https:';
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64, maxFreeSockets: 16 };
  const agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  const request = secure ? https.request : http.request;

  /** One request; `stale` marks a failure on a kept-alive connection the server had closed. */
  const once = (url: URL, message: MessageSource, headers: Record<string, string | string[]>, timeoutMs: number) =>
    new Promise<RspamdPostResult>((resolve, reject) => {
      let settled = false;
      let answered = false;
      const fail = (err: RspamdError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(err);
      };
      const timer = setTimeout(() => fail(new RspamdError('rspamd_timeout', `rspamd did not answer within ${options.timeoutMs} ms`)), timeoutMs);
      const req = request(url, {
        method: 'POST',
        agent,
        headers: { ...headers, 'Content-Length': String(message.size), 'Content-Type': 'message/rfc822' },
      });
      // Headers and body chunks go out as separate writes; without TCP_NODELAY the last one
      // waits for rspamd's delayed ACK (40 ms on Linux).
      req.on('socket', (socket) => socket.setNoDelay(true));
      req.on('error', (err: NodeJS.ErrnoException) => {
        const stale = req.reusedSocket && !answered && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
        fail(new RspamdError('rspamd_unreachable', `rspamd at ${base.host}: ${err.code ?? err.message}`, { cause: err, stale }));
      });
      req.on('response', (res) => {
        answered = true;
        if (res.statusCode === 204) {
          // rspamd sends a body after its 204 ("not learnable") anyway, which HTTP forbids and
          // the parser then reports as an error: the status line is the whole answer.
          settled = true;
          clearTimeout(timer);
          resolve({ status: 204, statusMessage: res.statusMessage ?? '', body: '' });
          req.destroy();
          return;
        }
        const parts: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_REPLY_BYTES) { fail(new RspamdError('rspamd_bad_reply', `rspamd answered more than ${MAX_REPLY_BYTES} bytes`)); return; }
          parts.push(chunk);
        });
        res.on('error', (err) => fail(new RspamdError('rspamd_unreachable', `rspamd at ${base.host}: ${err.message}`, { cause: err })));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', body: Buffer.concat(parts).toString('utf8') });
        });
      });
      void writeBody(req, message).then(
        () => undefined,
        (err: unknown) => {
          // The message could not be read (spool trouble): not rspamd's fault, so it is passed
          // on as it is and ends up as a local failure.
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          req.destroy();
          reject(err);
        },
      );
    });

  return {
    async post(path, message, headers) {
      const url = new URL(path.replace(/^\//, ''), base.href.endsWith('/') ? base.href : base.href + '/');
      const deadline = Date.now() + options.timeoutMs;
      try {
        return await once(url, message, headers, options.timeoutMs);
      } catch (err) {
        // A kept-alive connection can be closed by the server just as we reuse it: that says
        // nothing about rspamd, so the request is sent once more on a new connection.
        if (!(err instanceof RspamdError) || !err.stale || Date.now() >= deadline) throw err;
        return once(url, message, headers, deadline - Date.now());
      }
    },
    close() { agent.destroy(); },
  };
}

/**
 * Bytes gathered per write. The spool hands the message back in the pieces the SMTP stream
 * arrived in (often a few hundred bytes each); a write per piece is a system call and a TCP
 * segment per piece. Gathered, a message up to this size leaves in one write together with the
 * request header (Node sends the header with the first body bytes), and larger ones in writes
 * of this size.
 */
const WRITE_BATCH = 64 * 1024;

/**
 * Writes the message with backpressure and ends the request; stops quietly when the request is
 * gone (answered early, failed).
 */
async function writeBody(req: http.ClientRequest, message: MessageSource): Promise<void> {
  const gone = () => req.destroyed || req.writableEnded;
  let batch: Buffer[] = [];
  let bytes = 0;
  const take = () => {
    const out = batch.length === 1 ? batch[0]! : Buffer.concat(batch, bytes);
    batch = [];
    bytes = 0;
    return out;
  };
  for await (const chunk of message.open()) {
    if (gone()) return;
    batch.push(chunk);
    bytes += chunk.length;
    if (bytes < WRITE_BATCH) continue;
    if (!req.write(take())) {
      await new Promise<void>((resolve) => {
        const done = () => { req.off('drain', done); req.off('close', done); resolve(); };
        req.on('drain', done);
        req.on('close', done);
      });
    }
  }
  if (gone()) return;
  if (bytes > 0) req.end(take()); else req.end();
}
