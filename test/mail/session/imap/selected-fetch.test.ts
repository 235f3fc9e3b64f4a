// FETCH against a real store: every BODY[...] and BINARY[...] item of the Dovecot parity corpus
// answered from stored messages (the protocol layer's own helpers, checked against Dovecot,
// are the oracle), every attribute item, \Seen, CHANGEDSINCE/VANISHED, sequence-set rules,
// and bodies far larger than what may be buffered.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { formatBodyStructure, formatEnvelope } from '../../../../mail/protocol/imap-fetch/index.js';
import { DOVECOT_ANSWERS } from '../../protocol/imap-fetch/dovecot-answers.js';
import { asLiteral, binarySectionBytes, bodySectionBytes, splitItem } from '../../protocol/imap-fetch/fetch-helpers.js';
import { ALL_MESSAGES, PLAIN_RFC822, VIETNAMESE_TORTURE } from '../../protocol/imap-fetch/messages.js';
import { message } from '../../store/store-fixture.js';
import { selectedHarness, type SelectedHarness } from './selected-harness.js';

const DATE = new Date('2025-06-03T12:00:00Z');

/** BODY.PEEK[1]<3.5> is answered as BODY[1]<3>; BINARY.PEEK[x] as BINARY[x]. */
function responseName(item: string): string {
  return item.replace('.PEEK', '').replace(/<(\d+)\.\d+>$/, '<$1>');
}

describe('FETCH', () => {
  let h: SelectedHarness;
  beforeEach(async () => { h = await selectedHarness(); });
  afterEach(async () => { await h.cleanup(); });

  it('answers every section of the Dovecot corpus from the stored messages', async () => {
    const names = Object.keys(ALL_MESSAGES);
    for (const name of names) await h.deliver(ALL_MESSAGES[name]!, { internalDate: DATE });
    const s = h.session();
    await s.run('s SELECT INBOX');
    let checked = 0;
    for (const [i, name] of names.entries()) {
      const seq = i + 1;
      const raw = ALL_MESSAGES[name]!;
      const index = (await h.store.store.getMessage(h.alice.id, 'INBOX', seq))!.index;
      for (const item of Object.keys(DOVECOT_ANSWERS[name]!).filter((k) => k.startsWith('BODY.PEEK[') || k.startsWith('BINARY'))) {
        const { kind, section, partial } = splitItem(item);
        const got = await s.run(`f FETCH ${seq} (${item})`);
        let expected: string;
        if (kind === 'BODY') {
          expected = `* ${seq} FETCH (${responseName(item)} ${asLiteral(bodySectionBytes(raw, index, section, partial))})\r\nf OK Fetch completed\r\n`;
        } else {
          const bytes = binarySectionBytes(raw, index, section, kind === 'BINARY' ? partial : null);
          if (bytes === 'UNKNOWN-CTE') {
            expected = 'f NO [UNKNOWN-CTE] Cannot decode the transfer encoding of a part\r\n';
          } else if (kind === 'BINARY.SIZE') {
            expected = `* ${seq} FETCH (${item} ${bytes.bytes.length})\r\nf OK Fetch completed\r\n`;
          } else {
            const literal = bytes.bytes.length === 0 && !bytes.decoded ? '{0}\r\n' : asLiteral(bytes.bytes, bytes.decoded);
            expected = `* ${seq} FETCH (${responseName(item)} ${literal})\r\nf OK Fetch completed\r\n`;
          }
        }
        assert.equal(got, expected, `${name} ${item}`);
        checked++;
      }
    }
    assert.ok(checked > 100, `checked ${checked} items`);
    // PEEK all the way: nothing became \Seen.
    assert.equal(await s.run('u UID SEARCH SEEN'), '* SEARCH\r\nu OK Search completed\r\n');
  });

  it('answers every attribute item, macros included', async () => {
    const uid = await h.deliver(PLAIN_RFC822, { internalDate: DATE, flags: ['\\Flagged', '$Work'] });
    const s = h.session();
    await s.run('s SELECT INBOX');
    const row = (await h.store.store.getMessage(h.alice.id, 'INBOX', uid))!;
    const envelope = formatEnvelope(row.index.envelope, { utf8: false }).toString('latin1');
    const body = formatBodyStructure(row.index.body, { extensible: false, utf8: false }).toString('latin1');
    const bodystructure = formatBodyStructure(row.index.body, { extensible: true, utf8: false }).toString('latin1');
    const size = PLAIN_RFC822.length;
    assert.equal(
      await s.run('f1 FETCH 1 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY BODYSTRUCTURE EMAILID THREADID SAVEDATE PREVIEW)'),
      `* 1 FETCH (UID 1 FLAGS (\\Flagged $Work) INTERNALDATE "03-Jun-2025 12:00:00 +0000" RFC822.SIZE ${size} ENVELOPE ${envelope} ` +
      `BODY ${body} BODYSTRUCTURE ${bodystructure} EMAILID (M${row.blobId}) THREADID NIL SAVEDATE NIL PREVIEW NIL)\r\nf1 OK Fetch completed\r\n`,
    );
    assert.equal(await s.run('f2 FETCH 1 FAST'), `* 1 FETCH (FLAGS (\\Flagged $Work) INTERNALDATE "03-Jun-2025 12:00:00 +0000" RFC822.SIZE ${size})\r\nf2 OK Fetch completed\r\n`);
    assert.equal(await s.run('f3 FETCH 1 ALL'), `* 1 FETCH (FLAGS (\\Flagged $Work) INTERNALDATE "03-Jun-2025 12:00:00 +0000" RFC822.SIZE ${size} ENVELOPE ${envelope})\r\nf3 OK Fetch completed\r\n`);
    assert.equal(await s.run('f4 FETCH 1 FULL'), `* 1 FETCH (FLAGS (\\Flagged $Work) INTERNALDATE "03-Jun-2025 12:00:00 +0000" RFC822.SIZE ${size} ENVELOPE ${envelope} BODY ${body})\r\nf4 OK Fetch completed\r\n`);
    // MODSEQ is a CONDSTORE enabling command.
    assert.equal(s.condstore, false);
    assert.equal(await s.run('f5 UID FETCH 1 (MODSEQ)'), `* 1 FETCH (UID 1 MODSEQ (${row.modseq}))\r\nf5 OK Fetch completed\r\n`);
    assert.equal(s.condstore, true);
    // The same item twice is answered once.
    assert.equal(await s.run('f6 FETCH 1 (UID UID BODY.PEEK[HEADER.FIELDS (Subject)] BODY.PEEK[HEADER.FIELDS (Subject)])'),
      '* 1 FETCH (UID 1 BODY[HEADER.FIELDS (Subject)] {19}\r\nSubject: Lunch?\r\n\r\n)\r\nf6 OK Fetch completed\r\n');
    const header = PLAIN_RFC822.subarray(0, PLAIN_RFC822.indexOf('\r\n\r\n') + 4);
    assert.equal(await s.run('f7 FETCH 1 (RFC822.HEADER)'), `* 1 FETCH (RFC822.HEADER ${asLiteral(header)})\r\nf7 OK Fetch completed\r\n`);
  });

  it('sets \\Seen on a non-PEEK body fetch and reports it in the same response (not under EXAMINE)', async () => {
    await h.deliver(message('first'), { internalDate: DATE });
    await h.deliver(message('second'), { internalDate: DATE });
    await h.deliver(message('third'), { internalDate: DATE });
    const s = h.session();
    await s.run('e EXAMINE INBOX');
    assert.equal(await s.run('f1 FETCH 1 (BODY[TEXT])'), '* 1 FETCH (BODY[TEXT] {14}\r\nHello there.\r\n)\r\nf1 OK Fetch completed\r\n');
    await s.run('s SELECT INBOX');
    assert.equal(await s.run('f2 FETCH 1 (BODY[TEXT])'), '* 1 FETCH (BODY[TEXT] {14}\r\nHello there.\r\n FLAGS (\\Seen))\r\nf2 OK Fetch completed\r\n');
    assert.equal(await s.run('f3 FETCH 1 (FLAGS BODY[TEXT])'), '* 1 FETCH (FLAGS (\\Seen) BODY[TEXT] {14}\r\nHello there.\r\n)\r\nf3 OK Fetch completed\r\n');
    assert.equal(await s.run('f4 FETCH 2 (FLAGS RFC822.TEXT)'), '* 2 FETCH (FLAGS (\\Seen) RFC822.TEXT {14}\r\nHello there.\r\n)\r\nf4 OK Fetch completed\r\n');
    // With CONDSTORE on, the implicit change carries UID and MODSEQ (RFC 7162 3.1.4).
    s.condstore = true;
    const modseq = (await h.store.store.getFolder(h.alice.id, 'INBOX'))!.highestModseq + 1;
    assert.equal(await s.run('f5 FETCH 3 (RFC822)'), `* 3 FETCH (RFC822 ${asLiteral(Buffer.from(message('third')))} FLAGS (\\Seen) UID 3 MODSEQ (${modseq}))\r\nf5 OK Fetch completed\r\n`);
    // Told already: a NOOP has nothing to add.
    assert.equal(await s.noop(), 'n1 OK NOOP completed\r\n');
  });

  it('resolves sequence sets: * and ranges, BAD out of range, unknown UIDs ignored, $', async () => {
    for (const subject of ['a', 'b', 'c']) await h.deliver(message(subject), { internalDate: DATE });
    const s = h.session();
    await s.run('s SELECT INBOX');
    assert.equal(await s.run('f1 FETCH 3:2 (UID)'), '* 2 FETCH (UID 2)\r\n* 3 FETCH (UID 3)\r\nf1 OK Fetch completed\r\n');
    assert.equal(await s.run('f2 FETCH * (UID)'), '* 3 FETCH (UID 3)\r\nf2 OK Fetch completed\r\n');
    assert.equal(await s.run('f3 FETCH 2:4 (UID)'), 'f3 BAD Invalid message sequence number\r\n');
    assert.equal(await s.run('f4 UID FETCH 3:99 (FLAGS)'), '* 3 FETCH (UID 3 FLAGS ())\r\nf4 OK Fetch completed\r\n');
    assert.equal(await s.run('f5 UID FETCH 7:* (FLAGS)'), '* 3 FETCH (UID 3 FLAGS ())\r\nf5 OK Fetch completed\r\n', 'n:* with n above every UID is the last message');
    assert.equal(await s.run('f6 UID FETCH 40,50 (FLAGS)'), 'f6 OK Fetch completed\r\n');
    assert.equal(await s.run('f7 SEARCH RETURN (SAVE) 1,3'), 'f7 OK Search completed\r\n');
    assert.equal(await s.run('f8 FETCH $ (UID)'), '* 1 FETCH (UID 1)\r\n* 3 FETCH (UID 3)\r\nf8 OK Fetch completed\r\n');
    await s.run('t SELECT Trash');
    assert.equal(await s.run('f9 FETCH 1:* (UID)'), 'f9 BAD Invalid message sequence number\r\n', 'an empty mailbox has no sequence numbers');
    assert.equal(await s.run('f10 UID FETCH 1:* (UID)'), 'f10 OK Fetch completed\r\n');
    assert.equal(await s.run('f11 FETCH $ (UID)'), 'f11 OK Fetch completed\r\n', 'SELECT forgets the saved result');
  });

  it('CHANGEDSINCE and VANISHED (QRESYNC)', async () => {
    for (const subject of ['a', 'b', 'c', 'd']) await h.deliver(message(subject), { internalDate: DATE });
    const s = h.session({ enable: ['QRESYNC'] });
    const other = h.session();
    await s.run('s SELECT INBOX');
    await other.run('o SELECT INBOX');
    const since = (await h.store.store.getFolder(h.alice.id, 'INBOX'))!.highestModseq;
    await other.run('o1 STORE 2 +FLAGS (\\Answered)');
    await other.run('o2 STORE 3 +FLAGS (\\Deleted)');
    await other.run('o3 EXPUNGE');
    const now = (await h.store.store.getFolder(h.alice.id, 'INBOX'))!.highestModseq;
    assert.equal(await s.noop(), `* VANISHED 3\r\n* 2 FETCH (UID 2 FLAGS (\\Answered) MODSEQ (${now - 2}))\r\n* OK [HIGHESTMODSEQ ${now}] Highest\r\nn1 OK NOOP completed\r\n`);
    assert.equal(
      await s.run(`f1 UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${since} VANISHED)`),
      `* VANISHED (EARLIER) 3\r\n* 2 FETCH (UID 2 FLAGS (\\Answered) MODSEQ (${now - 2}))\r\nf1 OK Fetch completed\r\n`,
    );
    assert.equal(await s.run(`f2 FETCH 1:* (UID) (CHANGEDSINCE ${now})`), 'f2 OK Fetch completed\r\n');
    assert.equal(await other.run(`o4 UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${since} VANISHED)`), 'o4 BAD VANISHED needs ENABLE QRESYNC first\r\n');
  });

  it('skips messages expunged meanwhile and says EXPUNGEISSUED; UNKNOWN-CTE fails only that message', async () => {
    for (const subject of ['a', 'b', 'c']) await h.deliver(message(subject), { internalDate: DATE });
    await h.deliver(VIETNAMESE_TORTURE, { internalDate: DATE });
    const s = h.session();
    await s.run('s SELECT INBOX');
    await h.store.store.expunge(h.alice.id, 'INBOX', [2]);
    assert.equal(await s.run('f1 FETCH 1:3 (UID RFC822.SIZE)'),
      `* 1 FETCH (UID 1 RFC822.SIZE ${message('a').length})\r\n* 3 FETCH (UID 3 RFC822.SIZE ${message('c').length})\r\nf1 NO [EXPUNGEISSUED] Some of the requested messages no longer exist\r\n`);
    assert.equal(await s.run('f2 FETCH 3:4 (BINARY.PEEK[4])'), '* 3 FETCH (BINARY[4] {0}\r\n)\r\nf2 NO [UNKNOWN-CTE] Cannot decode the transfer encoding of a part\r\n');
    assert.equal(await s.noop(), '* 2 EXPUNGE\r\nn1 OK NOOP completed\r\n');
  });

  it('streams a large body and a large decoded BINARY in bounded pieces', async () => {
    const line = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!?\r\n';
    const text = line.repeat(Math.ceil(3_000_000 / line.length));
    const attachment = Buffer.alloc(1_500_000);
    for (let i = 0; i < attachment.length; i++) attachment[i] = (i * 7919) & 0xff;
    const b64 = attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
    const raw = Buffer.from(
      'From: a@example.com\r\nSubject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n' +
      `--b\r\nContent-Type: text/plain\r\n\r\n${text}\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--b--\r\n`,
    );
    await h.deliver(raw, { internalDate: DATE });
    const s = h.session();
    await s.run('s SELECT INBOX');
    s.sendSizes = [];
    const whole = await s.run('f1 FETCH 1 (BODY.PEEK[])');
    assert.equal(whole, `* 1 FETCH (BODY[] {${raw.length}}\r\n${raw.toString('latin1')})\r\nf1 OK Fetch completed\r\n`);
    assert.ok(s.sendSizes.length > 5, `sent in ${s.sendSizes.length} pieces`);
    assert.ok(Math.max(...s.sendSizes) < 600_000, `largest piece ${Math.max(...s.sendSizes)}`);

    s.sendSizes = [];
    const part = await s.run('f2 FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2] BINARY.PEEK[2]<1000000.600000>)');
    const tail = attachment.subarray(1_000_000, 1_600_000);
    assert.equal(part,
      `* 1 FETCH (BINARY[2] ~{${attachment.length}}\r\n${attachment.toString('latin1')} BINARY.SIZE[2] ${attachment.length} ` +
      `BINARY[2]<1000000> ~{${tail.length}}\r\n${tail.toString('latin1')})\r\nf2 OK Fetch completed\r\n`);
    assert.ok(Math.max(...s.sendSizes) < 600_000, `largest piece ${Math.max(...s.sendSizes)}`);
  });
});
