// The command map: verb -> handler and the states it is allowed in.

import type { CommandArg } from '../../../protocol/managesieve/index.js';
import type { ManageSieveContext } from '../context.js';
import { authenticate } from './authenticate.js';
import { capability } from './capability.js';
import { checkscript } from './checkscript.js';
import { deletescript } from './deletescript.js';
import { getscript } from './getscript.js';
import { havespace } from './havespace.js';
import { listscripts } from './listscripts.js';
import { logout } from './logout.js';
import { noop } from './noop.js';
import { putscript } from './putscript.js';
import { renamescript } from './renamescript.js';
import { setactive } from './setactive.js';
import { starttls } from './starttls.js';
import { unauthenticate } from './unauthenticate.js';

export interface CommandSpec {
  /** 'any', or only before / only after authentication. */
  when: 'any' | 'anonymous' | 'authenticated';
  run(ctx: ManageSieveContext, args: CommandArg[]): Promise<void | 'close'>;
}

export const COMMANDS: Record<string, CommandSpec> = {
  AUTHENTICATE: { when: 'anonymous', run: authenticate },
  STARTTLS: { when: 'anonymous', run: starttls },
  CAPABILITY: { when: 'any', run: capability },
  HAVESPACE: { when: 'authenticated', run: havespace },
  PUTSCRIPT: { when: 'authenticated', run: putscript },
  LISTSCRIPTS: { when: 'authenticated', run: listscripts },
  SETACTIVE: { when: 'authenticated', run: setactive },
  GETSCRIPT: { when: 'authenticated', run: getscript },
  DELETESCRIPT: { when: 'authenticated', run: deletescript },
  RENAMESCRIPT: { when: 'authenticated', run: renamescript },
  CHECKSCRIPT: { when: 'authenticated', run: checkscript },
  NOOP: { when: 'any', run: noop },
  LOGOUT: { when: 'any', run: logout },
  UNAUTHENTICATE: { when: 'authenticated', run: unauthenticate },
};
