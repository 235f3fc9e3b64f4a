// The selected mailbox of a session, for the handlers of commands valid only in the selected
// state. The engine has checked the state already; this narrows the type and refuses when the
// folder was deleted meanwhile.

import type { ImapContext } from '../context.js';
import { ImapCommandError, imapErrors } from '../errors.js';
import { SelectedMailbox } from './selected-mailbox.js';
import { sharedErrors } from '../shared-folders.js';

export function selectedMailbox(ctx: ImapContext, command: string): SelectedMailbox {
  const state = ctx.state;
  if (state.kind !== 'selected' || !(state.mailbox instanceof SelectedMailbox)) throw imapErrors.wrongState(command);
  const view = state.mailbox;
  if (view.gone) {
    ctx.setState({ kind: 'authenticated', user: state.user });
    throw new ImapCommandError('imap_mailbox_gone', 'Mailbox was deleted by another session', { responseCode: 'NONEXISTENT', clientError: false });
  }
  return view;
}

/** Refuses changes in a mailbox opened with EXAMINE, and in a shared folder (NOPERM: no SELECT makes it writable). */
export function writableMailbox(ctx: ImapContext, command: string): SelectedMailbox {
  const view = selectedMailbox(ctx, command);
  if (view.shared) throw sharedErrors.readOnly();
  if (view.readOnly) throw imapErrors.readOnly();
  return view;
}
