import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SortCriterion } from '../../../../mail/protocol/imap/command-types.js';
import { displayAddress, firstMailbox, sortEntries, sortEntry, type SortSource } from '../../../../mail/protocol/imap-sort/sort-messages.js';
import type { EnvelopeAddress } from '../../../../mail/protocol/mime/types.js';

const addr = (name: string | null, mailbox: string, host = 'example.com'): EnvelopeAddress => ({ name, adl: null, mailbox, host });
const day = (d: number, h = 0) => new Date(Date.UTC(2025, 5, d, h));

function source(seq: number, over: Partial<SortSource>): SortSource {
  return { seq, internalDate: day(1), sentDate: null, size: 100, subject: null, from: null, to: null, cc: null, ...over };
}

const MESSAGES: SortSource[] = [
  source(1, { internalDate: day(3), sentDate: day(1), size: 300, subject: 'Re: beta', from: [addr('Zoë', 'carol')], to: [addr(null, 'bob')], cc: [addr(null, 'x')] }),
  source(2, { internalDate: day(1), sentDate: day(4), size: 100, subject: 'alpha', from: [addr('=?utf-8?q?=C3=89mile?=', 'alice')], to: [addr('Bob', 'zed')] }),
  source(3, { internalDate: day(2), sentDate: null, size: 200, subject: '[list] Beta', from: [addr(null, 'Bob')], to: null, cc: [addr(null, 'A')] }),
  source(4, { internalDate: day(2), sentDate: day(2), size: 100, subject: 'Fwd: Alpha', from: [{ name: null, adl: null, mailbox: 'group', host: null }, addr('Dave', 'dave'), { name: null, adl: null, mailbox: null, host: null }] }),
];

const order = (criteria: SortCriterion[]) => sortEntries(MESSAGES.map(sortEntry), criteria).map((e) => e.seq);
const c = (key: SortCriterion['key'], reverse = false): SortCriterion => ({ key, reverse });

describe('SORT ordering (RFC 5256, RFC 5957)', () => {
  const table: Array<[string, SortCriterion[], number[]]> = [
    ['ARRIVAL', [c('ARRIVAL')], [2, 3, 4, 1]],
    ['REVERSE ARRIVAL keeps sequence order for ties', [c('ARRIVAL', true)], [1, 3, 4, 2]],
    ['DATE falls back to the internal date', [c('DATE')], [1, 3, 4, 2]],
    ['SIZE, ties by sequence', [c('SIZE')], [2, 4, 3, 1]],
    ['SIZE then REVERSE DATE', [c('SIZE'), c('DATE', true)], [2, 4, 3, 1]],
    ['SUBJECT uses the base subject, ascii-casemap', [c('SUBJECT')], [2, 4, 1, 3]],
    ['REVERSE SUBJECT', [c('SUBJECT', true)], [1, 3, 2, 4]],
    ['FROM compares the local part, skipping group markers', [c('FROM')], [2, 3, 1, 4]],
    ['TO: missing sorts first', [c('TO')], [3, 4, 1, 2]],
    ['CC', [c('CC')], [2, 4, 3, 1]],
    ['DISPLAYFROM: decoded names, else the address', [c('DISPLAYFROM')], [3, 4, 2, 1]],
    ['DISPLAYTO', [c('DISPLAYTO')], [3, 4, 2, 1]],
  ];
  for (const [name, criteria, expected] of table) {
    it(name, () => assert.deepEqual(order(criteria), expected));
  }

  it('derives the address keys RFC 5256 and RFC 5957 name', () => {
    assert.equal(firstMailbox([addr('X', 'first'), addr('Y', 'second')]), 'first');
    assert.equal(firstMailbox(null), '');
    assert.equal(displayAddress([addr('=?utf-8?q?=C3=89mile?=', 'alice')]), 'Émile');
    assert.equal(displayAddress([addr('  ', 'nobody')]), 'nobody@example.com');
    assert.equal(displayAddress(null), '');
  });
});
