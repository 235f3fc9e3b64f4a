// The IMAP engine over real sockets: greeting and capabilities, STARTTLS, login paths and their
// limits, state checks, error handling, pipelining, timeouts, shutdown and LOGOUT.

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ALICE, BOB, PASSWORD, b64, imapHarness, type HarnessOptions, type ImapHarness } from './engine-harness.js';

const caps = (line: string) => /CAPABILITY ([^\]]*)/.exec(line)?.[1]?.split(' ') ?? [];

describe('IMAP engine', () => {
  let h: ImapHarness | null = null;
  const harness = async (options: HarnessOptions = {}) => (h = await imapHarness(options));
  afterEach(async () => { await h?.close(); h = null; });

  it('greets with its capabilities: STARTTLS and LOGINDISABLED in the clear, no AUTH= mechanism', async () => {
    const h = await harness();
    const c = await h.connect();
    const greeting = await c.line();
    assert.match(greeting, /^\* OK \[CAPABILITY IMAP4rev1 IMAP4rev2 .*\] Mailroom ready$/);
    const list = caps(greeting);
    for (const cap of ['LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UIDPLUS', 'MOVE', 'SPECIAL-USE', 'CONDSTORE',
      'QRESYNC', 'QUOTA', 'QUOTA=RES-STORAGE', 'LIST-EXTENDED', 'LIST-STATUS', 'STATUS=SIZE', 'ESEARCH', 'SORT', 'SORT=DISPLAY',
      'THREAD=REFERENCES', 'THREAD=ORDEREDSUBJECT', 'APPENDLIMIT=1048576', 'COMPRESS=DEFLATE', 'OBJECTID', 'CHILDREN', 'BINARY',
      'STARTTLS', 'LOGINDISABLED']) {
      assert.ok(list.includes(cap), `${cap} in ${greeting}`);
    }
    assert.ok(!list.some((x) => x.startsWith('AUTH=')), 'no mechanism before TLS');
    assert.ok(!list.includes('UTF8=ACCEPT'));
    const r = await c.command('CAPABILITY');
    assert.deepEqual(r.untagged, [`* CAPABILITY ${list.join(' ')}`]);
    assert.match(r.tagged, /^a1 OK /);

    assert.match((await c.command(`LOGIN ${ALICE} "${PASSWORD}"`)).tagged, /^a2 NO \[PRIVACYREQUIRED\] /);
    assert.match((await c.command(`AUTHENTICATE PLAIN ${b64(`\0${ALICE}\0${PASSWORD}`)}`)).tagged, /^a3 NO \[PRIVACYREQUIRED\] /);
    assert.equal(h.delays.length, 0, 'nothing was tried, nothing is charged');
    c.destroy();
  });

  it('STARTTLS: drops what was pipelined behind it, then offers AUTH=PLAIN and logs in', async () => {
    const h = await harness();
    const c = await h.connect();
    await c.line();
    // A man in the middle appends a command to the STARTTLS packet: it must never run.
    c.send(`a1 STARTTLS\r\nx1 LOGIN ${ALICE} "${PASSWORD}"\r\n`);
    const ok = await c.until('a1');
    assert.match(ok.tagged, /^a1 OK /);
    await c.upgradeTls();
    const r = await c.command('CAPABILITY', 'a2');
    const list = caps(r.untagged[0]!.replace('* CAPABILITY', 'CAPABILITY'));
    assert.ok(list.includes('AUTH=PLAIN') && !list.includes('STARTTLS') && !list.includes('LOGINDISABLED'), r.untagged[0]);
    assert.equal(c.pending, '', 'the injected LOGIN got no answer');
    assert.match((await c.command('STARTTLS', 'a3')).tagged, /^a3 BAD /);
    const login = await c.command(`LOGIN ${ALICE} "${PASSWORD}"`, 'a4');
    assert.match(login.tagged, /^a4 OK \[CAPABILITY IMAP4rev1 /);
    const after = caps(login.tagged);
    assert.ok(!after.includes('AUTH=PLAIN') && !after.includes('STARTTLS') && !after.includes('LOGINDISABLED'));
    assert.ok(after.includes('COMPRESS=DEFLATE'));
    c.destroy();
  });

  it('implicit TLS: AUTH=PLAIN and no STARTTLS in the greeting', async () => {
    const h = await harness();
    const c = await h.connect('imaps');
    const list = caps(await c.line());
    assert.ok(list.includes('AUTH=PLAIN') && !list.includes('STARTTLS') && !list.includes('LOGINDISABLED'));
    c.destroy();
  });

  it('without a certificate: no STARTTLS; allowInsecureAuth offers PLAIN in the clear', async () => {
    const h = await harness({ tls: false, allowInsecureAuth: true });
    const c = await h.connect();
    const list = caps(await c.line());
    assert.ok(!list.includes('STARTTLS') && list.includes('AUTH=PLAIN') && !list.includes('LOGINDISABLED'));
    assert.match((await c.command('STARTTLS')).tagged, /^a1 BAD /);
    assert.match((await c.command(`LOGIN ${ALICE} "${PASSWORD}"`)).tagged, /^a2 OK /);
    c.destroy();
  });

  it('LOGIN: failures are NO [AUTHENTICATIONFAILED] with a growing delay; logs say who and how, never the password', async () => {
    const h = await harness();
    const c = await h.connect('imaps');
    await c.line();
    assert.match((await c.command(`LOGIN ${ALICE} wrong-password-1`)).tagged, /^a1 NO \[AUTHENTICATIONFAILED\] /);
    assert.match((await c.command('LOGIN nobody@example.test wrong-password-2')).tagged, /^a2 NO \[AUTHENTICATIONFAILED\] /);
    assert.match((await c.command('LOGIN not-an-address wrong-password-3')).tagged, /^a3 NO \[AUTHENTICATIONFAILED\] /);
    assert.deepEqual(h.delays, [100, 200, 400]);
    assert.match((await c.command(`LOGIN ${ALICE.toUpperCase()} "${PASSWORD}"`)).tagged, /^a4 OK /);
    assert.match((await c.command('SELECT INBOX')).tagged, /^a5 OK /, 'a selected-state command works after LOGIN');
    const failed = h.logs.filter((l) => l.msg === 'imap login failed');
    assert.equal(failed.length, 3);
    assert.equal(failed[0]!.user, ALICE);
    assert.equal(failed[0]!.outcome, 'auth-failed');
    assert.ok(failed.every((l) => typeof l.cid === 'string' && l.remote === '127.0.0.1'));
    const okLine = h.logs.find((l) => l.msg === 'imap login');
    assert.equal(okLine?.user, ALICE);
    assert.equal(okLine?.outcome, 'authenticated');
    const all = JSON.stringify(h.logs);
    assert.ok(!all.includes(PASSWORD) && !all.includes('wrong-password'), 'no password in the logs');
    c.destroy();
  });

  it('connectionsPerUser: NO [LIMIT] over it, across both ports; a closed session frees its slot', async () => {
    const h = await harness({ limits: { connectionsPerUser: 2 } });
    const a = await h.login();
    const b = await h.connect('imap');
    await b.line();
    await b.startTls();
    assert.match((await b.command(`LOGIN ${ALICE} "${PASSWORD}"`)).tagged, / OK /);
    const c = await h.connect('imaps');
    await c.line();
    assert.match((await c.command(`LOGIN ${ALICE} "${PASSWORD}"`)).tagged, /^a1 NO \[LIMIT\] /);
    assert.match((await c.command(`LOGIN ${BOB} "${PASSWORD}"`)).tagged, /^a2 OK /, 'another account is not limited');
    assert.equal(h.service.userSessions.count(h.aliceId), 2);
    await a.command('LOGOUT');
    assert.ok(await a.waitClosed());
    for (let i = 0; i < 50 && h.service.userSessions.count(h.aliceId) !== 1; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.service.userSessions.count(h.aliceId), 1);
    const d = await h.connect('imaps');
    await d.line();
    assert.match((await d.command(`LOGIN ${ALICE} "${PASSWORD}"`)).tagged, /^a1 OK /);
    b.destroy();
    c.destroy();
    d.destroy();
  });

  it('AUTHENTICATE PLAIN: with SASL-IR, with a continuation, cancelled, malformed, wrong', async () => {
    const h = await harness();
    const plain = b64(`\0${ALICE}\0${PASSWORD}`);
    let c = await h.connect('imaps');
    await c.line();
    assert.match((await c.command('AUTHENTICATE CRAM-MD5')).tagged, /^a1 NO /);
    c.send('a2 AUTHENTICATE PLAIN\r\n');
    assert.equal(await c.line(), '+ ');
    c.send('*\r\n');
    assert.match((await c.until('a2')).tagged, /^a2 BAD /);
    c.send('a3 AUTHENTICATE PLAIN\r\n');
    assert.equal(await c.line(), '+ ');
    c.send('not base64!\r\n');
    assert.match((await c.until('a3')).tagged, /^a3 BAD /);
    assert.match((await c.command('AUTHENTICATE PLAIN !!!!', 'a4')).tagged, /^a4 BAD /, 'SASL-IR that is not base64');
    assert.match((await c.command(`AUTHENTICATE PLAIN ${b64(`\0${ALICE}\0nope`)}`, 'a5')).tagged, /^a5 NO \[AUTHENTICATIONFAILED\] /);
    assert.match((await c.command(`AUTHENTICATE PLAIN ${b64(`${BOB}\0${ALICE}\0${PASSWORD}`)}`, 'a6')).tagged, /^a6 NO \[AUTHENTICATIONFAILED\] /, 'no acting as someone else');
    assert.equal(h.delays.length, 1, 'only the wrong password was charged');
    c.send('a7 AUTHENTICATE PLAIN\r\n');
    assert.equal(await c.line(), '+ ');
    c.send(`${plain}\r\n`);
    const ok = await c.until('a7');
    assert.match(ok.tagged, /^a7 OK \[CAPABILITY /);
    assert.match((await c.command('NOOP', 'a8')).tagged, /^a8 OK /, 'back to reading commands');
    c.destroy();

    c = await h.connect('imaps');
    await c.line();
    assert.match((await c.command(`AUTHENTICATE PLAIN ${plain}`)).tagged, /^a1 OK \[CAPABILITY /);
    assert.equal(h.logs.filter((l) => l.msg === 'imap login' && l.method === 'PLAIN').length, 2);
    c.destroy();
  });

  it('refuses commands in the wrong state with BAD, and unknown or malformed ones', async () => {
    const h = await harness();
    const c = await h.connect('imaps');
    await c.line();
    assert.match((await c.command('SELECT INBOX')).tagged, /^a1 BAD /);
    assert.match((await c.command('ENABLE CONDSTORE')).tagged, /^a2 BAD /);
    assert.match((await c.command('LIST "" "*"')).tagged, /^a3 BAD /);
    assert.match((await c.command('FROBNICATE')).tagged, /^a4 BAD /);
    assert.match((await c.command('LOGIN onlyuser')).tagged, /^a5 BAD /);
    c.send('garbage with no tag structure (\r\n');
    assert.match(await c.line(), /^(\* BAD|garbage BAD) /);
    assert.match((await c.command(`LOGIN ${ALICE} "${PASSWORD}"`)).tagged, /^a6 OK /);
    assert.match((await c.command(`LOGIN ${ALICE} "${PASSWORD}"`)).tagged, /^a7 BAD /, 'no second LOGIN');
    assert.match((await c.command('STARTTLS')).tagged, /^a8 BAD /);
    c.destroy();
  });

  it('answers pipelined commands in order', async () => {
    const h = await harness();
    const c = await h.login();
    c.send('p1 NOOP\r\np2 CAPABILITY\r\np3 NAMESPACE\r\np4 BOGUS\r\np5 NOOP\r\n');
    const lines: string[] = [];
    for (;;) {
      const l = await c.line();
      lines.push(l);
      if (l.startsWith('p5 ')) break;
    }
    assert.deepEqual(lines.map((l) => l.split(' ').slice(0, 2).join(' ')), ['p1 OK', '* CAPABILITY', 'p2 OK', '* NAMESPACE', 'p3 OK', 'p4 BAD', 'p5 OK']);
    c.destroy();
  });

  it('too many errors in a row: BYE and close', async () => {
    const h = await harness({ limits: { maxErrors: 3 } });
    const c = await h.login();
    assert.match((await c.command('BOGUS1')).tagged, / BAD /);
    assert.match((await c.command('NOOP')).tagged, / OK /, 'an OK resets the count');
    assert.match((await c.command('BOGUS2')).tagged, / BAD /);
    assert.match((await c.command('BOGUS3')).tagged, / BAD /);
    c.send('a9 BOGUS4\r\n');
    assert.match(await c.line(), /^a9 BAD /);
    assert.match(await c.line(), /^\* BYE Too many errors/);
    assert.ok(await c.waitClosed());
    assert.ok(h.logs.some((l) => l.outcome === 'too-many-errors'));
  });

  it('autologout: preAuthTimeout before login, idleTimeout after, IDLE included', async () => {
    const h = await harness({ limits: { preAuthTimeout: 0.3, idleTimeout: 0.6 } });
    const c = await h.connect('imaps');
    await c.line();
    const started = Date.now();
    assert.match(await c.line(2000), /^\* BYE Autologout/);
    assert.ok(await c.waitClosed());
    assert.ok(Date.now() - started < 1500);

    const d = await h.login();
    await new Promise((r) => setTimeout(r, 400));
    assert.match((await d.command('NOOP')).tagged, / OK /, 'past preAuthTimeout but within idleTimeout');
    d.send('i1 IDLE\r\n');
    assert.equal(await d.line(), '+ idling');
    assert.match(await d.line(3000), /^\* BYE Autologout/);
    assert.ok(await d.waitClosed());
    assert.equal(h.logs.filter((l) => l.outcome === 'idle-timeout').length, 2);
  });

  it('IDLE ends with DONE (pipelined commands after it run), and with BAD on anything else', async () => {
    const h = await harness();
    const c = await h.login();
    c.send('i1 IDLE\r\n');
    assert.equal(await c.line(), '+ idling');
    c.send('DONE\r\nn1 NOOP\r\n');
    assert.match(await c.line(), /^i1 OK /);
    assert.match(await c.line(), /^n1 OK /);
    c.send('i2 IDLE\r\n');
    assert.equal(await c.line(), '+ idling');
    c.send('NOPE\r\n');
    assert.match(await c.line(), /^i2 BAD /);
    assert.match((await c.command('NOOP')).tagged, / OK /);
    c.destroy();
  });

  it('LOGOUT: BYE, tagged OK, close; the account slot is given back', async () => {
    const h = await harness();
    const c = await h.login();
    const r = await c.command('LOGOUT');
    assert.deepEqual(r.untagged, ['* BYE Logging out']);
    assert.match(r.tagged, /^a2 OK /);
    assert.ok(await c.waitClosed());
    for (let i = 0; i < 50 && h.service.userSessions.count(h.aliceId) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.service.userSessions.count(h.aliceId), 0);
    const closed = h.logs.find((l) => l.msg === 'imap closed');
    assert.equal(closed?.state, 'logout');
  });

  it('shutdown: idle sessions and IDLE get BYE [UNAVAILABLE] now; an APPEND being received finishes first', async () => {
    const h = await harness();
    const idle = await h.login();
    const idling = await h.login();
    idling.send('i1 IDLE\r\n');
    assert.equal(await idling.line(), '+ idling');
    const appending = await h.login();
    const message = 'From: a@example.test\r\nSubject: drain\r\n\r\nbody\r\n';
    appending.send(`p1 APPEND INBOX {${message.length}}\r\n`);
    assert.match(await appending.line(), /^\+ /);
    appending.send(message.slice(0, 10));
    await new Promise((r) => setTimeout(r, 50));

    const closing = h.service.close(3000);
    assert.equal(await idle.line(), '* BYE [UNAVAILABLE] Server shutting down');
    assert.ok(await idle.waitClosed());
    assert.equal(await idling.line(), '* BYE [UNAVAILABLE] Server shutting down');
    assert.ok(await idling.waitClosed());
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(appending.pending, '', 'nothing yet for the session receiving a message');
    appending.send(message.slice(10) + '\r\n');
    assert.match(await appending.line(), /^p1 OK /);
    assert.equal(await appending.line(), '* BYE [UNAVAILABLE] Server shutting down');
    assert.ok(await appending.waitClosed());
    await closing;
    assert.equal((await h.store.store.listMessageRefs(h.aliceId, 'INBOX')).length, 1, 'the message was stored');
  });

  it('an unexpected error is NO [SERVERBUG] without its message, logged with its cause; the session goes on', async () => {
    const h = await harness();
    const c = await h.login();
    const store = h.store.store;
    const original = store.listFolders.bind(store);
    store.listFolders = async () => { throw new Error('disk on fire at /secret/path', { cause: new Error('root cause') }); };
    try {
      const r = await c.command('LIST "" "*"');
      assert.equal(r.tagged, 'a2 NO [SERVERBUG] Internal error');
      assert.ok(!r.untagged.join('').includes('secret'));
    } finally {
      store.listFolders = original;
    }
    const logged = h.logs.find((l) => l.msg === 'imap command crashed');
    assert.equal(logged?.command, 'LIST');
    assert.match(JSON.stringify(logged?.err), /disk on fire.*root cause/);
    assert.match((await c.command('LIST "" "INBOX"')).tagged, / OK /);
    c.destroy();
  });

  it('AUTHENTICATE: an overlong response line ends the exchange with BAD on its tag', async () => {
    const h = await harness();
    const c = await h.connect('imaps');
    await c.line();
    c.send('a1 AUTHENTICATE PLAIN\r\n');
    assert.equal(await c.line(), '+ ');
    c.send('A'.repeat(20_000) + '\r\n');
    assert.match(await c.line(), /^a1 BAD /);
    assert.match((await c.command('NOOP', 'a2')).tagged, /^a2 OK /);
    c.destroy();
  });

  it('RENAME of the selected mailbox: tagged OK, then BYE; RENAME INBOX keeps the session', async () => {
    const h = await harness();
    const c = await h.login();
    assert.match((await c.command('SELECT INBOX')).tagged, / OK /);
    assert.match((await c.command('RENAME INBOX Old-Inbox')).tagged, / OK /);
    assert.match((await c.command('NOOP')).tagged, / OK /, 'INBOX is still there, and still selected');
    assert.match((await c.command('SELECT Old-Inbox')).tagged, / OK /);
    c.send('r1 RENAME Old-Inbox Older\r\n');
    assert.match(await c.line(), /^r1 OK /);
    assert.match(await c.line(), /^\* BYE Selected mailbox was renamed/);
    assert.ok(await c.waitClosed());
  });

  it('refuses LIST patterns too costly to match', async () => {
    const h = await harness();
    const c = await h.login();
    const pattern = '*a'.repeat(600);
    assert.match((await c.command(`LIST "" "${pattern}"`)).tagged, / BAD /);
    c.destroy();
  });
});
