// The IMAP engine's input side: literals (synchronising and LITERAL+), APPEND streaming and its
// refusals, COMPRESS=DEFLATE in both directions, and hostile input that must neither grow
// memory nor crash the session.

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ALICE, PASSWORD, imapHarness, type HarnessOptions, type ImapHarness } from './engine-harness.js';

const MESSAGE = 'From: a@example.test\r\nTo: alice@example.test\r\nSubject: hello\r\n\r\nbody line\r\n';

describe('IMAP engine input', () => {
  let h: ImapHarness | null = null;
  const harness = async (options: HarnessOptions = {}) => (h = await imapHarness(options));
  afterEach(async () => { await h?.close(); h = null; });

  it('reads synchronising literals after "+" and LITERAL+ ones at once', async () => {
    const h = await harness();
    const c = await h.connect('imaps');
    await c.line();
    c.send(`l1 LOGIN {${ALICE.length}}\r\n`);
    assert.equal(await c.line(), '+ Ready for literal data');
    c.send(`${ALICE} {${PASSWORD.length}+}\r\n${PASSWORD}\r\n`);
    assert.match((await c.until('l1')).tagged, /^l1 OK /);
    c.send('s1 STATUS {5+}\r\nINBOX (MESSAGES)\r\n');
    const r = await c.until('s1');
    assert.deepEqual(r.untagged, ['* STATUS "INBOX" (MESSAGES 0)']);
    c.destroy();
  });

  it('APPEND: streamed into the store; refused before "+" (TRYCREATE, TOOBIG); a refused LITERAL+ message is skipped', async () => {
    const h = await harness();
    const c = await h.login();
    c.send(`p1 APPEND INBOX (\\Seen) {${MESSAGE.length}}\r\n`);
    assert.equal(await c.line(), '+ Ready for literal data');
    c.send(MESSAGE + '\r\n');
    assert.match((await c.until('p1')).tagged, /^p1 OK /);
    const stored = await h.store.store.listMessages(h.aliceId, 'INBOX');
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.size, MESSAGE.length);

    c.send(`p2 APPEND Nowhere {${MESSAGE.length}}\r\n`);
    assert.match(await c.line(), /^p2 NO \[TRYCREATE\] /, 'refused before the client sends the message');
    c.send(`p3 APPEND INBOX {${2 * 1024 * 1024}}\r\n`);
    assert.match(await c.line(), /^p3 NO \[TOOBIG\] /);

    // A non-synchronising message is on its way whatever we say: its octets must not be read as commands.
    const evil = 'x1 DELETE Archive\r\n'.repeat(20);
    c.send(`p4 APPEND Nowhere {${evil.length}+}\r\n${evil}\r\n`);
    assert.match(await c.line(), /^p4 NO \[TRYCREATE\] /);
    assert.match((await c.command('NOOP', 'p5')).tagged, /^p5 OK /);
    assert.ok(await h.store.store.getFolder(h.aliceId, 'Archive'), 'no command hidden in the literal ran');

    c.send(`p6 APPEND INBOX {${MESSAGE.length}+}\r\n${MESSAGE}\r\n`);
    assert.match((await c.until('p6')).tagged, /^p6 OK /);
    assert.equal((await h.store.store.listMessages(h.aliceId, 'INBOX')).length, 2);
    c.destroy();
  });

  it('APPEND cut off mid-message stores nothing', async () => {
    const h = await harness();
    const c = await h.login();
    c.send(`p1 APPEND INBOX {${MESSAGE.length}}\r\n`);
    assert.match(await c.line(), /^\+ /);
    c.send(MESSAGE.slice(0, 20));
    await new Promise((r) => setTimeout(r, 100));
    c.destroy();
    for (let i = 0; i < 50 && !h.logs.some((l) => l.msg === 'imap closed'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await h.store.store.listMessages(h.aliceId, 'INBOX')).length, 0);
  });

  it('COMPRESS DEFLATE: not before login, then both directions compressed; once only', async () => {
    const h = await harness();
    const c = await h.connect('imaps');
    await c.line();
    assert.match((await c.command('COMPRESS DEFLATE')).tagged, /^a1 BAD /);
    assert.match((await c.command(`LOGIN ${ALICE} "${PASSWORD}"`)).tagged, / OK /);
    assert.match((await c.command('COMPRESS LZW')).tagged, /^a3 BAD /);
    assert.match(await c.compress(), /^a4 OK /);
    const list = await c.command('LIST "" "*"');
    assert.match(list.tagged, /^a5 OK /);
    assert.ok(list.untagged.some((l) => l.endsWith('"INBOX"')), list.untagged.join('\n'));
    assert.match((await c.command('COMPRESS DEFLATE')).tagged, /^a6 NO \[COMPRESSIONACTIVE\] /);
    c.send(`p1 APPEND INBOX {${MESSAGE.length}}\r\n`);
    assert.match(await c.line(), /^\+ /);
    c.send(MESSAGE + '\r\n');
    assert.match((await c.until('p1')).tagged, /^p1 OK /);
    c.send('i1 IDLE\r\n');
    assert.equal(await c.line(), '+ idling');
    c.send('DONE\r\n');
    assert.match(await c.line(), /^i1 OK /);
    const r = await c.command('LOGOUT');
    assert.deepEqual(r.untagged, ['* BYE Logging out']);
    assert.ok(await c.waitClosed());
  });

  it('a flood of huge literal announcements is refused without waiting for or keeping the octets', async () => {
    const h = await harness({ limits: { maxErrors: 1000 } });
    const c = await h.login();
    const before = process.memoryUsage().rss;
    let flood = '';
    for (let i = 0; i < 300; i++) flood += `f${i} LOGIN {1048576}\r\n`;
    c.send(flood);
    for (let i = 0; i < 300; i++) assert.match(await c.line(), new RegExp(`^f${i} BAD \\[TOOBIG\\] `));
    // Non-synchronising ones: the octets arrive anyway and are skipped, not collected.
    for (let i = 0; i < 4; i++) {
      c.send(`n${i} SEARCH TEXT {1048576+}\r\n`);
      c.send(Buffer.alloc(1048576, 0x61));
      c.send('\r\n');
      assert.match(await c.line(), new RegExp(`^n${i} BAD \\[TOOBIG\\] `));
    }
    assert.match((await c.command('NOOP', 'z1')).tagged, /^z1 OK /);
    const grown = process.memoryUsage().rss - before;
    assert.ok(grown < 64 * 1024 * 1024, `rss grew by ${grown}`);
    c.destroy();
  });

  it('garbage: binary noise, overlong lines and absurd literal sizes are answered, and the session goes on or closes cleanly', async () => {
    const h = await harness({ limits: { maxErrors: 1000 } });
    const c = await h.login();
    c.send(Buffer.from([0x00, 0xff, 0xfe, 0x0d, 0x0a]));
    assert.match(await c.line(), /BAD/);
    c.send('x'.repeat(100_000) + '\r\n');
    assert.match(await c.line(), /BAD/);
    c.send('t1 NOOP {99999999999999999999}\r\n');
    assert.match(await c.line(), /^t1 BAD /);
    assert.match((await c.command('NOOP', 'z1')).tagged, /^z1 OK /);
    // A non-synchronising literal of absurd size cannot be skipped: BAD, BYE, close.
    c.send('t2 NOOP {99999999999999999999+}\r\n');
    const rest = await c.rest();
    assert.match(rest, /BAD/);
    assert.match(rest, /\* BYE /);
  });

  it('closes after maxErrors garbage lines from a client that is not logged in', async () => {
    const h = await harness({ limits: { maxErrors: 5 } });
    const c = await h.connect('imaps');
    await c.line();
    c.send('junk\r\n'.repeat(20));
    const rest = await c.rest();
    assert.equal(rest.match(/BAD/g)?.length, 5);
    assert.match(rest, /\* BYE Too many errors/);
  });

  it('a deflate bomb after COMPRESS is inflated under backpressure and skipped, not collected', async () => {
    const h = await harness();
    const c = await h.login();
    assert.match(await c.compress(), / OK /);
    const before = process.memoryUsage().rss;
    const mib = Buffer.alloc(1024 * 1024, 0x78);
    for (let i = 0; i < 32; i++) c.send(mib);
    c.send('\r\nz1 NOOP\r\n');
    assert.match(await c.line(20_000), /^\* BAD /);
    assert.match(await c.line(20_000), /^z1 OK /);
    const grown = process.memoryUsage().rss - before;
    assert.ok(grown < 96 * 1024 * 1024, `rss grew by ${grown}`);
    c.destroy();
  });
});
