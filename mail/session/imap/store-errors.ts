// The one place where the store's refusals (FolderErrorCode on NotFoundError, ConflictError and
// InputError; TemporaryError) become IMAP replies with RFC 5530 response codes. Every command
// that calls a folder or message operation of the store goes through storeError().

import { MailroomError, TemporaryError } from '../../../core/errors.js';
import { FolderErrorCode } from '../../store/contracts.js';
import { ImapCommandError, imapErrors } from './errors.js';

/** The IMAP refusal for a store error, or null when the error is not one the store documents. */
export function imapErrorForStore(err: unknown): ImapCommandError | null {
  if (err instanceof ImapCommandError) return err;
  if (err instanceof TemporaryError) return imapErrors.temporary(err);
  if (!(err instanceof MailroomError)) return null;
  switch (err.code) {
    case FolderErrorCode.notFound:
      return new ImapCommandError('imap_no_such_mailbox', 'No such mailbox', { responseCode: 'NONEXISTENT', cause: err });
    case FolderErrorCode.exists:
      return new ImapCommandError('imap_mailbox_exists', 'Mailbox already exists', { responseCode: 'ALREADYEXISTS', cause: err });
    case FolderErrorCode.hasChildren:
      return new ImapCommandError('imap_has_children', 'Mailbox has children; delete them first', { responseCode: 'HASCHILDREN', cause: err });
    case FolderErrorCode.protected:
      return new ImapCommandError('imap_mailbox_protected', 'INBOX cannot be deleted or replaced', { cause: err });
    case FolderErrorCode.invalidName:
      return new ImapCommandError('imap_mailbox_name_invalid', 'Invalid mailbox name', { responseCode: 'CANNOT', cause: err });
    case FolderErrorCode.overQuota:
      return new ImapCommandError('imap_over_quota', 'Quota exceeded', { responseCode: 'OVERQUOTA', cause: err });
    case FolderErrorCode.limit:
      return new ImapCommandError('imap_folder_limit', 'Too many mailboxes', { responseCode: 'LIMIT', cause: err });
    case FolderErrorCode.invalidSpecialUse:
      return new ImapCommandError('imap_use_attr', 'Unsupported special use', { responseCode: 'USEATTR', cause: err });
    case FolderErrorCode.sameFolder:
      return new ImapCommandError('imap_same_mailbox', 'Source and destination are the same mailbox', { responseCode: 'CANNOT', cause: err });
    case FolderErrorCode.invalidFlag:
      return new ImapCommandError('imap_invalid_flag', 'Invalid flag', { status: 'BAD', cause: err });
    default:
      return null;
  }
}

/**
 * Use in a catch block around store calls: throws the mapped ImapCommandError, or the error as
 * it was (the engine logs it and answers NO [SERVERBUG]).
 */
export function storeError(err: unknown): never {
  throw imapErrorForStore(err) ?? err;
}
