// clamd's INSTREAM command over a Unix or TCP socket: "zINSTREAM\0", then the message in chunks
// each prefixed by its length as a 4-byte big-endian number, then a zero length. clamd answers
// one NUL-terminated line and closes:
//   "stream: OK"                                   clean
//   "stream: Eicar-Test-Signature FOUND"           infected
//   "INSTREAM size limit exceeded. ERROR"          longer than its StreamMaxLength
//   "... ERROR"                                    anything else that went wrong in clamd
// Past StreamMaxLength clamd answers and closes while we may still be sending; when our next
// write meets the closed connection (EPIPE), Node drops the socket with the answer unread, so the
// result is then "clamd_unreachable". The check therefore never sends more than
// antivirus.maxScanSize (set it to clamd's StreamMaxLength) and decides "too large" itself.
// One connection per message: clamd's sessions (IDSESSION) would save only a loopback connect.
// The connection opens as soon as the check starts (in parallel with SPF/DKIM/DMARC, see
// session/smtp/on-data.ts) and the whole request leaves in one writev.

import net from 'node:net';
import { MailroomError } from '../../core/errors.js';

export type ClamdAddress = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

export type ClamdErrorCode =
  | 'clamd_unreachable' // no connection (refused, no socket file), or it broke before an answer
  | 'clamd_timeout' // no answer before the deadline
  | 'clamd_too_large' // the stream is longer than clamd's StreamMaxLength
  | 'clamd_error' // clamd answered "... ERROR"
  | 'clamd_bad_reply' // an answer that is none of the above
  | 'clamd_bad_address';

export class ClamdError extends MailroomError {
  constructor(code: ClamdErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export type ClamdScan = { status: 'clean' } | { status: 'infected'; signature: string };

/** "unix:/run/clamav/clamd.ctl" or "tcp://127.0.0.1:3310" (IPv6 as "tcp://[::1]:3310"). */
export function parseClamdAddress(value: string): ClamdAddress {
  if (value.startsWith('unix:')) {
    const p = value.slice('unix:'.length);
    if (p.startsWith('/')) return { kind: 'unix', path: p };
  }
  const m = /^tcp:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  if (m) {
    const port = Number(m[2]);
    if (port >= 1 && port <= 65535) return { kind: 'tcp', host: m[1]!.replace(/^\[|\]$/g, ''), port };
  }
  throw new ClamdError('clamd_bad_address', `clamd address must be "unix:/path" or "tcp://host:port", not ${JSON.stringify(value)}`);
}

export function describeClamdAddress(address: ClamdAddress): string {
  return address.kind === 'unix' ? `unix:${address.path}` : `tcp://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}

export interface ClamdClient {
  scan(message: AsyncIterable<Buffer>): Promise<ClamdScan>;
}

export interface ClamdClientOptions {
  address: ClamdAddress;
  timeoutMs: number;
  /** Largest chunk sent at once (clamd refuses a chunk over StreamMaxLength). */
  maxChunk?: number;
}

const MAX_REPLY = 4096;
const DEFAULT_MAX_CHUNK = 64 * 1024;

export function createClamdClient(options: ClamdClientOptions): ClamdClient {
  const where = describeClamdAddress(options.address);
  const maxChunk = options.maxChunk ?? DEFAULT_MAX_CHUNK;
  return {
    scan(message) {
      return new Promise<ClamdScan>((resolve, reject) => {
        const socket = options.address.kind === 'unix'
          ? net.connect({ path: options.address.path })
          : net.connect({ host: options.address.host, port: options.address.port });
        let reply: Buffer = Buffer.alloc(0);
        let answered = false; // a complete reply line arrived
        let settled = false;
        const finish = (err: unknown, scan?: ClamdScan) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          socket.destroy();
          if (err) reject(err); else resolve(scan!);
        };
        const timer = setTimeout(() => finish(new ClamdError('clamd_timeout', `clamd at ${where} did not answer within ${options.timeoutMs} ms`)), options.timeoutMs);
        const settleWithReply = () => {
          const end = reply.indexOf(0);
          const line = (end >= 0 ? reply.subarray(0, end) : reply).toString('latin1').trim();
          try { finish(null, parseReply(line, where)); } catch (err) { finish(err); }
        };
        socket.on('data', (chunk: Buffer) => {
          reply = reply.length === 0 ? chunk : Buffer.concat([reply, chunk]);
          if (reply.includes(0) || reply.length > MAX_REPLY) { answered = true; settleWithReply(); }
        });
        socket.on('end', () => {
          // Some builds end the line with "\n" instead of NUL, or close right after it.
          if (reply.length > 0) { answered = true; settleWithReply(); }
          else finish(new ClamdError('clamd_unreachable', `clamd at ${where} closed the connection without an answer`));
        });
        socket.on('error', (err: NodeJS.ErrnoException) => {
          // Writing after clamd answered "size limit exceeded" and closed gives EPIPE/ECONNRESET:
          // the answer is what counts.
          if (reply.length > 0) { answered = true; settleWithReply(); return; }
          finish(new ClamdError('clamd_unreachable', `clamd at ${where}: ${err.code ?? err.message}`, { cause: err }));
        });
        // A larger message goes out in several writes: with Nagle's algorithm the last one
        // would wait for clamd's delayed ACK (40 ms on Linux).
        if (options.address.kind === 'tcp') socket.setNoDelay(true);
        // Sent at once: the socket queues what is written while it connects.
        void send(socket, message, maxChunk, () => settled || answered).then(
          () => undefined,
          // The message could not be read (spool trouble): passed on as it is, a local failure.
          (err: unknown) => finish(err),
        );
      });
    },
  };
}

const COMMAND = Buffer.from('zINSTREAM\0', 'latin1');
const END_MARK = Buffer.alloc(4);
/** Bytes handed to one writev; the rest waits for the socket to drain. */
const WRITE_BATCH = 256 * 1024;

/**
 * Sends the command, the framed message and the end mark as one writev (cork/uncork) of the
 * spooled pieces as they are, each frame's 4-byte length in front (no copy of the message): a
 * 4 KB message is one system call. A frame gathers consecutive pieces up to maxChunk bytes
 * (clamd does not care where frames end); a larger message goes out in writev batches of about
 * WRITE_BATCH bytes with backpressure. Writes made while the socket still connects are queued by
 * it, so sending starts as soon as the message can be read.
 */
async function send(socket: net.Socket, message: AsyncIterable<Buffer>, maxChunk: number, stop: () => boolean): Promise<void> {
  let out: Buffer[] = [COMMAND];
  let outBytes = COMMAND.length;
  let frame: Buffer[] = [];
  let frameBytes = 0;
  const closeFrame = () => {
    if (frameBytes === 0) return;
    const len = Buffer.allocUnsafe(4);
    len.writeUInt32BE(frameBytes, 0);
    out.push(len);
    for (const part of frame) out.push(part);
    outBytes += 4 + frameBytes;
    frame = [];
    frameBytes = 0;
  };
  const flush = async (): Promise<boolean> => {
    if (stop() || socket.destroyed) return false;
    socket.cork();
    let ok = true;
    for (const b of out) ok = socket.write(b);
    socket.uncork();
    out = [];
    outBytes = 0;
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = () => { socket.off('drain', done); socket.off('close', done); resolve(); };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
    return !stop() && !socket.destroyed;
  };
  for await (const chunk of message) {
    if (stop()) return;
    for (let off = 0; off < chunk.length;) {
      const n = Math.min(maxChunk - frameBytes, chunk.length - off);
      frame.push(off === 0 && n === chunk.length ? chunk : chunk.subarray(off, off + n));
      frameBytes += n;
      off += n;
      if (frameBytes >= maxChunk) closeFrame();
    }
    if (outBytes + frameBytes >= WRITE_BATCH) {
      closeFrame();
      if (!(await flush())) return;
    }
  }
  closeFrame();
  out.push(END_MARK);
  await flush();
}

function parseReply(line: string, where: string): ClamdScan {
  if (line === 'stream: OK') return { status: 'clean' };
  const found = /^stream: (.+) FOUND$/.exec(line);
  if (found) return { status: 'infected', signature: found[1]!.trim() };
  if (/size limit exceeded/i.test(line)) throw new ClamdError('clamd_too_large', `clamd at ${where}: ${line}`);
  if (/ERROR$/.test(line)) throw new ClamdError('clamd_error', `clamd at ${where}: ${line.slice(0, 200)}`);
  throw new ClamdError('clamd_bad_reply', `clamd at ${where} answered ${JSON.stringify(line.slice(0, 200))}`);
}
