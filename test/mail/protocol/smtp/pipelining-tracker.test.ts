import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipeliningTracker } from '../../../../mail/protocol/smtp/pipelining-tracker.js';

type Step = ['c', string] | ['s', number];

function run(steps: Step[], splitClient = false): { verdicts: string[]; tracker: PipeliningTracker } {
  const t = new PipeliningTracker();
  const verdicts: string[] = [];
  for (const [who, what] of steps) {
    if (who === 's') { t.server(what); continue; }
    const bytes = Buffer.from(what, 'latin1');
    if (splitClient) for (const b of bytes) verdicts.push(t.client(Buffer.from([b])));
    else verdicts.push(t.client(bytes));
  }
  return { verdicts, tracker: t };
}

const CASES: [string, Step[], boolean][] = [
  ['well-behaved pipelining client', [['s', 220], ['c', 'EHLO x\r\n'], ['s', 250], ['c', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n'], ['s', 250], ['s', 250], ['s', 354], ['c', 'Subject: x\r\n\r\nbody\r\n.\r\n'], ['s', 250], ['c', 'QUIT\r\n']], false],
  ['message right behind DATA in one packet', [['s', 220], ['c', 'EHLO x\r\n'], ['s', 250], ['c', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\n']], true],
  ['data after DATA while RCPT is still being answered', [['s', 220], ['c', 'EHLO x\r\n'], ['s', 250], ['c', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n'], ['s', 250], ['c', 'x']], true],
  ['data after the 354 is fine', [['s', 220], ['c', 'HELO x\r\n'], ['s', 250], ['c', 'MAIL FROM:<a@b>\r\n'], ['s', 250], ['c', 'RCPT TO:<c@d>\r\n'], ['s', 250], ['c', 'DATA\r\n'], ['s', 354], ['c', 'x\r\n.\r\n'], ['s', 250]], false],
  ['DATA refused (503) then more commands is fine', [['s', 220], ['c', 'EHLO x\r\n'], ['s', 250], ['c', 'DATA\r\n'], ['s', 503], ['c', 'QUIT\r\n'], ['s', 221]], false],
  ['commands pipelined after the final dot are fine', [['s', 220], ['c', 'EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n'], ['s', 250], ['s', 250], ['s', 250], ['s', 354], ['c', 'x\r\n.\r\nQUIT\r\n'], ['s', 250], ['s', 221]], false],
  ['a second DATA inside the message is message text', [['s', 220], ['c', 'EHLO x\r\n'], ['s', 250], ['c', 'DATA\r\n'], ['s', 354], ['c', 'DATA\r\nmore\r\n.\r\n'], ['s', 250]], false],
  ['bare-LF DATA line counts as DATA', [['s', 220], ['c', 'EHLO x\n'], ['s', 250], ['c', 'DATA\nx']], true],
  ['lower-case data with an argument', [['s', 220], ['c', 'EHLO x\r\n'], ['s', 250], ['c', 'data please\r\n\r\n']], true],
];

for (const [name, steps, violation] of CASES) {
  for (const split of [false, true]) {
    test(`tracker: ${name}${split ? ' (byte by byte)' : ''}`, () => {
      const { verdicts } = run(steps, split);
      assert.equal(verdicts.includes('early-data'), violation);
    });
  }
}

test('tracker: STARTTLS accepted stops watching; idle tracking', () => {
  const t = new PipeliningTracker();
  t.server(220);
  assert.equal(t.idle, true);
  t.client(Buffer.from('EHLO x\r\nSTARTTLS\r\n'));
  assert.equal(t.idle, false);
  t.server(250);
  t.server(220);
  assert.equal(t.currentMode, 'tls');
  assert.equal(t.client(Buffer.from('\x16\x03\x01DATA\r\nxx')), 'ok');
});

test('tracker: end of data split across chunks', () => {
  const t = new PipeliningTracker({ greeted: true });
  t.client(Buffer.from('DATA\r\n'));
  t.server(354);
  for (const part of ['abc\r', '\n', '.', '\r', '\nQUIT\r\n']) t.client(Buffer.from(part));
  assert.equal(t.currentMode, 'command');
  t.server(250);
  assert.equal(t.idle, false); // QUIT awaits its reply
  t.server(221);
  assert.equal(t.idle, true);
});

test('tracker: a lone dot as the first data line ends the data', () => {
  const t = new PipeliningTracker({ greeted: true });
  t.client(Buffer.from('DATA\r\n'));
  t.server(354);
  t.client(Buffer.from('.\r\n'));
  assert.equal(t.currentMode, 'command');
});
