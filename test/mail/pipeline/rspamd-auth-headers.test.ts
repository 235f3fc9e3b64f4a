// Mailroom's SPF, DKIM and DMARC results handed to rspamd: the mapping to the request headers of
// rspamd's http_headers module (table), and against a real rspamd with the appliance's settings
// (provisioning/etc/rspamd/local.d, which the fixture copies) that rspamd scores exactly those
// results instead of verifying on its own, and that the check waits for the verification and
// does not ask rspamd about a message the verification refused.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rspamdAuthHeaders, type VerifiedResults } from '../../../mail/pipeline/rspamd-auth-headers.js';
import { createRspamdScanner, type RspamdEnvelope, type RspamdScanner } from '../../../mail/pipeline/rspamd-client.js';
import { createRspamdCheck, type VerifiedCheckContext } from '../../../mail/pipeline/rspamd-check.js';
import type { MessageSource } from '../../../mail/pipeline/rspamd-http.js';
import type { CheckResult } from '../../../mail/pipeline/contracts.js';
import { createLogger } from '../../../core/log.js';
import { RspamdFixture, rspamdMissing } from '../../helpers/rspamd-fixture.js';

const v = (spf: string, dkim: string[], dmarc: string, dmarcPolicy: string | null = null): VerifiedResults => ({ spf, dkim, dmarc, dmarcPolicy });

test('maps RFC 8601 results to http_headers JSON', () => {
  const cases: [VerifiedResults, { SPF: unknown; DKIM: unknown; DMARC: unknown }][] = [
    [v('spf=pass smtp.mailfrom=a.example', ['dkim=pass header.d=a.example header.s=s1'], 'dmarc=pass header.from=a.example', 'reject'),
      { SPF: { result: 'pass' }, DKIM: { results: [{ result: 'pass', domain: 'a.example' }] }, DMARC: { result: 'pass' } }],
    [v('spf=fail (not permitted) smtp.mailfrom=b.example', ['dkim=fail header.d=b.example', 'dkim=pass header.d=list.example'], 'dmarc=fail header.from=b.example', 'quarantine'),
      { SPF: { result: 'fail' }, DKIM: { results: [{ result: 'fail', domain: 'b.example' }, { result: 'pass', domain: 'list.example' }] }, DMARC: { result: 'quarantine' } }],
    [v('spf=softfail', ['dkim=none'], 'dmarc=fail header.from=c.example', 'none'),
      { SPF: { result: 'softfail' }, DKIM: { result: 'na' }, DMARC: { result: 'softfail' } }],
    [v('spf=none', ['dkim=none'], 'dmarc=none'), { SPF: { result: 'na' }, DKIM: { result: 'na' }, DMARC: { result: 'na' } }],
    [v('spf=temperror (timed out)', ['dkim=temperror'], 'dmarc=temperror'),
      { SPF: { result: 'tempfail' }, DKIM: { results: [{ result: 'tempfail', domain: 'unknown' }] }, DMARC: { result: 'tempfail' } }],
    [v('spf=permerror', ['dkim=permerror header.d=d.example'], 'dmarc=permerror'),
      { SPF: { result: 'permfail' }, DKIM: { results: [{ result: 'permfail', domain: 'd.example' }] }, DMARC: { result: 'permfail' } }],
    [v('spf=neutral', ['dkim=policy header.d=e.example'], 'dmarc=fail', 'reject'),
      { SPF: { result: 'neutral' }, DKIM: { results: [{ result: 'fail', domain: 'e.example' }] }, DMARC: { result: 'reject' } }],
  ];
  for (const [input, want] of cases) {
    const got = rspamdAuthHeaders(input);
    assert.deepEqual({ SPF: JSON.parse(got.SPF), DKIM: JSON.parse(got.DKIM), DMARC: JSON.parse(got.DMARC) }, want, input.spf);
  }
});

const MESSAGE = [
  'From: Alice <alice@sender.example>', 'To: Bob <bob@example.test>', 'Subject: quarterly report',
  'Date: Mon, 02 Jan 2024 10:00:00 +0000', 'Message-ID: <auth-headers-test@sender.example>', '', 'The report is attached below.', '',
].join('\r\n');

function source(text: string): MessageSource {
  const buf = Buffer.from(text, 'utf8');
  return { size: buf.length, async *open() { yield buf; } };
}

// A public address: rspamd skips some checks for loopback clients.
const ENV: RspamdEnvelope = { ip: '192.0.2.25', helo: 'mail.sender.example', hostname: 'mail.sender.example', mailFrom: 'alice@sender.example', recipients: ['bob@example.test'], queueId: 'Q1', user: null };

describe('against a real rspamd with the appliance settings', { skip: rspamdMissing() ?? false }, () => {
  let rspamd: RspamdFixture;
  let scanner: RspamdScanner;
  before(async () => {
    rspamd = await RspamdFixture.start();
    scanner = createRspamdScanner({ url: rspamd.url, timeoutMs: 20_000, mtaName: 'mx.example.test' });
  });
  after(async () => { scanner?.close(); await rspamd?.cleanup(); });

  const names = async (auth: VerifiedResults | null) => new Set((await scanner.check(source(MESSAGE), { ...ENV, authentication: auth })).symbols.map((s) => s.name));

  test('our results become rspamd\'s SPF, DKIM and DMARC symbols; without them rspamd verifies nothing itself', async () => {
    const pass = await names(v('spf=pass smtp.mailfrom=sender.example', ['dkim=pass header.d=sender.example'], 'dmarc=pass header.from=sender.example', 'reject'));
    for (const s of ['R_SPF_ALLOW', 'R_DKIM_ALLOW', 'DMARC_POLICY_ALLOW']) assert.ok(pass.has(s), `${s} in ${[...pass].join(' ')}`);
    const fail = await names(v('spf=fail smtp.mailfrom=sender.example', ['dkim=fail header.d=sender.example'], 'dmarc=fail header.from=sender.example', 'quarantine'));
    for (const s of ['R_SPF_FAIL', 'R_DKIM_REJECT', 'DMARC_POLICY_QUARANTINE']) assert.ok(fail.has(s), `${s} in ${[...fail].join(' ')}`);
    const none = await names(null);
    for (const s of none) assert.doesNotMatch(s, /^(R_SPF_|R_DKIM_|DMARC_|ARC_)/, `rspamd verified on its own: ${s}`);
  });

  test('the check waits for the verification and skips rspamd for a message it refused', async () => {
    const check = createRspamdCheck({ scanner, onUnavailable: 'defer', logger: createLogger({ level: 'error' }) });
    const base: VerifiedCheckContext = { connectionId: 'c1', remoteAddress: ENV.ip, remoteHostname: ENV.hostname, helo: ENV.helo, tls: false, authenticatedUser: null, mailFrom: ENV.mailFrom, recipients: [...ENV.recipients], queueId: 'Q1' };
    let release!: () => void;
    const verified = new Promise<VerifiedResults & { check: CheckResult }>((resolve) => {
      release = () => resolve({ ...v('spf=pass', ['dkim=none'], 'dmarc=none'), check: { action: 'add-headers', headers: [] } });
    });
    let done = false;
    const running = check.data!({ ...base, verification: verified } as VerifiedCheckContext, source(MESSAGE)).then((r) => { done = true; return r; });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(done, false, 'the check did not wait for the verification');
    release();
    const result = await running;
    assert.notEqual(result.action, 'defer', JSON.stringify(result));
    const refused = await check.data!({ ...base, verification: Promise.resolve({ ...v('spf=fail', ['dkim=none'], 'dmarc=fail', 'reject'), check: { action: 'reject', code: 550, enhanced: '5.7.1', message: 'no', reason: 'dmarc' } }) } as VerifiedCheckContext, source(MESSAGE));
    assert.deepEqual(refused, { action: 'accept', reason: 'not scanned: refused by verification' });
  });
});
