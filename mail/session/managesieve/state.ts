// Where a ManageSieve session is: before authentication, waiting for the client's SASL
// response after our continuation, or logged in as one account.

import type { User } from '../../store/contracts.js';

export type ManageSieveState =
  | { phase: 'anonymous' }
  | { phase: 'sasl' }
  | { phase: 'authenticated'; user: User };
