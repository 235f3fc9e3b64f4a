// FETCH answers compared with what a real Dovecot 2.3.19 sent for the same messages
// (dovecot-answers.ts). Where we answer differently on purpose, or because of what the stored
// index keeps, the difference is written down below with its reason and asserted exactly, so
// any other difference fails.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodedSize } from '../../../../mail/protocol/imap-fetch/binary-decoder.js';
import { resolveBinarySection, undecodedBinarySize } from '../../../../mail/protocol/imap-fetch/binary-section.js';
import { formatBodyStructure } from '../../../../mail/protocol/imap-fetch/body-structure.js';
import { formatEnvelope } from '../../../../mail/protocol/imap-fetch/envelope.js';
import { parseBinarySectionSpec } from '../../../../mail/protocol/imap-fetch/section-spec.js';
import { DOVECOT_ANSWERS } from './dovecot-answers.js';
import { asLiteral, binarySectionBytes, bodySectionBytes, indexMessage, splitItem } from './fetch-helpers.js';
import { ALL_MESSAGES } from './messages.js';

type Edit = [from: string, to: string];

// The index counts a body's last line even without a line break (the break before a boundary
// belongs to the boundary), Dovecot counts line breaks: one more line for such parts. Reported
// to the indexer's owners; see the FETCH report.
const LINES_TORTURE: Edit[] = [
  ['"quoted-printable" 120 2', '"quoted-printable" 120 3'],
  ['"base64" 160 2', '"base64" 160 3'],
  ['"7bit" 29 1', '"7bit" 29 2'],
  ['"8bit" 10 0', '"8bit" 10 1'],
];
const LINES_VIETNAMESE: Edit[] = [
  ['"8bit" 41 1', '"8bit" 41 2'],
  ['"quoted-printable" 84 1', '"quoted-printable" 84 2'],
];

/** How our BODY/BODYSTRUCTURE/ENVELOPE differ from Dovecot's, message by message. */
const EXPECTED_EDITS: Record<string, Record<string, Edit[]>> = {
  MIME_TORTURE: {
    // Dovecot sends a folded Subject and any name with '"' as a literal; a quoted string is as valid.
    ENVELOPE: [
      ['{67}\r\n=?windows-1258?Q?Th=F4ng_b=E1o_?= =?windows-1258?Q?V=E3n_pho=CCng?=', '"=?windows-1258?Q?Th=F4ng_b=E1o_?= =?windows-1258?Q?V=E3n_pho=CCng?="'],
      ['{8}\r\nTr"an, B', '"Tr\\"an, B"'],
    ],
    BODY: [
      ...LINES_TORTURE,
      // The index ends the message/rfc822 part before the CRLF that follows the inner
      // close-delimiter (RFC 2046: it belongs to the outer delimiter); Dovecot counts it in.
      ['"7bit" 569', '"7bit" 567'],
      // RFC 2231 values are stored decoded, so they are re-encoded as UTF-8; Dovecot echoes the
      // joined raw sections (including the unencoded " Q3.zip" of the second one).
      ["\"utf-8''B%C3%A1o%20c%C3%A1o Q3.zip\"", "\"utf-8''B%C3%A1o%20c%C3%A1o%20Q3.zip\""],
    ],
    BODYSTRUCTURE: [
      ...LINES_TORTURE,
      ['"7bit" 569', '"7bit" 567'],
      ["\"utf-8''B%C3%A1o%20c%C3%A1o Q3.zip\"", "\"utf-8''B%C3%A1o%20c%C3%A1o%20Q3.zip\""],
      // ... and the language tag of the original is not kept.
      ["\"utf-8'vi'B%C3%A1o%20c%C3%A1o%20Q3.zip\"", "\"utf-8''B%C3%A1o%20c%C3%A1o%20Q3.zip\""],
    ],
  },
  PLAIN_RFC822: { ENVELOPE: [], BODY: [], BODYSTRUCTURE: [] },
  ODD_HEADERS: {
    ENVELOPE: [
      ['{16}\r\nQuote "Q" Person', '"Quote \\"Q\\" Person"'],
      ['{16}\r\nQuote "Q" Person', '"Quote \\"Q\\" Person"'],
      ['{10}\r\nBack\\slash', '"Back\\\\slash"'],
      ['{10}\r\nBack\\slash', '"Back\\\\slash"'],
      ['{15}\r\nMany """ quotes', '"Many \\"\\"\\" quotes"'],
    ],
    // The index lower-cases type, subtype, parameter names and encoding; Dovecot echoes the
    // header's case. The index also drops folding whitespace inside Content-Location (RFC 2557).
    BODY: [['"TEXT" "PLAIN" ("CHARSET"', '"text" "plain" ("charset"'], ['"8BIT"', '"8bit"']],
    BODYSTRUCTURE: [['"TEXT" "PLAIN" ("CHARSET"', '"text" "plain" ("charset"'], ['"8BIT"', '"8bit"'], ['"http://example.com/ odd.txt"', '"http://example.com/odd.txt"']],
  },
  VIETNAMESE_TORTURE: {
    ENVELOPE: [],
    BODY: [...LINES_VIETNAMESE, ["\"UTF-8''%E1%BA%A2nh%20chart.png\"", "\"utf-8''%E1%BA%A2nh%20chart.png\""]],
    BODYSTRUCTURE: [...LINES_VIETNAMESE, ["\"UTF-8''%E1%BA%A2nh%20chart.png\"", "\"utf-8''%E1%BA%A2nh%20chart.png\""], ["\"UTF-8''%E1%BA%A2nh%20chart.png\"", "\"utf-8''%E1%BA%A2nh%20chart.png\""]],
  },
};

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const [from, to] of edits) {
    assert.ok(out.includes(from), `Dovecot's answer contains ${JSON.stringify(from)}`);
    out = out.replace(from, to);
  }
  return out;
}

/** BODY[...] items where we knowingly answer differently, with what we answer instead. */
const SECTION_DIVERGENCES: Record<string, Record<string, (dovecot: string) => string>> = {
  MIME_TORTURE: {
    // The CRLF after the inner close-delimiter (see "7bit" 569 above).
    'BODY.PEEK[2]': (d) => d.replace('{569}', '{567}').replace(/\r\n$/, ''),
    'BODY.PEEK[2.TEXT]': (d) => d.replace('{290}', '{288}').replace(/\r\n$/, ''),
    // Dovecot answers "leaf.1" with the leaf; the RFC gives a leaf no sub-parts, so: empty.
    'BODY.PEEK[1.1.1]': () => '{0}\r\n',
    'BODY.PEEK[2.1.1]': () => '{0}\r\n',
  },
  VIETNAMESE_TORTURE: {
    'BODY.PEEK[1.1.1]': () => '{0}\r\n',
  },
};

// BINARY items where Dovecot differs: it rewrites a whole multipart or message to binary
// (decoding every leaf below and relabelling their headers), and once one leaf of a message has
// an unknown encoding it fails every BINARY of that message. We send multiparts and messages as
// stored (nothing to undo at their level) and fail only the leaf with the unknown encoding.
const BINARY_SENT_AS_STORED: Record<string, Set<string>> = {
  MIME_TORTURE: new Set(['BINARY.PEEK[]', 'BINARY.PEEK[1]', 'BINARY.PEEK[2]', 'BINARY.SIZE[1]']),
  VIETNAMESE_TORTURE: new Set(['BINARY.PEEK[]', 'BINARY.PEEK[1]', 'BINARY.SIZE[1]']),
};
/** Leaves Dovecot refused only because another leaf of the message has an unknown encoding. */
const BINARY_REFUSED_BY_DOVECOT: Record<string, Set<string>> = {
  VIETNAMESE_TORTURE: new Set(['BINARY.SIZE[1.1]', 'BINARY.SIZE[1.2]', 'BINARY.SIZE[3]']),
};

/** BINARY.SIZE as a session would compute it: without reading when nothing is decoded. */
function binarySize(raw: Buffer, index: ReturnType<typeof indexMessage>, section: string): number | 'UNKNOWN-CTE' {
  const plan = resolveBinarySection(index, parseBinarySectionSpec(section)!);
  if (plan.kind === 'unknown-cte') return 'UNKNOWN-CTE';
  const stored = undecodedBinarySize(plan);
  if (stored !== null) return stored;
  assert.ok(plan.kind === 'range' && plan.decode);
  // Fed in small chunks, as the store would stream it.
  const body = raw.subarray(plan.start, plan.end);
  const chunks = Array.from({ length: Math.ceil(body.length / 7) }, (_, i) => body.subarray(i * 7, i * 7 + 7));
  return decodedSize(plan.decode, chunks);
}

for (const [name, raw] of Object.entries(ALL_MESSAGES)) {
  describe(`FETCH of ${name} compared with Dovecot 2.3`, () => {
    const index = indexMessage(raw);
    const answers = DOVECOT_ANSWERS[name]!;
    const dovecot = (item: string): string => answers[item]!.value!;

    it('ENVELOPE', () => {
      assert.equal(formatEnvelope(index.envelope, { utf8: false }).toString('latin1'), applyEdits(dovecot('ENVELOPE'), EXPECTED_EDITS[name]!.ENVELOPE!));
    });
    it('BODY', () => {
      assert.equal(formatBodyStructure(index.body, { extensible: false, utf8: false }).toString('latin1'), applyEdits(dovecot('BODY'), EXPECTED_EDITS[name]!.BODY!));
    });
    it('BODYSTRUCTURE', () => {
      assert.equal(formatBodyStructure(index.body, { extensible: true, utf8: false }).toString('latin1'), applyEdits(dovecot('BODYSTRUCTURE'), EXPECTED_EDITS[name]!.BODYSTRUCTURE!));
    });
    it('RFC822.SIZE', () => {
      assert.equal(String(index.size), dovecot('RFC822.SIZE'));
    });

    for (const item of Object.keys(answers).filter((i) => i.startsWith('BODY.PEEK['))) {
      it(item, () => {
        const { section, partial } = splitItem(item);
        const ours = asLiteral(bodySectionBytes(raw, index, section, partial));
        const diverge = SECTION_DIVERGENCES[name]?.[item];
        assert.equal(ours, diverge ? diverge(dovecot(item)) : dovecot(item));
      });
    }

    for (const item of Object.keys(answers).filter((i) => i.startsWith('BINARY'))) {
      it(item, () => {
        const { kind, section, partial } = splitItem(item);
        const answer = answers[item]!;
        if (BINARY_SENT_AS_STORED[name]?.has(item)) {
          // Ours: the part as stored, since a multipart/message has no encoding to undo.
          const plan = resolveBinarySection(index, parseBinarySectionSpec(section)!);
          assert.ok(plan.kind === 'range' && plan.decode === null, `${item} is sent as stored`);
          return;
        }
        if (BINARY_REFUSED_BY_DOVECOT[name]?.has(item)) {
          const bytes = binarySectionBytes(raw, index, section, null);
          assert.ok(bytes !== 'UNKNOWN-CTE');
          assert.equal(binarySize(raw, index, section), bytes.bytes.length);
          return;
        }
        if (kind === 'BINARY.SIZE') {
          const size = binarySize(raw, index, section);
          if (answer.status.startsWith('NO')) assert.equal(size, 'UNKNOWN-CTE');
          else assert.equal(String(size), answer.value);
          return;
        }
        const ours = binarySectionBytes(raw, index, section, partial);
        if (answer.status.startsWith('NO')) {
          assert.equal(ours, 'UNKNOWN-CTE');
          assert.match(answer.status, /\[UNKNOWN-CTE\]/);
          return;
        }
        assert.notEqual(ours, 'UNKNOWN-CTE');
        if (ours === 'UNKNOWN-CTE') return;
        assert.equal(asLiteral(ours.bytes, ours.decoded), answer.value);
      });
    }
  });
}
