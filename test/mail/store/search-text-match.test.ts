import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Db } from '../../../mail/store/sqlite/database.js';
import { SearchTermBuilder } from '../../../mail/store/sqlite/search-terms.js';
import { bodyOfSearchText, containsFolded, foldNeedle, headerContains, headerJsonMayMatch } from '../../../mail/store/sqlite/search-text-match.js';
import { buildEnvelope } from '../../../mail/protocol/mime/envelope.js';

describe('search text matching', () => {
  it('matches case-insensitively, white space runs as one space, diacritics significant', () => {
    const table: Array<[string, string, boolean]> = [
      ['Hello World', 'hello world', true],
      ['Hello \t\n World', 'HELLO WORLD', true],
      ['Hello World', 'hello  world', true],
      ['Caf\u00e9', 'CAF\u00c9', true],
      ['Caf\u00e9', 'cafe', false],
      ['abc', '', true],
      ['abc', 'abcd', false],
    ];
    for (const [hay, value, expected] of table) assert.equal(containsFolded(hay, foldNeedle(value)), expected, `${hay} / ${value}`);
  });

  it('cuts the Subject/From/To/Cc lines off the search text for BODY', () => {
    const envelope = buildEnvelope([
      { name: 'Subject', value: 'Hi  there' },
      { name: 'From', value: 'A <a@x.org>' },
      { name: 'Cc', value: 'c@x.org' },
    ]);
    assert.equal(bodyOfSearchText('Hi there\nA <a@x.org>\nc@x.org\nthe body\nmore', envelope), 'the body\nmore');
    assert.equal(bodyOfSearchText('Hi there\nA <a@x.org>\nc@x.org', envelope), '');
    assert.equal(bodyOfSearchText('something else entirely', envelope), 'something else entirely', 'unknown layout: the whole text, never less');
    assert.equal(bodyOfSearchText('Hi there\nA <a@x.org>\nc@x.org.more', envelope), 'Hi there\nA <a@x.org>\nc@x.org.more');
    assert.equal(bodyOfSearchText('only body', buildEnvelope([])), 'only body');
  });

  it('matches header fields by name, decoded', () => {
    const headers = [{ name: 'Subject', value: '=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from  here' }, { name: 'X-Tag', value: 'a' }];
    assert.equal(headerContains(headers, 'subject', foldNeedle('GR\u00dc\u00dfE FROM HERE')), true);
    assert.equal(headerContains(headers, 'subject', foldNeedle('=?utf-8')), false);
    assert.equal(headerContains(headers, 'x-tag', ''), true);
    assert.equal(headerContains(headers, 'x-other', ''), false);
  });

  it('looks at the headers JSON first without ever dropping a message that matches', () => {
    const json = (headers: Array<{ name: string; value: string }>): string => JSON.stringify(headers);
    const table: Array<[string, string, string, boolean]> = [
      [json([{ name: 'Subject', value: 'Quarterly Report' }]), 'subject', 'report', true],
      [json([{ name: 'Subject', value: 'Quarterly Report' }]), 'subject', 'budget', false],
      [json([{ name: 'From', value: 'Quarterly Report' }]), 'subject', 'report', false],
      [json([{ name: 'Subject', value: 'Quarterly  Report' }]), 'subject', 'quarterly report', true],
      [json([{ name: 'Subject', value: '=?utf-8?b?UmVwb3J0?=' }]), 'subject', 'report', true],
      [json([{ name: 'Subject', value: '\u212aelvin' }]), 'subject', 'kelvin', true],
      [json([{ name: 'Subject', value: 'say "hi"' }]), 'subject', '"hi"', true],
      [json([{ name: 'Subject', value: 'caf\u00e9' }]), 'subject', 'caf\u00e9', true],
    ];
    for (const [text, field, value, expected] of table) {
      assert.equal(headerJsonMayMatch(text, field, foldNeedle(value)), expected, `${text} ${field} ${value}`);
      const exact = headerContains(JSON.parse(text) as Array<{ name: string; value: string }>, field, foldNeedle(value));
      if (exact) assert.equal(headerJsonMayMatch(text, field, foldNeedle(value)), true, 'never drops a match');
    }
  });
});

describe('FTS query from a search value', () => {
  let dir: string;
  let db: Db;
  let terms: SearchTermBuilder;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-terms-'));
    db = openDatabase(path.join(dir, 'terms.db'));
    terms = new SearchTermBuilder(db);
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses the index tokenizer and keeps only what a substring must contain', () => {
    const table: Array<[string, string | null]> = [
      ['hello', '"hello" *'], // one word: must begin a word (the documented narrowing)
      ['Hello.', '"hello" *'],
      [' hello ', '"hello"'], // bounded on both sides: a whole word
      ['quick brown', '"brown" *'], // the first word may end a longer word
      [' quick brown', '"quick brown" *'],
      ['quick brown ', '"brown"'],
      ['the lazy dog.', '"lazy dog"'],
      ['Caf\u00e9 NA\u00cfVE', '"naive" *'],
      ['@@@', null],
      ['--- ###', null],
      ['', null],
    ];
    for (const [value, expected] of table) assert.equal(terms.matchExpression(value), expected, JSON.stringify(value));
  });
});
