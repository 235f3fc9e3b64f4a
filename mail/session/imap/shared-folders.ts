// The shared namespace (RFC 2342, RFC 9051 section 6.3.10): folders other owners let this
// account read (mailing-list archives), shown as "Shared/NAME" when ImapDeps.sharedFolders is
// set. The session maps such a name to the owner and folder the store keeps it under, after the
// resolver says this account may read it; to everyone else the name does not exist.
//
// Shared folders are read-only: SELECT answers as EXAMINE ([READ-ONLY]); STORE, EXPUNGE, MOVE
// out, APPEND and COPY into them are refused with NO [NOPERM]; their flags are the owner's, the
// same for every reader (nobody's \Seen is kept). COPY out into the reader's own folders works.
//
// "Shared" and the names below it are reserved while the namespace is on: CREATE and RENAME into
// it are refused. A personal folder already called "Shared/..." stays reachable under its name
// unless a shared folder has the same name.

import type { SharedFolder, User } from '../../store/contracts.js';
import type { ImapContext } from './context.js';
import { ImapCommandError, imapErrors } from './errors.js';
import { HIERARCHY_SEPARATOR } from './folder-names.js';
import { storeError } from './store-errors.js';

export const SHARED_ROOT = 'Shared';
export const SHARED_PREFIX = SHARED_ROOT + HIERARCHY_SEPARATOR;

/** The NAMESPACE answer's shared part: `(("Shared/" "/"))`, or NIL when the namespace is off. */
export function sharedNamespace(ctx: ImapContext): string {
  return ctx.deps.sharedFolders ? `(("${SHARED_PREFIX}" "${HIERARCHY_SEPARATOR}"))` : 'NIL';
}

/** The name is in the shared namespace (the root itself or below it) and the namespace is on. */
export function inSharedNamespace(ctx: ImapContext, name: string): boolean {
  return ctx.deps.sharedFolders != null && (name === SHARED_ROOT || name.startsWith(SHARED_PREFIX));
}

/** The client-visible name of a shared folder. */
export function sharedDisplayName(folder: SharedFolder): string {
  return SHARED_PREFIX + folder.name;
}

/** The shared folder a client's name (store form, after folderNameFromClient) means, or null. */
export async function resolveShared(ctx: ImapContext, user: User, name: string): Promise<SharedFolder | null> {
  const resolver = ctx.deps.sharedFolders;
  if (!resolver || !name.startsWith(SHARED_PREFIX)) return null;
  try {
    return await resolver.getShared(user, name.slice(SHARED_PREFIX.length));
  } catch (err) {
    return storeError(err);
  }
}

/** The shared folders this account may read now ([] when the namespace is off). */
export async function listShared(ctx: ImapContext, user: User): Promise<SharedFolder[]> {
  const resolver = ctx.deps.sharedFolders;
  if (!resolver) return [];
  try {
    return (await resolver.listShared(user)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    return storeError(err);
  }
}

export const sharedErrors = {
  readOnly: () => new ImapCommandError('imap_shared_read_only', 'Shared folders are read-only', { responseCode: 'NOPERM' }),
  reserved: () => new ImapCommandError('imap_shared_reserved', `Names under ${SHARED_PREFIX} are shared folders; they cannot be created or renamed`, { responseCode: 'NOPERM' }),
};

/**
 * A command that would write into `name` (APPEND, COPY or MOVE into it, DELETE, RENAME): throws
 * NOPERM for a shared folder this account may read, NONEXISTENT for any other name in the shared
 * namespace (so non-members learn nothing); returns when `name` is a personal folder name.
 * A personal folder that exists under the name is left to the caller (`personalExists`).
 */
export async function refuseSharedTarget(ctx: ImapContext, user: User, name: string, personalExists?: () => Promise<boolean>): Promise<void> {
  if (!inSharedNamespace(ctx, name)) return;
  if (await resolveShared(ctx, user, name)) throw sharedErrors.readOnly();
  if (personalExists && await personalExists()) return;
  throw imapErrors.noSuchMailbox();
}
