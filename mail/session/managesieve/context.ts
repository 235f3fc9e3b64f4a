// What a command handler sees of its session.

import type { Logger } from '../../../core/log.js';
import type { ManageSieveConnection } from './connection.js';
import type { ManageSieveDeps } from './deps.js';
import type { ManageSieveState } from './state.js';

export interface ManageSieveContext {
  readonly deps: ManageSieveDeps;
  readonly conn: ManageSieveConnection;
  readonly cid: string;
  readonly remoteAddress: string;
  readonly log: Logger;
  state: ManageSieveState;
  passwordsAllowed(): boolean;
}
