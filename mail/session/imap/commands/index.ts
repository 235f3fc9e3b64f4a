// The command map: which states each verb is valid in and its handler, typed so that each
// handler gets exactly its own command shape. Split in two halves that are written apart: the
// commands of any state (connection, login, folder management) and the commands that work on
// the selected folder's messages.

import type { ImapCommandName } from '../../../protocol/imap/index.js';
import type { AppendSpec, CommandSpec } from '../context.js';
import { GENERAL_COMMANDS } from './general.js';
import { SELECTED_COMMANDS, APPEND } from './selected.js';

export type GeneralCommandName =
  | 'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'AUTHENTICATE' | 'LOGIN' | 'ENABLE' | 'ID' | 'COMPRESS'
  | 'CREATE' | 'DELETE' | 'RENAME' | 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'LIST' | 'LSUB' | 'NAMESPACE' | 'STATUS'
  | 'GETQUOTA' | 'GETQUOTAROOT' | 'SETQUOTA';

export type SelectedCommandName = Exclude<ImapCommandName, GeneralCommandName | 'APPEND'>;

export type CommandTable<K extends ImapCommandName> = { [N in K]: CommandSpec<N> };

export const COMMANDS: CommandTable<Exclude<ImapCommandName, 'APPEND'>> = { ...GENERAL_COMMANDS, ...SELECTED_COMMANDS };
export const APPEND_COMMAND: AppendSpec = APPEND;
