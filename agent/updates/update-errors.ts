// Errors of the update machinery, each with a stable code (for scripts, the API and tests) and
// a message an admin can act on. A refusal means nothing was installed or changed.

import { MailroomError } from '../../core/errors.js';

export type UpdateErrorCode =
  | 'bundle_unreadable'        // the file cannot be opened or read
  | 'bundle_malformed'         // not a bundle: bad tar structure, wrong first entries, bad manifest
  | 'bundle_signature_invalid' // the signature does not match the manifest under the named key
  | 'bundle_key_unknown'       // signed by a key that is not trusted (or no key is trusted)
  | 'bundle_file_corrupt'      // a file's bytes do not match its manifest hash or size
  | 'bundle_unsafe_path'       // traversal, absolute path, escaping symlink, special file
  | 'bundle_too_large'         // past the limits on sizes and entry counts
  | 'bundle_downgrade'         // older than (or the same as) what runs; --force overrides
  | 'update_busy'              // another apply holds the lock
  | 'update_no_bundle'         // nothing to apply
  | 'slots_invalid'            // the slots directory is not in a state we can work with
  | 'apt_failed'               // apt-get or dpkg-query failed
  | 'sysupdate_failed'         // systemd-sysupdate could not check (network, signature, config)
  | 'sysupdate_bad_version'    // a version that sysupdate.d's patterns could never match
  | 'updates_disabled';        // updates.enabled is false for an automatic run

export class UpdateError extends MailroomError {
  declare readonly code: UpdateErrorCode;
  constructor(code: UpdateErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
