// The commands that work on a selected mailbox's messages (plus SELECT/EXAMINE, which open
// one, IDLE, and APPEND, which streams its message through an AppendSpec).

import type { AppendSpec } from '../context.js';
import type { CommandTable, SelectedCommandName } from './index.js';
import { APPEND as APPEND_SPEC } from './append.js';
import { CHECK } from './check.js';
import { CLOSE } from './close.js';
import { COPY } from './copy.js';
import { EXPUNGE } from './expunge.js';
import { FETCH } from './fetch.js';
import { IDLE } from './idle.js';
import { MOVE } from './move.js';
import { SEARCH } from './search.js';
import { EXAMINE, SELECT } from './select.js';
import { SORT } from './sort.js';
import { STORE } from './store.js';
import { THREAD } from './thread.js';
import { UNSELECT } from './unselect.js';

export const SELECTED_COMMANDS: CommandTable<SelectedCommandName> = {
  SELECT, EXAMINE, IDLE, CLOSE, UNSELECT, CHECK, EXPUNGE, SEARCH, SORT, THREAD, FETCH, STORE, COPY, MOVE,
};

export const APPEND: AppendSpec = APPEND_SPEC;
