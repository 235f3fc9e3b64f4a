// Commands that name mailboxes: SELECT/EXAMINE (with CONDSTORE and QRESYNC parameters, RFC 7162),
// CREATE (with USE, RFC 6154), DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, COPY, MOVE.

import { readSequenceSet } from './sequence-set.js';
import { readMailbox, readParenList } from './parse-common.js';
import { canonicalFlag } from './flags.js';
import type { CommandCursor } from './command-cursor.js';
import type { CommandOf, ParseContext, QresyncParams } from './command-types.js';

export function parseSelect(cur: CommandCursor, name: 'SELECT' | 'EXAMINE', ctx: ParseContext): CommandOf<'SELECT' | 'EXAMINE'> {
  cur.sp();
  const mailbox = readMailbox(cur, ctx);
  let condstore = false;
  let qresync: QresyncParams | undefined;
  if (cur.maybeSp()) {
    readParenList(cur, () => {
      const param = cur.keyword('a SELECT parameter');
      if (param === 'CONDSTORE') condstore = true;
      else if (param === 'QRESYNC') {
        cur.sp();
        qresync = readQresync(cur);
      } else cur.fail(`Unknown ${name} parameter ${param}`);
    }, false);
  }
  cur.expectEnd();
  return { tag: cur.tag, name, mailbox, condstore, ...(qresync ? { qresync } : {}) };
}

/** "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")". */
function readQresync(cur: CommandCursor): QresyncParams {
  cur.expect('(');
  const uidValidity = cur.nzNumber('a UIDVALIDITY');
  cur.sp();
  const params: QresyncParams = { uidValidity, modSeq: cur.modSeq(false) };
  if (cur.maybeSp() && cur.peek() !== 0x28) {
    params.knownUids = readSequenceSet(cur);
    if (params.knownUids.kind === 'saved') cur.fail('"$" is not allowed in QRESYNC');
    cur.maybeSp();
  }
  if (cur.accept('(')) {
    const sequences = readSequenceSet(cur);
    cur.sp();
    const uids = readSequenceSet(cur);
    cur.expect(')');
    params.seqMatch = { sequences, uids };
  }
  cur.expect(')');
  return params;
}

export function parseCreate(cur: CommandCursor, ctx: ParseContext): CommandOf<'CREATE'> {
  cur.sp();
  const mailbox = readMailbox(cur, ctx);
  const specialUse: string[] = [];
  if (cur.maybeSp()) {
    readParenList(cur, () => {
      const param = cur.keyword('a CREATE parameter');
      if (param !== 'USE') cur.fail(`Unknown CREATE parameter ${param}`);
      cur.sp();
      for (const use of readParenList(cur, () => {
        cur.expect('\\');
        return canonicalSpecialUse('\\' + cur.atom('a special-use attribute'));
      }, false)) specialUse.push(use);
    }, false);
  }
  cur.expectEnd();
  return { tag: cur.tag, name: 'CREATE', mailbox, specialUse };
}

const SPECIAL_USE = ['\\All', '\\Archive', '\\Drafts', '\\Flagged', '\\Junk', '\\Sent', '\\Trash', '\\Important'];
const SPECIAL_USE_BY_UPPER = new Map(SPECIAL_USE.map((u) => [u.toUpperCase(), u]));

function canonicalSpecialUse(use: string): string {
  return SPECIAL_USE_BY_UPPER.get(use.toUpperCase()) ?? canonicalFlag(use);
}

/** DELETE, SUBSCRIBE, UNSUBSCRIBE, GETQUOTAROOT: one mailbox argument. */
export function parseMailboxOnly(cur: CommandCursor, name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'GETQUOTAROOT', ctx: ParseContext): CommandOf<typeof name> {
  cur.sp();
  const mailbox = readMailbox(cur, ctx);
  cur.expectEnd();
  return { tag: cur.tag, name, mailbox };
}

export function parseRename(cur: CommandCursor, ctx: ParseContext): CommandOf<'RENAME'> {
  cur.sp();
  const from = readMailbox(cur, ctx);
  cur.sp();
  const to = readMailbox(cur, ctx);
  cur.expectEnd();
  return { tag: cur.tag, name: 'RENAME', from, to };
}

export function parseCopyMove(cur: CommandCursor, name: 'COPY' | 'MOVE', uid: boolean, ctx: ParseContext): CommandOf<'COPY' | 'MOVE'> {
  cur.sp();
  const sequenceSet = readSequenceSet(cur);
  cur.sp();
  const mailbox = readMailbox(cur, ctx);
  cur.expectEnd();
  return { tag: cur.tag, name, uid, sequenceSet, mailbox };
}
