// smtp-server holds every new connection for a fixed 100 ms before it greets, to catch clients
// that talk first. No option changes that, and at an MX that takes one message per connection
// it caps a sender at ten connections a second (the bench measured 0.39x Postfix because of it).
// Mailroom instead runs the pregreet test (pipeline/pregreet-gate.ts): an unknown client waits
// `limits.greetingWait` ms once, a client that passed is greeted at once for a day. Anything a
// client sends before the greeting gets smtp-server's "421 You talk too soon".
//
// The patch replaces SMTPConnection.init (the only place the fixed delay lives) with the same
// steps and our wait. It applies to every SMTPServer in the process; a server without the
// `greetingWait` option greets at once. It also tells the server's `connectionCreated` option of
// each new connection before anything is read or written on it, so the session can find its
// connection without walking server.connections (one pass per connect, thousands open at once).

import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

/** Options our SMTPServer instances carry for the patched init. */
export interface GreetingWaitOptions {
  /** ms this client waits for its greeting; 0 greets at once. */
  greetingWait?: (remoteAddress: string) => number;
  /** The client waited its turn without talking first. */
  greetingPassed?: (remoteAddress: string) => void;
  /** Called with each new SMTPConnection at the start of its init(), before it reads or writes. */
  connectionCreated?: (connection: unknown) => void;
}

interface ConnectionInternals {
  _setListeners(callback: () => void): void;
  connectionReady(next?: () => void): void;
  _server: { options: { maxClients?: number } & GreetingWaitOptions; connections: Set<unknown> };
  _socket: NodeJS.EventEmitter;
  remoteAddress: string;
  name: string;
  send(code: number, message: string, context?: unknown): void;
}

const proto = SMTPConnection.prototype as unknown as ConnectionInternals & { init(): void; __mailroomGreetingWait?: boolean };

if (typeof proto._setListeners !== 'function' || typeof proto.connectionReady !== 'function') {
  // A smtp-server release changed its internals: fail loudly at start, not silently slow.
  throw new Error('smtp-server internals changed: SMTPConnection._setListeners/connectionReady not found');
}

if (!proto.__mailroomGreetingWait) {
  proto.__mailroomGreetingWait = true;
  proto.init = function init(this: ConnectionInternals): void {
    this._server.options.connectionCreated?.(this);
    this._setListeners(() => {
      const options = this._server.options;
      if (options.maxClients && this._server.connections.size > options.maxClients) {
        this.send(421, this.name + ' Too many connected clients, try again in a moment', false);
        return;
      }
      const wait = options.greetingWait?.(this.remoteAddress) ?? 0;
      if (wait <= 0) {
        this.connectionReady();
        return;
      }
      let talkedFirst = false;
      const onEarlyData = () => { talkedFirst = true; };
      this._socket.once('data', onEarlyData);
      const timer = setTimeout(() => {
        this._socket.off('data', onEarlyData);
        if (!talkedFirst) options.greetingPassed?.(this.remoteAddress);
        this.connectionReady();
      }, wait);
      timer.unref();
    });
  };
}
