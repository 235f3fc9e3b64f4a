// The store refuses folder operations with stable codes (store/contracts.ts FolderErrorCode);
// these are the IMAP answers to them. Anything else is not the client's doing and goes up.

import { MailroomError } from '../../../../core/errors.js';
import { FolderErrorCode } from '../../../store/contracts.js';
import { ImapCommandError, imapErrors } from '../errors.js';

export function storeRefusal(err: unknown): ImapCommandError | null {
  if (!(err instanceof MailroomError)) return null;
  switch (err.code) {
    case FolderErrorCode.notFound: return imapErrors.tryCreate();
    case FolderErrorCode.overQuota: return imapErrors.overQuota();
    case FolderErrorCode.sameFolder:
      return new ImapCommandError('imap_same_mailbox', 'Source and destination are the same mailbox', { responseCode: 'CANNOT', cause: err });
    case FolderErrorCode.invalidFlag:
      return new ImapCommandError('imap_flag_invalid', 'Invalid flag', { status: 'BAD', cause: err });
    default: return null;
  }
}

/** Runs a store call, turning its refusals into IMAP answers. */
export async function refusingAsImap<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw storeRefusal(err) ?? err;
  }
}
