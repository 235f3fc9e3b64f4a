// What every command handler gets: the deps, the connection, the session's state and its log.

import type { Logger } from '../../../core/log.js';
import type { Pop3Connection } from './connection.js';
import type { Pop3Deps } from './deps.js';
import type { Pop3State } from './state.js';

export interface Pop3Context {
  readonly deps: Pop3Deps;
  readonly conn: Pop3Connection;
  readonly cid: string;
  readonly remoteAddress: string;
  /** Bound with cid and remote address. */
  readonly log: Logger;
  state: Pop3State;
  /** Whether password mechanisms may be used now. */
  passwordsAllowed(): boolean;
}
