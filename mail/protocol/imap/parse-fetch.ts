// FETCH and UID FETCH (RFC 9051 6.4.5), with BINARY (RFC 3516), CONDSTORE/QRESYNC modifiers
// (RFC 7162: CHANGEDSINCE, VANISHED) and OBJECTID items (RFC 8474).

import { readSequenceSet } from './sequence-set.js';
import { readAstringText } from './parse-common.js';
import type { CommandCursor } from './command-cursor.js';
import type { BodySection, CommandOf, FetchItem, FetchPartial, SimpleFetchAttribute } from './command-types.js';

const SIMPLE: ReadonlySet<string> = new Set<SimpleFetchAttribute>([
  'UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY',
  'RFC822', 'RFC822.HEADER', 'RFC822.TEXT', 'MODSEQ', 'EMAILID', 'THREADID', 'SAVEDATE', 'PREVIEW',
]);

const attr = (name: SimpleFetchAttribute): FetchItem => ({ kind: 'attribute', name });
const FAST = (): FetchItem[] => [attr('FLAGS'), attr('INTERNALDATE'), attr('RFC822.SIZE')];
const MACROS = {
  FAST,
  ALL: (): FetchItem[] => [...FAST(), attr('ENVELOPE')],
  FULL: (): FetchItem[] => [...FAST(), attr('ENVELOPE'), attr('BODY')],
};

const LBRACKET = 0x5b;

export function parseFetch(cur: CommandCursor, uid: boolean): CommandOf<'FETCH'> {
  cur.sp();
  const sequenceSet = readSequenceSet(cur);
  cur.sp();
  let items: FetchItem[];
  let macro: 'ALL' | 'FAST' | 'FULL' | undefined;
  if (cur.accept('(')) {
    items = [];
    do items.push(readFetchItem(cur));
    while (cur.maybeSp());
    cur.expect(')');
  } else {
    const word = cur.peekKeyword();
    if (word === 'ALL' || word === 'FAST' || word === 'FULL') {
      cur.keyword();
      macro = word;
      items = MACROS[word]();
    } else {
      items = [readFetchItem(cur)];
    }
  }
  const modifiers: CommandOf<'FETCH'>['modifiers'] = { vanished: false };
  if (cur.maybeSp()) {
    cur.expect('(');
    do {
      const name = cur.keyword('a FETCH modifier');
      if (name === 'CHANGEDSINCE') {
        cur.sp();
        modifiers.changedSince = cur.modSeq();
      } else if (name === 'VANISHED') {
        modifiers.vanished = true;
      } else {
        cur.fail(`Unknown FETCH modifier ${name}`);
      }
    } while (cur.maybeSp());
    cur.expect(')');
  }
  cur.expectEnd();
  // RFC 7162 3.2.6: VANISHED only with UID FETCH and CHANGEDSINCE.
  if (modifiers.vanished && (!uid || modifiers.changedSince === undefined)) {
    cur.fail('VANISHED requires UID FETCH with CHANGEDSINCE');
  }
  return { tag: cur.tag, name: 'FETCH', uid, sequenceSet, items, ...(macro ? { macro } : {}), modifiers };
}

function readFetchItem(cur: CommandCursor): FetchItem {
  const name = cur.keywordBefore(LBRACKET);
  if (cur.peek() === LBRACKET) {
    if (name === 'BODY' || name === 'BODY.PEEK') {
      const section = readSection(cur);
      const partial = readPartial(cur);
      return { kind: 'body', peek: name === 'BODY.PEEK', section, ...(partial ? { partial } : {}) };
    }
    if (name === 'BINARY' || name === 'BINARY.PEEK') {
      const part = readBinarySection(cur);
      const partial = readPartial(cur);
      return { kind: 'binary', peek: name === 'BINARY.PEEK', part, ...(partial ? { partial } : {}) };
    }
    if (name === 'BINARY.SIZE') return { kind: 'binarySize', part: readBinarySection(cur) };
    cur.fail(`Unexpected "[" after ${name}`);
  }
  if (SIMPLE.has(name)) return attr(name as SimpleFetchAttribute);
  return cur.fail(`Unknown FETCH item ${name}`);
}

/** section = "[" [section-spec] "]". */
function readSection(cur: CommandCursor): BodySection {
  cur.expect('[');
  const part: number[] = [];
  const section: BodySection = { part };
  if (cur.accept(']')) return section;
  let text: string | undefined;
  if (cur.peek() >= 0x30 && cur.peek() <= 0x39) {
    part.push(cur.nzNumber('a part number'));
    while (cur.accept('.')) {
      if (cur.peek() >= 0x30 && cur.peek() <= 0x39) part.push(cur.nzNumber('a part number'));
      else {
        text = cur.keyword('a section');
        break;
      }
    }
  } else {
    text = cur.keyword('a section');
  }
  if (text !== undefined) {
    if (text === 'MIME' && part.length === 0) cur.fail('MIME needs a part number');
    if (text !== 'HEADER' && text !== 'HEADER.FIELDS' && text !== 'HEADER.FIELDS.NOT' && text !== 'TEXT' && text !== 'MIME') {
      cur.fail(`Unknown section ${text}`);
    }
    section.text = text;
    if (text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT') {
      cur.sp();
      cur.expect('(');
      const fields: string[] = [];
      do fields.push(readAstringText(cur, 'a header field name'));
      while (cur.maybeSp());
      cur.expect(')');
      section.fields = fields;
    }
  }
  cur.expect(']');
  return section;
}

/** section-binary = "[" [section-part] "]". */
function readBinarySection(cur: CommandCursor): number[] {
  cur.expect('[');
  const part: number[] = [];
  if (!cur.accept(']')) {
    do part.push(cur.nzNumber('a part number'));
    while (cur.accept('.'));
    cur.expect(']');
  }
  return part;
}

/** partial = "<" number "." nz-number ">" (only responses omit the length). */
function readPartial(cur: CommandCursor): FetchPartial | undefined {
  if (!cur.accept('<')) return undefined;
  const offset = cur.number('a partial offset');
  if (!cur.accept('.')) cur.fail('Partial fetch needs a length: <offset.length>');
  const length = cur.nzNumber('a partial length');
  cur.expect('>');
  return { offset, length };
}
