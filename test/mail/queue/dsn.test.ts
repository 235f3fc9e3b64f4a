import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { buildDsn, mayBounceTo, type DsnInput } from '../../../mail/queue/dsn.js';

const base: DsnInput = {
  reportingMta: 'mx.sender.test',
  originalSender: 'alice@sender.test',
  queueId: '2025060210abcdefghijklmnopqrstuv',
  arrivalDate: new Date('2025-06-02T10:00:00Z'),
  now: new Date('2025-06-02T10:05:00Z'),
  recipients: [
    { address: 'bob@far.test', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 <bob@far.test>: no such user\r\nsecond line', remoteMta: 'mx.far.test', lastAttemptAt: new Date('2025-06-02T10:04:00Z') },
    { address: 'carol@far.test', action: 'failed', status: '4.4.1', diagnostic: 'connection refused', diagnosticType: 'x-local' },
  ],
  originalHeaders: Buffer.from('From: Alice <alice@sender.test>\nTo: bob@far.test\nSubject: Hello there\nMessage-ID: <orig-1@sender.test>\n\n'),
  messageId: 'dsn-1@mx.sender.test',
  boundary: '=_b_1',
};

describe('buildDsn', () => {
  it('builds a multipart/report with the three parts and per-recipient fields', async () => {
    const dsn = buildDsn(base);
    assert.deepEqual(dsn.envelope, { from: '', recipients: ['alice@sender.test'] });
    const text = dsn.message.toString();
    assert.ok(!/[^\r]\n/.test(text), 'CRLF line ends only');
    const parsed = await simpleParser(dsn.message);
    assert.equal(parsed.headers.get('auto-submitted'), 'auto-replied');
    assert.equal(parsed.subject, 'Undelivered Mail Returned to Sender');
    const ct = parsed.headers.get('content-type') as { value: string; params: Record<string, string> };
    assert.equal(ct.value, 'multipart/report');
    assert.equal(ct.params['report-type'], 'delivery-status');
    assert.match(parsed.text ?? '', /<bob@far\.test>: 550 5\.1\.1 <bob@far\.test>: no such user second line/);
    // mailparser shows message/delivery-status inline in the text and the headers as an
    // attachment; the part structure itself is checked on the raw MIME.
    assert.deepEqual(parsed.attachments.map((a) => a.contentType), ['text/rfc822-headers']);
    const parts = mimeParts(text, base.boundary);
    assert.deepEqual(parts.map((p) => p.type), ['text/plain', 'message/delivery-status', 'text/rfc822-headers']);
    const status = parts[1]!.body;
    assert.ok((parsed.text ?? '').includes('Final-Recipient: rfc822; bob@far.test'));
    const blocks = status.trim().split(/\r\n\r\n/);
    assert.equal(blocks.length, 3, 'per-message block + one per recipient');
    assert.match(blocks[0]!, /^Reporting-MTA: dns; mx\.sender\.test\r\n/);
    assert.match(blocks[0]!, /Arrival-Date: Mon, 02 Jun 2025 10:00:00 \+0000/);
    assert.match(blocks[1]!, /Final-Recipient: rfc822; bob@far\.test\r\nAction: failed\r\nStatus: 5\.1\.1\r\nRemote-MTA: dns; mx\.far\.test\r\nDiagnostic-Code: smtp; 550 5\.1\.1 <bob@far\.test>: no such user second line\r\nLast-Attempt-Date: /);
    assert.match(blocks[2]!, /Final-Recipient: rfc822; carol@far\.test\r\nAction: failed\r\nStatus: 4\.4\.1\r\nDiagnostic-Code: x-local; connection refused/);
    const headers = parsed.attachments[0]!.content.toString();
    assert.match(headers, /^From: Alice <alice@sender\.test>\r\n/);
    assert.match(headers, /Subject: Hello there\r\n/);
  });

  it('says delayed for delay notices', async () => {
    const dsn = buildDsn({ ...base, recipients: [{ address: 'bob@far.test', action: 'delayed', status: '4.4.1', willRetryUntil: new Date('2025-06-07T10:00:00Z') }] });
    const parsed = await simpleParser(dsn.message);
    assert.match(parsed.subject ?? '', /Delayed/);
    assert.match(mimeParts(dsn.message.toString(), base.boundary)[1]!.body, /Action: delayed\r\nStatus: 4\.4\.1\r\nWill-Retry-Until: Sat, 07 Jun 2025 10:00:00 \+0000/);
  });

  it('never bounces to the null sender', () => {
    assert.equal(mayBounceTo(''), false);
    assert.equal(mayBounceTo('<>'), false);
    assert.equal(mayBounceTo('a@b.test'), true);
    assert.throws(() => buildDsn({ ...base, originalSender: '' }), (err: { code?: string }) => err.code === 'dsn_null_sender');
  });

  it('keeps header injection out of the report fields', () => {
    const dsn = buildDsn({ ...base, recipients: [{ address: 'x@far.test', action: 'failed', status: '5.0.0', diagnostic: '550 no\r\nX-Evil: 1' }] });
    assert.ok(!/^X-Evil/m.test(dsn.message.toString()));
  });
});

/** The parts of a one-level multipart body: each part's Content-Type and body. */
function mimeParts(raw: string, boundary: string): { type: string; body: string }[] {
  const sections = raw.split(`--${boundary}`).slice(1, -1);
  return sections.map((section) => {
    const [head, ...rest] = section.replace(/^\r\n/, '').split('\r\n\r\n');
    return { type: /^Content-Type: ([^;\r\n]+)/im.exec(head!)![1]!, body: rest.join('\r\n\r\n') };
  });
}
