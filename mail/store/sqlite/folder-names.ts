// Which folder names the store accepts for CREATE and RENAME, and the hierarchy they imply.
// "/" separates levels. A name is refused (InputError, code folder_name_invalid) when it is
// empty, has an empty level ("/a", "a//b", "a/"), holds a control character or a LIST wildcard
// ("*" and "%" are legal in IMAP names but LIST could never match them literally), is longer
// than MAX_FOLDER_NAME_LENGTH characters or deeper than MAX_FOLDER_DEPTH levels. A session strips
// the one trailing "/" that RFC 9051 allows on CREATE before it calls the store.

import { InputError } from '../../../core/errors.js';
import { FolderErrorCode } from '../contracts.js';
import { normalizeFolderName } from './mail-rows.js';

export const FOLDER_SEPARATOR = '/';
/** Characters (code points) in a full name, parents included. */
export const MAX_FOLDER_NAME_LENGTH = 255;
/** Levels in a name: "a/b/c" has 3. */
export const MAX_FOLDER_DEPTH = 16;
/** Folders an account may have, the standard ones included (refused with code folder_limit). */
export const MAX_FOLDERS_PER_USER = 1000;

/** The RFC 6154 attributes a created folder may carry; \All and \Flagged are virtual views this store does not have. */
export const CREATABLE_SPECIAL_USE = ['\\Archive', '\\Drafts', '\\Junk', '\\Sent', '\\Trash'] as const;

// C0 and C1 controls, DEL, and the LIST wildcards.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f*%]/;
// Half a surrogate pair: not a character, and SQLite would store it as U+FFFD.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function invalid(name: string, why: string): InputError {
  return new InputError(FolderErrorCode.invalidName, `invalid folder name ${JSON.stringify(name)}: ${why}`);
}

/** The stored form of a name a client wants to create or rename to, or an InputError saying what is wrong. */
export function validFolderName(name: string): string {
  const normalized = normalizeFolderName(name);
  if (normalized === '') throw invalid(name, 'it is empty');
  if ([...normalized].length > MAX_FOLDER_NAME_LENGTH) throw invalid(name, `it is longer than ${MAX_FOLDER_NAME_LENGTH} characters`);
  if (FORBIDDEN.test(normalized)) throw invalid(name, 'it holds a control character, "*" or "%"');
  if (LONE_SURROGATE.test(normalized)) throw invalid(name, 'it is not valid Unicode');
  const levels = normalized.split(FOLDER_SEPARATOR);
  if (levels.some((l) => l === '')) throw invalid(name, 'it has an empty level');
  if (levels.length > MAX_FOLDER_DEPTH) throw invalid(name, `it is deeper than ${MAX_FOLDER_DEPTH} levels`);
  return normalized;
}

/** The ancestors of a name, outermost first: "a/b/c" gives ["a", "a/b"]. */
export function ancestorsOf(name: string): string[] {
  const levels = name.split(FOLDER_SEPARATOR);
  return levels.slice(1).map((_, i) => levels.slice(0, i + 1).join(FOLDER_SEPARATOR));
}

/** Whether `name` is `ancestor` or lies below it. */
export function isWithin(name: string, ancestor: string): boolean {
  return name === ancestor || name.startsWith(ancestor + FOLDER_SEPARATOR);
}

/** The canonical spelling of a special-use attribute for CREATE, or an InputError (USEATTR). */
export function creatableSpecialUse(attribute: string): string {
  const found = CREATABLE_SPECIAL_USE.find((a) => a.toLowerCase() === attribute.toLowerCase());
  if (!found) throw new InputError(FolderErrorCode.invalidSpecialUse, `special-use attribute ${JSON.stringify(attribute)} is not supported here`);
  return found;
}
