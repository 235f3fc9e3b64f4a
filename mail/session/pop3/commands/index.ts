// The command map: which states each verb is valid in and its handler. Typed so that each
// handler gets exactly its own command shape.

import type { Pop3Command, Pop3Verb } from '../../../protocol/pop3/command.js';
import type { Pop3Context } from '../context.js';
import type { Pop3Phase } from '../state.js';
import { auth } from './auth.js';
import { capa } from './capa.js';
import { dele } from './dele.js';
import { list } from './list.js';
import { noop } from './noop.js';
import { pass } from './pass.js';
import { quit } from './quit.js';
import { retr } from './retr.js';
import { rset } from './rset.js';
import { stat } from './stat.js';
import { stls } from './stls.js';
import { top } from './top.js';
import { uidl } from './uidl.js';
import { user } from './user.js';

export interface CommandSpec<V extends Pop3Verb> {
  phases: readonly Pop3Phase[];
  run(ctx: Pop3Context, cmd: Extract<Pop3Command, { verb: V }>): Promise<void>;
}

const AUTH: readonly Pop3Phase[] = ['authorization'];
const TRANS: readonly Pop3Phase[] = ['transaction'];
const BOTH: readonly Pop3Phase[] = ['authorization', 'transaction'];

export const COMMANDS: { [V in Pop3Verb]: CommandSpec<V> } = {
  CAPA: { phases: BOTH, run: capa },
  STLS: { phases: AUTH, run: stls },
  USER: { phases: AUTH, run: user },
  PASS: { phases: AUTH, run: pass },
  AUTH: { phases: AUTH, run: auth },
  STAT: { phases: TRANS, run: stat },
  LIST: { phases: TRANS, run: list },
  UIDL: { phases: TRANS, run: uidl },
  RETR: { phases: TRANS, run: retr },
  TOP: { phases: TRANS, run: top },
  DELE: { phases: TRANS, run: dele },
  RSET: { phases: TRANS, run: rset },
  NOOP: { phases: TRANS, run: noop },
  QUIT: { phases: BOTH, run: quit },
};
