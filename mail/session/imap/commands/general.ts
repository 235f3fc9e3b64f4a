// The commands of any state (RFC 9051 sections 6.1-6.3 and the extensions): connection,
// login, and folder management. The commands on the selected folder's messages are in
// selected.ts.

import type { CommandTable, GeneralCommandName } from './index.js';
import { AUTHENTICATE } from './authenticate.js';
import { CAPABILITY } from './capability.js';
import { COMPRESS } from './compress.js';
import { CREATE } from './create.js';
import { DELETE } from './delete.js';
import { ENABLE } from './enable.js';
import { ID } from './id.js';
import { LIST } from './list.js';
import { LOGIN } from './login.js';
import { LOGOUT } from './logout.js';
import { LSUB } from './lsub.js';
import { NAMESPACE } from './namespace.js';
import { NOOP } from './noop.js';
import { GETQUOTA, GETQUOTAROOT, SETQUOTA } from './quota.js';
import { RENAME } from './rename.js';
import { STARTTLS } from './starttls.js';
import { STATUS } from './status.js';
import { SUBSCRIBE, UNSUBSCRIBE } from './subscribe.js';

export const GENERAL_COMMANDS: CommandTable<GeneralCommandName> = {
  CAPABILITY, NOOP, LOGOUT, STARTTLS, AUTHENTICATE, LOGIN, ENABLE, ID, COMPRESS,
  CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB, NAMESPACE, STATUS,
  GETQUOTA, GETQUOTAROOT, SETQUOTA,
};
