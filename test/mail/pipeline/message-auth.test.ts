// Inbound authentication against a real DNS server (dnsmasq) publishing SPF, DKIM (long RSA key
// split into several strings) and DMARC: mail signed by our signer from an allowed IP passes
// spf/dkim/dmarc; a forged From under p=reject is refused with 550 5.7.1; under p=quarantine it
// goes to Junk, or is accepted when the config says so.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createDkimSigner } from '../../../mail/queue/dkim-signer.js';
import { createMailauthResolver } from '../../../mail/pipeline/mailauth-resolver.js';
import { createMessageAuthCheck, createMessageAuthenticator } from '../../../mail/pipeline/message-auth.js';
import { dnsmasqAvailable, startDnsmasq, type DnsmasqFixture } from '../queue/dnsmasq-fixture.js';
import { txtRecordArg } from '../queue/dnsmasq-txt.js';
import { tempKeyStore } from '../queue/dkim-test-keys.js';

const HOST = 'mx.receiver.test';

function message(from: string, subject = 'Quarterly numbers'): string {
  return [
    `From: ${from}`, 'To: bob@receiver.test', `Subject: ${subject}`, 'Date: Sun, 22 Nov 2026 10:00:00 +0000',
    `Message-ID: <${Math.random().toString(36).slice(2)}@sender.test>`, 'MIME-Version: 1.0', 'Content-Type: text/plain', '',
    'Hello Bob,', '', 'the numbers are attached.', '',
  ].join('\r\n');
}

describe('message authentication (SPF, DKIM, DMARC, ARC) through dnsmasq', { skip: !dnsmasqAvailable() && 'dnsmasq is not installed' }, () => {
  let dns: DnsmasqFixture;
  let keys: Awaited<ReturnType<typeof tempKeyStore>>;
  let resolver: ReturnType<typeof createMailauthResolver>;

  before(async () => {
    keys = await tempKeyStore(['sender.test']);
    const dkimArgs = (await keys.store.publishedKeys('sender.test')).map((k) => txtRecordArg(`${k.selector}._domainkey.sender.test`, k.txt));
    assert.ok(dkimArgs.some((a) => a.split(',').length > 2), 'the RSA key is split into several strings');
    dns = await startDnsmasq([
      txtRecordArg('sender.test', 'v=spf1 ip4:127.0.0.0/8 -all'),
      txtRecordArg('_dmarc.sender.test', 'v=DMARC1; p=reject; rua=mailto:postmaster@sender.test'),
      txtRecordArg('quar.test', 'v=spf1 ip4:192.0.2.1 -all'),
      txtRecordArg('_dmarc.quar.test', 'v=DMARC1; p=quarantine'),
      txtRecordArg('evil.test', 'v=spf1 ip4:127.0.0.0/8 -all'),
      ...dkimArgs,
    ]);
    resolver = createMailauthResolver({ servers: [dns.server], timeoutMs: 1000, tries: 1 });
  });
  after(async () => {
    await dns?.stop();
    keys?.cleanup();
  });

  test('a message signed by our signer from an allowed IP passes spf, both dkim and dmarc', async () => {
    const raw = message('Alice <alice@sender.test>');
    const signed = (await createDkimSigner({ keys: keys.store }).sign('sender.test', Buffer.from(raw))) + raw;
    const auth = createMessageAuthenticator({ hostname: HOST, resolver });
    // As a stream, the way the session hands it over.
    const verdict = await auth.verify({ message: Readable.from([Buffer.from(signed)]), ip: '127.0.0.1', helo: 'client.sender.test', mailFrom: 'alice@sender.test' });
    assert.match(verdict.spf, /^spf=pass /);
    assert.equal(verdict.dkim.length, 2);
    for (const d of verdict.dkim) assert.match(d, /^dkim=pass .*header\.(i|d)=@?sender\.test/);
    assert.match(verdict.dmarc, /^dmarc=pass /);
    assert.match(verdict.arc, /^arc=none/);
    assert.equal(verdict.check.action, 'add-headers');
    const header = verdict.authenticationResults;
    assert.match(header, /^mx\.receiver\.test;\r\n\tspf=pass [^\r\n]*;\r\n\tdkim=pass [^\r\n]*;\r\n\tdkim=pass [^\r\n]*;\r\n\tdmarc=pass [^\r\n]*;\r\n\tarc=none/);
    assert.deepEqual(verdict.check, { action: 'add-headers', headers: [['Authentication-Results', header]] });
  });

  test('a forged From under p=reject is refused with 550 5.7.1', async () => {
    const auth = createMessageAuthenticator({ hostname: HOST, resolver });
    const verdict = await auth.verify({ message: Buffer.from(message('CEO <ceo@sender.test>', 'Urgent wire transfer')), ip: '127.0.0.1', helo: 'evil.test', mailFrom: 'bounce@evil.test' });
    assert.match(verdict.spf, /^spf=pass .*smtp\.mailfrom=bounce@evil\.test/, 'SPF passes for the envelope domain, which is not aligned');
    assert.match(verdict.dmarc, /^dmarc=fail /);
    assert.equal(verdict.check.action, 'reject');
    assert.ok(verdict.check.action === 'reject');
    assert.equal(verdict.check.code, 550);
    assert.equal(verdict.check.enhanced, '5.7.1');
    assert.match(verdict.check.reason, /dmarc=fail policy=reject header\.from=sender\.test/);
  });

  test('a tampered signed message fails DKIM and, under p=reject, is refused', async () => {
    const raw = message('Alice <alice@sender.test>');
    const signed = (await createDkimSigner({ keys: keys.store }).sign('sender.test', Buffer.from(raw))) + raw.replace('attached', 'in the link');
    const auth = createMessageAuthenticator({ hostname: HOST, resolver });
    const verdict = await auth.verify({ message: Buffer.from(signed), ip: '198.51.100.7', helo: 'relay.example', mailFrom: 'alice@sender.test' });
    assert.match(verdict.spf, /^spf=fail /);
    for (const d of verdict.dkim) assert.doesNotMatch(d, /^dkim=pass/);
    assert.equal(verdict.check.action, 'reject');
  });

  test('p=quarantine goes to Junk, or is accepted when configured so', async () => {
    const input = { message: Buffer.from(message('news@quar.test')), ip: '127.0.0.1', helo: 'evil.test', mailFrom: 'bounce@evil.test' };
    const junk = await createMessageAuthenticator({ hostname: HOST, resolver }).verify(input);
    assert.equal(junk.check.action, 'junk');
    assert.ok(junk.check.action === 'junk');
    assert.match(junk.check.reason, /policy=quarantine/);
    assert.deepEqual(junk.check.headers, [['Authentication-Results', junk.authenticationResults]]);
    const accepted = await createMessageAuthenticator({ hostname: HOST, resolver, dmarcQuarantine: 'accept' }).verify(input);
    assert.equal(accepted.check.action, 'add-headers');
  });

  test('no DMARC record and no signature: accepted with spf/dkim/dmarc none', async () => {
    const verdict = await createMessageAuthenticator({ hostname: HOST, resolver }).verify({
      message: Buffer.from(message('someone@nowhere.test')), ip: '127.0.0.1', helo: 'nowhere.test', mailFrom: '',
    });
    assert.match(verdict.spf, /^spf=none /);
    assert.equal(verdict.dkim.length, 1);
    assert.match(verdict.dkim[0]!, /^dkim=none/);
    assert.match(verdict.dmarc, /^dmarc=none/);
    assert.equal(verdict.check.action, 'add-headers');
  });

  test('as a pipeline Check: the DATA stage, authenticated submissions skipped', async () => {
    const check = createMessageAuthCheck(createMessageAuthenticator({ hostname: HOST, resolver }));
    const body = Buffer.from(message('CEO <ceo@sender.test>'));
    const ctx = { connectionId: 'c1', remoteAddress: '127.0.0.1', remoteHostname: null, helo: 'evil.test', tls: false, authenticatedUser: null, mailFrom: 'x@evil.test', recipients: ['bob@receiver.test'] };
    const msg = { size: body.length, async *open() { yield body; } };
    assert.equal((await check.data!(ctx, msg)).action, 'reject');
    assert.equal((await check.data!({ ...ctx, authenticatedUser: 'u1' }, msg)).action, 'accept');
  });
});
