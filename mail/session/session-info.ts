// What the listener (listener/session-listener.ts) tells a session about its connection, and what
// every session (IMAP, POP3, ManageSieve) keeps of it: the connection id, the client's address
// and a logger whose lines carry both.

import type { Logger } from '../../core/log.js';

export interface SessionInfo {
  cid: string;
  remoteAddress: string;
  remotePort: number;
  /** Implicit TLS (993, 995): the socket is already a finished TLS socket. */
  secure: boolean;
}

export abstract class ConnectedSession {
  readonly cid: string;
  readonly remoteAddress: string;
  readonly log: Logger;

  /** @param proto 'imap', 'pop3' ...: the `proto` field of every log line */
  protected constructor(logger: Logger, info: SessionInfo, proto: string) {
    this.cid = info.cid;
    this.remoteAddress = info.remoteAddress;
    this.log = logger.child({ cid: info.cid, remote: info.remoteAddress, proto });
  }
}
