import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildVacationReply, parseHeaderSection, vacationDecision, type SieveMessageView } from '../../../../mail/protocol/sieve/index.js';

function view(headers: string[], from = 'alice@example.org'): SieveMessageView {
  return { headers: parseHeaderSection(Buffer.from(headers.join('\r\n') + '\r\n\r\n')), envelope: { from, to: 'bob@e2e.test' }, size: 100 };
}
const base = ['From: alice@example.org', 'To: Bob <bob@e2e.test>', 'Subject: Lunch?', 'Message-ID: <m1@example.org>'];

describe('vacationDecision', () => {
  const table: [string, SieveMessageView, string | null][] = [
    ['a personal message', view(base), null],
    ['the null sender', view(base, ''), 'null sender'],
    ['Auto-Submitted: auto-replied', view([...base, 'Auto-Submitted: auto-replied']), 'auto-submitted'],
    ['Auto-Submitted: no is a person', view([...base, 'Auto-Submitted: no']), null],
    ['List-Id', view([...base, 'List-Id: <x.example.org>']), 'mailing list'],
    ['List-Unsubscribe', view([...base, 'List-Unsubscribe: <mailto:u@example.org>']), 'mailing list'],
    ['Precedence: bulk', view([...base, 'Precedence: bulk']), 'bulk precedence'],
    ['Precedence: list', view([...base, 'Precedence: LIST']), 'bulk precedence'],
    ['Precedence: junk', view([...base, 'Precedence: junk']), 'bulk precedence'],
    ['MAILER-DAEMON', view(base, 'MAILER-DAEMON@example.org'), 'robot sender'],
    ['owner- sender', view(base, 'owner-list@example.org'), 'robot sender'],
    ['not in To or Cc', view(['From: alice@example.org', 'To: someone@else.test']), 'not addressed to the user'],
    ['in Cc', view(['From: alice@example.org', 'To: x@else.test', 'Cc: BOB@e2e.test']), null],
    ['an :addresses alias in To', view(['From: alice@example.org', 'To: robert@e2e.test']), null],
    ['mail from oneself', view(base, 'bob@e2e.test'), 'own address'],
  ];
  for (const [name, message, reason] of table) {
    it(name, () => {
      const d = vacationDecision(message, ['bob@e2e.test', 'robert@e2e.test']);
      if (reason === null) assert.deepEqual(d, { reply: true, to: message.envelope.from });
      else assert.deepEqual(d, { reply: false, reason });
    });
  }
});

describe('buildVacationReply', () => {
  it('threads, marks auto-replied, defaults the subject', () => {
    const text = buildVacationReply({
      params: { days: 7, subject: null, from: null, addresses: [], mime: false, handle: null, reason: 'Back on Monday.\nBob' },
      message: view(base), user: 'bob@e2e.test', to: 'alice@example.org', date: new Date(0), messageId: 'v1@mx.e2e.test',
    });
    assert.match(text, /^From: <bob@e2e\.test>\r\nTo: <alice@example\.org>\r\nSubject: Auto: Lunch\?\r\n/);
    assert.match(text, /\r\nIn-Reply-To: <m1@example\.org>\r\nReferences: <m1@example\.org>\r\n/);
    assert.match(text, /\r\nAuto-Submitted: auto-replied/);
    assert.ok(text.endsWith('\r\n\r\nBack on Monday.\r\nBob\r\n'));
  });
  it('encodes a non-ASCII subject', () => {
    const text = buildVacationReply({
      params: { days: 7, subject: 'Abwesend – Urlaub', from: 'Bob <bob@e2e.test>', addresses: [], mime: false, handle: null, reason: 'x' },
      message: view(base), user: 'bob@e2e.test', to: 'alice@example.org', date: new Date(0), messageId: 'v1@mx.e2e.test',
    });
    assert.match(text, /Subject: =\?UTF-8\?B\?/);
    assert.match(text, /^From: Bob <bob@e2e\.test>/);
  });
});
