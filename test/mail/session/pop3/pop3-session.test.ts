import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ALICE, PASSWORD, pop3Harness, unstuff, type Pop3Harness } from './harness.js';

const MSG1 = 'From: a@example.org\r\nSubject: one\r\n\r\nHello\r\n.leading dot\r\n.\r\nlast\r\n';
const MSG2 = 'From: b@example.org\r\nSubject: two\r\n\r\nBody 2\r\n';
/** The lines of a multi-line body (each ends with CRLF). */
const lines = (body: string) => body.split('\r\n').slice(0, -1);
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('POP3 session', () => {
  let h: Pop3Harness;
  beforeEach(async () => {
    h = await pop3Harness();
    await h.deliver(MSG1);
    await h.deliver(MSG2);
  });
  afterEach(async () => { await h.close(); });

  it('greets, offers STLS and no passwords in the clear, and refuses USER/PASS/AUTH before TLS', async () => {
    const c = await h.connect();
    assert.match(await c.line(), /^\+OK mx\.example\.test /);
    const capa = await c.multiCommand('CAPA');
    assert.deepEqual(lines(capa.body), ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'STLS', 'IMPLEMENTATION Mailroom']);
    assert.match(await c.command(`USER ${ALICE}`), /^-ERR \[SYS\/PERM\] /);
    assert.match(await c.command(`PASS ${PASSWORD}`), /^-ERR \[SYS\/PERM\] /);
    assert.match(await c.command(`AUTH PLAIN ${b64(`\0${ALICE}\0${PASSWORD}`)}`), /^-ERR \[SYS\/PERM\] /);
    assert.match(await c.command('STAT'), /^-ERR /, 'no TRANSACTION commands before login');
    assert.equal(h.delays.length, 0, 'nothing was tried, nothing is charged');
    c.destroy();
  });

  it('after STLS: CAPA lists USER and SASL PLAIN, login works, full transaction byte-exact', async () => {
    const c = await h.connect();
    await c.line();
    assert.match(await c.stls(), /^\+OK/);
    const capa = await c.multiCommand('CAPA');
    assert.ok(capa.body.includes('USER') && capa.body.includes('SASL PLAIN') && !capa.body.includes('STLS'));
    assert.match(await c.command('STLS'), /^-ERR/, 'no second STLS');
    assert.match(await c.login(), /^\+OK Logged in, 2 messages/);
    assert.equal(await c.command('STAT'), `+OK 2 ${MSG1.length + MSG2.length}`);
    assert.deepEqual(await c.multiCommand('LIST'), { status: `+OK 2 messages (${MSG1.length + MSG2.length} octets)`, body: `1 ${MSG1.length}\r\n2 ${MSG2.length}\r\n` });
    assert.equal(await c.command('LIST 2'), `+OK 2 ${MSG2.length}`);
    assert.match(await c.command('LIST 3'), /^-ERR No such message/);
    const uidl = await c.multiCommand('UIDL');
    const ids = lines(uidl.body).map((l) => l.split(' ')[1]!);
    assert.equal(ids.length, 2);
    assert.ok(ids.every((id) => /^[\x21-\x7e]{1,70}$/.test(id)) && ids[0] !== ids[1]);
    assert.equal(await c.command('UIDL 1'), `+OK 1 ${ids[0]}`);

    const retr = await c.multiCommand('RETR 1');
    assert.equal(retr.status, `+OK ${MSG1.length} octets`);
    assert.equal(retr.body, 'From: a@example.org\r\nSubject: one\r\n\r\nHello\r\n..leading dot\r\n..\r\nlast\r\n', 'dot-stuffed on the wire');
    assert.equal(unstuff(retr.body), MSG1);
    assert.equal((await c.multiCommand('TOP 1 0')).body, 'From: a@example.org\r\nSubject: one\r\n\r\n');
    assert.equal((await c.multiCommand('TOP 1 2')).body, 'From: a@example.org\r\nSubject: one\r\n\r\nHello\r\n..leading dot\r\n');

    assert.match(await c.command('DELE 1'), /^\+OK/);
    assert.match(await c.command('DELE 1'), /^-ERR Message is deleted/);
    assert.match(await c.command('RETR 1'), /^-ERR/);
    assert.equal(await c.command('STAT'), `+OK 1 ${MSG2.length}`);
    assert.equal((await c.multiCommand('LIST')).body, `2 ${MSG2.length}\r\n`);
    assert.match(await c.command('RSET'), /^\+OK 2 messages/);
    assert.match(await c.command('DELE 2'), /^\+OK/);
    assert.equal(await c.command('NOOP'), '+OK');
    // Not yet: only QUIT applies the marks.
    assert.equal((await h.store.store.listMessageRefs(h.aliceId, 'INBOX')).length, 2);
    assert.match(await c.command('QUIT'), /^\+OK Bye, 1 messages deleted/);
    assert.ok(await c.waitClosed());
    assert.deepEqual((await h.store.store.listMessageRefs(h.aliceId, 'INBOX')).map((r) => r.uid), [1]);
  });

  it('a dropped connection deletes nothing and frees the mailbox', async () => {
    const c = await h.connect('pop3s');
    await c.line();
    assert.match(await c.login(), /^\+OK/);
    await c.command('DELE 1');
    await c.command('DELE 2');
    c.destroy();
    const again = await h.connect('pop3s');
    await again.line();
    // The lock is released when the server sees the close; give it a moment.
    let reply = '';
    for (let i = 0; i < 50 && !reply.startsWith('+OK'); i++) {
      reply = await again.login();
      if (!reply.startsWith('+OK')) await new Promise((r) => setTimeout(r, 20));
    }
    assert.match(reply, /^\+OK Logged in, 2 messages/);
    assert.equal((await h.store.store.listMessageRefs(h.aliceId, 'INBOX')).length, 2);
    assert.match(await again.command('QUIT'), /^\+OK Bye$/);
  });

  it('a second session on the same mailbox is refused with [IN-USE], across both ports', async () => {
    const first = await h.connect('pop3s');
    await first.line();
    assert.match(await first.login(), /^\+OK/);
    const second = await h.connect();
    await second.line();
    await second.stls();
    assert.match(await second.login(), /^-ERR \[IN-USE\] /);
    assert.match(await second.command('STAT'), /^-ERR/, 'still in AUTHORIZATION');
    assert.match(await first.command('QUIT'), /^\+OK/);
    await first.waitClosed();
    assert.match(await second.login(), /^\+OK/);
    second.destroy();
  });

  it('wrong password: growing delay, then -ERR [AUTH]; a right one clears it', async () => {
    const c = await h.connect('pop3s');
    await c.line();
    assert.match(await c.login('wrong'), /^-ERR \[AUTH\] /);
    assert.match(await c.login('wrong again'), /^-ERR \[AUTH\] /);
    assert.match(await c.login('x', 'nobody@example.test'), /^-ERR \[AUTH\] /);
    assert.deepEqual(h.delays, [100, 200, 400]);
    assert.match(await c.command(`PASS ${PASSWORD}`), /^-ERR/, 'PASS needs a USER right before it');
    assert.match(await c.login(), /^\+OK/);
    assert.ok(h.logs.some((l) => l.msg === 'pop3 login failed' && l.outcome === 'auth-failed' && typeof l.cid === 'string'));
    c.destroy();
  });

  it('SASL PLAIN with an initial response and with a continuation; "*" cancels', async () => {
    const c = await h.connect('pop3s');
    await c.line();
    assert.deepEqual(await c.multiCommand('AUTH'), { status: '+OK Supported mechanisms follow', body: 'PLAIN\r\n' });
    assert.match(await c.command('AUTH CRAM-MD5'), /^-ERR/);
    assert.equal(await c.command('AUTH PLAIN'), '+ ');
    assert.match(await c.command('*'), /^-ERR Authentication cancelled/);
    assert.equal(await c.command('AUTH PLAIN'), '+ ');
    assert.match(await c.command(b64(`\0${ALICE}\0${PASSWORD}`)), /^\+OK Logged in/);
    await c.command('QUIT');
    const d = await h.connect('pop3s');
    await d.line();
    assert.match(await d.command(`AUTH PLAIN ${b64(`${ALICE}\0${ALICE}\0${PASSWORD}`)}`), /^\+OK Logged in/);
    d.destroy();
  });

  it('a message delivered during a session is not in its snapshot, and stays after QUIT', async () => {
    const c = await h.connect('pop3s');
    await c.line();
    await c.login();
    await h.deliver('Subject: three\r\n\r\nlate\r\n');
    assert.match(await c.command('STAT'), /^\+OK 2 /);
    await c.command('DELE 1');
    await c.command('DELE 2');
    assert.match(await c.command('QUIT'), /^\+OK Bye, 2 messages deleted/);
    assert.deepEqual((await h.store.store.listMessageRefs(h.aliceId, 'INBOX')).map((r) => r.uid), [3]);
  });

  it('pipelined commands are answered in order', async () => {
    const c = await h.connect('pop3s');
    await c.line();
    c.send(`USER ${ALICE}\r\nPASS ${PASSWORD}\r\nSTAT\r\nLIST 1\r\nNOOP`);
    assert.match(await c.line(), /^\+OK/);
    assert.match(await c.line(), /^\+OK Logged in/);
    assert.match(await c.line(), /^\+OK 2 /);
    assert.equal(await c.line(), `+OK 1 ${MSG1.length}`);
    assert.equal(await c.line(), '+OK');
    c.destroy();
  });

  it('closes after too many errors; unknown commands and overlong lines count', async () => {
    await h.close();
    h = await pop3Harness({ maxErrors: 3 });
    const c = await h.connect();
    await c.line();
    assert.match(await c.command('FOO'), /^-ERR Unknown command/);
    assert.match(await c.command('X'.repeat(2000)), /^-ERR Line too long/);
    assert.match(await c.command('BAR'), /^-ERR/);
    assert.match(await c.line(), /^-ERR \[SYS\/PERM\] Too many errors/);
    assert.ok(await c.waitClosed());
  });

  it('shutdown says goodbye with [SYS/TEMP] and applies no marks', async () => {
    const c = await h.connect('pop3s');
    await c.line();
    await c.login();
    await c.command('DELE 1');
    const closing = h.service.close(2000);
    assert.match(await c.line(), /^-ERR \[SYS\/TEMP\] Server shutting down/);
    await closing;
    assert.equal((await h.store.store.listMessageRefs(h.aliceId, 'INBOX')).length, 2);
  });
});

describe('POP3 session with auth.allowInsecure', () => {
  it('accepts USER/PASS in the clear when the config says so', async () => {
    const h = await pop3Harness({ allowInsecureAuth: true, tls: false });
    try {
      const c = await h.connect();
      await c.line();
      const capa = await c.multiCommand('CAPA');
      assert.ok(capa.body.includes('USER') && !capa.body.includes('STLS'));
      assert.match(await c.command('STLS'), /^-ERR/);
      assert.match(await c.login(), /^\+OK Logged in, 0 messages/);
      c.destroy();
    } finally {
      await h.close();
    }
  });
});
