// The helper's Unix socket server. Who may talk to it is decided by the kernel: connect(2) on a
// Unix socket needs write permission on the socket file, which is root:GROUP mode 0660 (GROUP
// being the agent's, helper.group). Node exposes no SO_PEERCRED, and matching the peer through
// /proc/net/unix and every process's fds on each connection is slow and racy, so the file's
// permissions are the check. The socket's directory must be one nobody else can write (so
// nobody can swap the socket for their own): on the appliance systemd's RuntimeDirectory=
// (helper-socket-path.ts). The helper changes the owner and mode only of directories it creates
// itself here, never of one that was there (a path that came from a config could name /etc).
//
// Requests are line-delimited JSON (helper-protocol.ts). Each connection may have a few requests
// in flight; each one gets exactly one response line.

import { chmodSync, chownSync, lstatSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../../core/log.js';
import { HelperError } from './helper-command.js';
import type { HelperDispatcher } from './helper-dispatcher.js';
import { encodeResponse, MAX_REQUEST_LINE, parseRequestLine } from './helper-protocol.js';

const MAX_IN_FLIGHT_PER_CONNECTION = 8;

export interface HelperServerOptions {
  socketPath: string;
  /** Group id given the socket (mode 0660); null: the process's own group. */
  gid: number | null;
  dispatcher: HelperDispatcher;
  logger: Logger;
}

/** Is something answering on this Unix socket path? */
function answering(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(socketPath);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

export class HelperServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private connectionSeq = 0;

  constructor(private readonly options: HelperServerOptions) {
    this.server = net.createServer((socket) => this.onConnection(socket));
  }

  async listen(): Promise<void> {
    const { socketPath, gid } = this.options;
    const dir = path.dirname(socketPath);
    // The first directory mkdir made, if any: it and those below it, down to dir, are ours.
    const firstMade = mkdirSync(dir, { recursive: true, mode: 0o750 });
    const existing = (() => { try { return lstatSync(socketPath); } catch { return null; } })();
    if (existing) {
      if (!existing.isSocket()) throw new HelperError('helper_socket_in_use', `${socketPath} exists and is not a socket; not replacing it`);
      if (await answering(socketPath)) throw new HelperError('helper_socket_in_use', `another helper is answering on ${socketPath}`);
      unlinkSync(socketPath); // stale, from a helper that died
    }
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(socketPath, () => { this.server.off('error', reject); resolve(); });
    });
    // The socket appears with the process umask (0077 under systemd: 0600, closed to all but
    // root); only then is it opened to the group.
    if (gid !== null) chownSync(socketPath, process.getuid?.() ?? 0, gid);
    chmodSync(socketPath, 0o660);
    if (firstMade !== undefined) {
      // Directories the helper made just now: the group may enter them, not write to them.
      const made: string[] = [];
      for (let d = dir; ; d = path.dirname(d)) { made.push(d); if (d === firstMade || d === path.dirname(d)) break; }
      for (const d of made) {
        if (gid !== null) chownSync(d, process.getuid?.() ?? 0, gid);
        chmodSync(d, 0o750);
      }
    } else if (statSync(dir).mode & 0o002) {
      this.options.logger.warn('the helper socket is in a world-writable directory: anyone could replace it', { dir });
    }
    this.options.logger.info('listening', { socket: socketPath, gid, commands: this.options.dispatcher.names(), outcome: 'listening' });
  }

  private onConnection(socket: net.Socket): void {
    const conn = ++this.connectionSeq;
    const logger = this.options.logger.child({ connection: conn });
    this.sockets.add(socket);
    socket.setEncoding('utf8');
    let buffer = '';
    let inFlight = 0;
    const respond = (text: string) => { if (!socket.destroyed) socket.write(text); };
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (!line.trim()) continue;
        const parsed = parseRequestLine(line);
        if (!parsed.ok) { respond(encodeResponse({ id: parsed.id, ok: false, error: parsed.error })); continue; }
        if (inFlight >= MAX_IN_FLIGHT_PER_CONNECTION) {
          respond(encodeResponse({ id: parsed.request.id, ok: false, error: { code: 'busy', message: `more than ${MAX_IN_FLIGHT_PER_CONNECTION} requests in flight on one connection` } }));
          continue;
        }
        inFlight++;
        void this.options.dispatcher.dispatch(parsed.request).then((response) => {
          inFlight--;
          respond(encodeResponse(response));
        });
      }
      if (buffer.length > MAX_REQUEST_LINE) {
        logger.warn('request line too long, closing', { outcome: 'refused' });
        socket.end(encodeResponse({ id: null, ok: false, error: { code: 'bad_request', message: `request line longer than ${MAX_REQUEST_LINE} bytes` } }));
        buffer = '';
      }
    });
    socket.on('error', (err) => logger.debug('connection error', { err }));
    socket.on('close', () => this.sockets.delete(socket));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
    try { unlinkSync(this.options.socketPath); } catch { /* already gone */ }
  }
}
