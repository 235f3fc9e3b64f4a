// SORT and THREAD against a real store, on a small discussion: replies by References, a list
// tag and a forward in the subjects, a message without a Date field.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { selectedHarness, type SelectedHarness, type TestSession } from './selected-harness.js';

function mail(from: string, subject: string, date: string | null, id: string, extra: string[] = [], body = 'x'): string {
  return [`From: ${from}`, 'To: list@example.com', `Subject: ${subject}`, ...(date ? [`Date: ${date}`] : []), `Message-ID: <${id}@x>`, ...extra, '', body, ''].join('\r\n');
}

const MESSAGES = [
  mail('Zed <zed@x.example>', 'Meeting', 'Thu, 5 Jun 2025 10:00:00 +0000', 'm1'),
  mail('amy@x.example', 'Re: Meeting', 'Thu, 5 Jun 2025 11:00:00 +0000', 'm2', ['References: <m1@x>'], 'a longer body than the others'),
  mail('"Bob" <bob@x.example>', '[list] Budget', 'Wed, 4 Jun 2025 09:00:00 +0000', 'm3'),
  mail('"Aaron Carl" <carl@x.example>', 'Re: Meeting', 'Thu, 5 Jun 2025 10:30:00 +0000', 'm4', ['In-Reply-To: <m1@x>']),
  mail('amy@x.example', 'Fwd: Budget', null, 'm5'),
  mail('dan@x.example', 'Budget', 'Tue, 3 Jun 2025 08:00:00 +0000', 'm6'),
];

describe('SORT and THREAD', () => {
  let h: SelectedHarness;
  let s: TestSession;
  before(async () => {
    h = await selectedHarness();
    for (const [i, raw] of MESSAGES.entries()) await h.deliver(raw, { internalDate: new Date(Date.UTC(2025, 5, 5 + i)) });
    s = h.session();
    await s.run('s SELECT INBOX');
    await s.run('s STORE 2 +FLAGS.SILENT (\\Seen)');
  });
  after(async () => { await h.cleanup(); });

  const SORTS: Array<[string, string]> = [
    ['(SUBJECT) UTF-8 ALL', '3 5 6 1 2 4'],
    ['(DATE) UTF-8 ALL', '6 3 1 4 2 5'],
    ['(REVERSE DATE) UTF-8 ALL', '5 2 4 1 3 6'],
    ['(ARRIVAL) UTF-8 ALL', '1 2 3 4 5 6'],
    ['(FROM) UTF-8 ALL', '2 5 3 4 6 1'],
    ['(FROM REVERSE ARRIVAL) UTF-8 ALL', '5 2 3 4 6 1'],
    ['(DISPLAYFROM) UTF-8 ALL', '4 2 5 3 6 1'],
    ['(SIZE) US-ASCII ALL', '5 6 1 3 4 2'],
    ['(REVERSE SUBJECT DATE) UTF-8 ALL', '1 4 2 6 3 5'],
    ['(SUBJECT DATE) UTF-8 UNSEEN', '6 3 5 1 4'],
    ['(TO CC) UTF-8 ALL', '1 2 3 4 5 6'],
  ];
  for (const [args, expected] of SORTS) {
    it(`SORT ${args}`, async () => {
      assert.equal(await s.run(`t SORT ${args}`), `* SORT ${expected}\r\nt OK Sort completed\r\n`);
    });
  }

  it('UID SORT and ESORT (RETURN in sort order)', async () => {
    assert.equal(await s.run('t UID SORT (DATE) UTF-8 1:3'), '* SORT 3 1 2\r\nt OK Sort completed\r\n');
    assert.equal(await s.run('t SORT RETURN (MIN MAX COUNT ALL) (DATE) UTF-8 ALL'), '* ESEARCH (TAG "t") MIN 6 MAX 5 COUNT 6 ALL 6,3,1,4,2,5\r\nt OK Sort completed\r\n');
    assert.equal(await s.run('t SORT (DATE) UTF-8 NEW'), '* SORT\r\nt OK Sort completed\r\n');
  });

  it('THREAD=REFERENCES', async () => {
    assert.equal(await s.run('t THREAD REFERENCES UTF-8 ALL'), '* THREAD ((6)(3)(5))(1 (4)(2))\r\nt OK Thread completed\r\n');
    assert.equal(await s.run('t UID THREAD REFERENCES UTF-8 UNSEEN'), '* THREAD ((6)(3)(5))(1 4)\r\nt OK Thread completed\r\n');
    assert.equal(await s.run('t THREAD REFERENCES UTF-8 NEW'), '* THREAD\r\nt OK Thread completed\r\n');
  });

  it('THREAD=ORDEREDSUBJECT', async () => {
    assert.equal(await s.run('t THREAD ORDEREDSUBJECT UTF-8 ALL'), '* THREAD (6 (3)(5))(1 (4)(2))\r\nt OK Thread completed\r\n');
  });

  it('refuses an algorithm it does not implement', async () => {
    assert.equal(await s.run('t THREAD JWZ UTF-8 ALL'), 't BAD Unsupported threading algorithm JWZ\r\n');
  });
});
