// One complete command (RawCommand, from the reader) to a typed ImapCommand, for every command
// of IMAP4rev2, IMAP4rev1 and the advertised extensions. Whether a command is allowed in the
// current state (e.g. FETCH before SELECT) is the session's business, not the parser's.

import { ImapErrorCode } from './errors.js';
import { CommandCursor } from './command-cursor.js';
import { readSequenceSet } from './sequence-set.js';
import { parseFetch } from './parse-fetch.js';
import { parseSearch } from './parse-search.js';
import { parseSort, parseThread } from './parse-sort-thread.js';
import { parseStore } from './parse-store.js';
import { parseList, parseLsub } from './parse-list.js';
import { parseStatus } from './parse-status.js';
import { parseAppendArguments } from './parse-append.js';
import { parseAuthenticate, parseLogin } from './parse-auth.js';
import { parseId } from './parse-id.js';
import { parseGetQuota, parseSetQuota } from './parse-quota.js';
import { parseCopyMove, parseCreate, parseMailboxOnly, parseRename, parseSelect } from './parse-mailbox-commands.js';
import type { ImapCommand, ParseContext, SimpleCommandName } from './command-types.js';
import type { RawCommand } from './reader-events.js';

const SIMPLE = new Set<string>(['CAPABILITY', 'NOOP', 'LOGOUT', 'STARTTLS', 'NAMESPACE', 'IDLE', 'CLOSE', 'UNSELECT', 'CHECK'] satisfies SimpleCommandName[]);

type Parser = (cur: CommandCursor, ctx: ParseContext) => ImapCommand;

const PARSERS = new Map<string, Parser>(Object.entries({
  AUTHENTICATE: (cur) => parseAuthenticate(cur),
  LOGIN: (cur) => parseLogin(cur),
  ENABLE: (cur) => {
    const capabilities: string[] = [];
    do {
      cur.sp();
      capabilities.push(cur.keyword('a capability'));
    } while (!cur.atEnd());
    return { tag: cur.tag, name: 'ENABLE', capabilities };
  },
  SELECT: (cur, ctx) => parseSelect(cur, 'SELECT', ctx),
  EXAMINE: (cur, ctx) => parseSelect(cur, 'EXAMINE', ctx),
  CREATE: (cur, ctx) => parseCreate(cur, ctx),
  DELETE: (cur, ctx) => parseMailboxOnly(cur, 'DELETE', ctx),
  SUBSCRIBE: (cur, ctx) => parseMailboxOnly(cur, 'SUBSCRIBE', ctx),
  UNSUBSCRIBE: (cur, ctx) => parseMailboxOnly(cur, 'UNSUBSCRIBE', ctx),
  GETQUOTAROOT: (cur, ctx) => parseMailboxOnly(cur, 'GETQUOTAROOT', ctx),
  RENAME: (cur, ctx) => parseRename(cur, ctx),
  LIST: (cur, ctx) => parseList(cur, ctx),
  LSUB: (cur, ctx) => parseLsub(cur, ctx),
  STATUS: (cur, ctx) => parseStatus(cur, ctx),
  APPEND: (cur, ctx) => parseAppendArguments(cur, ctx),
  EXPUNGE: (cur) => {
    cur.expectEnd();
    return { tag: cur.tag, name: 'EXPUNGE', uid: false };
  },
  SEARCH: (cur) => parseSearch(cur, false),
  SORT: (cur) => parseSort(cur, false),
  THREAD: (cur) => parseThread(cur, false),
  FETCH: (cur) => parseFetch(cur, false),
  STORE: (cur) => parseStore(cur, false),
  COPY: (cur, ctx) => parseCopyMove(cur, 'COPY', false, ctx),
  MOVE: (cur, ctx) => parseCopyMove(cur, 'MOVE', false, ctx),
  GETQUOTA: (cur) => parseGetQuota(cur),
  SETQUOTA: (cur) => parseSetQuota(cur),
  ID: (cur) => parseId(cur),
  COMPRESS: (cur) => {
    cur.sp();
    const mechanism = cur.keyword('a compression mechanism');
    cur.expectEnd();
    return { tag: cur.tag, name: 'COMPRESS', mechanism };
  },
  UID: (cur, ctx) => parseUidCommand(cur, ctx),
} satisfies Record<string, Parser>));

function parseUidCommand(cur: CommandCursor, ctx: ParseContext): ImapCommand {
  cur.sp();
  const sub = cur.keyword('a UID command');
  switch (sub) {
    case 'FETCH': return parseFetch(cur, true);
    case 'STORE': return parseStore(cur, true);
    case 'SEARCH': return parseSearch(cur, true);
    case 'SORT': return parseSort(cur, true);
    case 'THREAD': return parseThread(cur, true);
    case 'COPY': return parseCopyMove(cur, 'COPY', true, ctx);
    case 'MOVE': return parseCopyMove(cur, 'MOVE', true, ctx);
    case 'EXPUNGE': {
      cur.sp();
      const sequenceSet = readSequenceSet(cur);
      cur.expectEnd();
      return { tag: cur.tag, name: 'EXPUNGE', uid: true, sequenceSet };
    }
  }
  return cur.fail(`Unknown command UID ${sub}`, ImapErrorCode.unknownCommand);
}

/**
 * Parses a complete command. Throws ImapParseError (with the tag) for anything malformed or
 * unknown; the session answers `tag BAD ...` (or NO for BADCHARSET, see error.status).
 */
export function parseCommand(raw: RawCommand, ctx: ParseContext): ImapCommand {
  const cur = new CommandCursor(raw);
  if (raw.name === '') cur.fail('Missing command');
  cur.skipWords(2);
  if (SIMPLE.has(raw.name)) {
    cur.expectEnd();
    return { tag: raw.tag, name: raw.name as SimpleCommandName };
  }
  const parser = PARSERS.get(raw.name);
  if (!parser) {
    const printable = /^[A-Z0-9.-]{1,32}$/.test(raw.name) ? raw.name : '';
    return cur.fail(`Unknown command ${printable}`.trim(), ImapErrorCode.unknownCommand);
  }
  return parser(cur, ctx);
}
