// Mail client setup against the real agent, on its HTTPS and its plain-HTTP listener:
// Thunderbird autoconfig (well-known path and autoconfig.DOMAIN host form), Microsoft
// autodiscover, and the Apple .mobileconfig; each document parsed with a real XML or plist
// parser. Plus the HTTP listener's redirect.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setupFirstAdmin, plainRequest, startAgentFixture, PASSWORD, type AgentFixture, type ApiClient } from './agent-fixture.js';
import { child, children, parsePlist, parseXml } from './xml-check.js';

const AUTODISCOVER_REQUEST = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>alice@example.com</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>`;

describe('mail client setup', () => {
  let f: AgentFixture;
  let admin: ApiClient;
  before(async () => {
    f = await startAgentFixture();
    admin = f.client();
    await setupFirstAdmin(f, admin);
    assert.equal((await admin.request('POST', '/api/v1/domains', { json: { name: 'example.com' } })).status, 201);
    assert.equal((await admin.request('POST', '/api/v1/users', { json: { address: 'alice@example.com', password: PASSWORD } })).status, 201);
  });
  after(async () => { await f.cleanup(); });

  test('autoconfig: well-known path with ?emailaddress=, on HTTPS and HTTP, is a valid clientConfig', async () => {
    const https = await f.client().request('GET', '/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=alice%40example.com');
    const http = await plainRequest(f.httpPort, 'GET', '/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=alice%40example.com');
    for (const res of [https, http]) {
      assert.equal(res.status, 200, res.text);
      assert.match(String(res.headers['content-type']), /^application\/xml/);
    }
    assert.equal(https.text, http.text);
    const doc = await parseXml(https.text);
    assert.equal(doc.tag, 'clientConfig');
    assert.equal(doc.attrs.version, '1.1');
    const provider = child(doc, 'emailProvider');
    assert.equal(provider.attrs.id, 'example.com');
    assert.equal(child(provider, 'domain').text, 'example.com');
    const incoming = children(provider, 'incomingServer').map((s) => [s.attrs.type, child(s, 'hostname').text, child(s, 'port').text, child(s, 'socketType').text, child(s, 'username').text]);
    assert.deepEqual(incoming, [['imap', 'mx.example.com', '993', 'SSL', '%EMAILADDRESS%'], ['imap', 'mx.example.com', '143', 'STARTTLS', '%EMAILADDRESS%'], ['pop3', 'mx.example.com', '995', 'SSL', '%EMAILADDRESS%']]);
    const outgoing = children(provider, 'outgoingServer').map((s) => [s.attrs.type, child(s, 'port').text, child(s, 'socketType').text, child(s, 'authentication').text]);
    assert.deepEqual(outgoing, [['smtp', '465', 'SSL', 'password-cleartext'], ['smtp', '587', 'STARTTLS', 'password-cleartext']]);
  });

  test('autoconfig: the autoconfig.DOMAIN host form, answered by the Host header', async () => {
    const res = await plainRequest(f.httpPort, 'GET', '/mail/config-v1.1.xml', { headers: { host: 'autoconfig.example.com' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(child(await parseXml(res.text), 'emailProvider').attrs.id, 'example.com');
    const other = await plainRequest(f.httpPort, 'GET', '/mail/config-v1.1.xml', { headers: { host: 'autoconfig.other.example' } });
    assert.equal(other.status, 404, 'only our own domains');
    const bad = await plainRequest(f.httpPort, 'GET', '/mail/config-v1.1.xml?emailaddress=not-an-address');
    assert.equal(bad.status, 400);
  });

  test('autodiscover: POST with the address, on HTTP and HTTPS, answers IMAP and SMTP settings', async () => {
    const http = await plainRequest(f.httpPort, 'POST', '/autodiscover/autodiscover.xml', { body: AUTODISCOVER_REQUEST, headers: { 'content-type': 'text/xml' } });
    const https = await f.client().request('POST', '/Autodiscover/Autodiscover.xml', { body: AUTODISCOVER_REQUEST, headers: { 'content-type': 'text/xml' }, origin: null });
    for (const res of [http, https]) assert.equal(res.status, 200, res.text);
    const doc = await parseXml(http.text);
    assert.equal(doc.tag, 'Autodiscover');
    assert.equal(doc.ns, 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006');
    const response = child(doc, 'Response');
    assert.equal(response.ns, 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a');
    const account = child(response, 'Account');
    assert.equal(child(account, 'AccountType').text, 'email');
    assert.equal(child(account, 'Action').text, 'settings');
    const protocols = children(account, 'Protocol').map((p) => [child(p, 'Type').text, child(p, 'Server').text, child(p, 'Port').text, child(p, 'SSL').text, child(p, 'Encryption').text, child(p, 'LoginName').text]);
    assert.deepEqual(protocols, [['IMAP', 'mx.example.com', '993', 'on', 'SSL', 'alice@example.com'], ['SMTP', 'mx.example.com', '465', 'on', 'SSL', 'alice@example.com']]);
    const foreign = await plainRequest(f.httpPort, 'POST', '/autodiscover/autodiscover.xml', { body: AUTODISCOVER_REQUEST.replace('example.com<', 'elsewhere.example<') });
    assert.equal(foreign.status, 404);
    const garbage = await plainRequest(f.httpPort, 'POST', '/autodiscover/autodiscover.xml', { body: 'hello' });
    assert.equal(garbage.status, 400);
  });

  test('mobileconfig: for a logged-in admin only; a valid plist with one mail payload', async () => {
    assert.equal((await f.client().request('GET', '/api/v1/users/alice@example.com/mobileconfig')).status, 401);
    const res = await admin.request('GET', '/api/v1/users/alice@example.com/mobileconfig');
    assert.equal(res.status, 200, res.text);
    assert.match(String(res.headers['content-type']), /^application\/x-apple-aspen-config/);
    assert.equal(res.headers['content-disposition'], 'attachment; filename="alice@example.com.mobileconfig"');
    const plist = await parsePlist(res.text);
    assert.equal(plist.PayloadType, 'Configuration');
    assert.equal(plist.PayloadVersion, 1);
    assert.match(String(plist.PayloadUUID), /^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    const [payload, ...rest] = plist.PayloadContent as Record<string, unknown>[];
    assert.equal(rest.length, 0);
    assert.deepEqual(
      [payload!.PayloadType, payload!.EmailAccountType, payload!.EmailAddress, payload!.IncomingMailServerHostName, payload!.IncomingMailServerPortNumber, payload!.IncomingMailServerUseSSL, payload!.OutgoingMailServerPortNumber, payload!.OutgoingMailServerUseSSL, payload!.IncomingMailServerUsername],
      ['com.apple.mail.managed', 'EmailTypeIMAP', 'alice@example.com', 'mx.example.com', 993, true, 465, true, 'alice@example.com'],
    );
    assert.notEqual(payload!.PayloadUUID, plist.PayloadUUID);
    const again = await parsePlist((await admin.request('GET', '/api/v1/users/alice@example.com/mobileconfig')).text);
    assert.equal(again.PayloadUUID, plist.PayloadUUID, 'a newer profile replaces the old one');
    assert.equal((await admin.request('GET', '/api/v1/users/nobody@example.com/mobileconfig')).status, 404);
  });

  test('the HTTP listener redirects everything else to HTTPS and never serves the API', async () => {
    const res = await plainRequest(f.httpPort, 'GET', '/api/v1/domains?x=1', { headers: { host: `mx.example.com:${f.httpPort}` } });
    assert.equal(res.status, 301);
    assert.equal(res.headers.location, `https://mx.example.com:${f.httpsPort}/api/v1/domains?x=1`);
    const odd = await plainRequest(f.httpPort, 'GET', '/', { headers: { host: 'bad host name' } });
    assert.equal(odd.headers.location, `https://mx.example.com:${f.httpsPort}/`);
    assert.equal((await plainRequest(f.httpPort, 'GET', '/.well-known/acme-challenge/abc')).status, 404);
  });
});
