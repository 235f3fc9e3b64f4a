// ManageSieve (RFC 5804) sessions replayed over loopback against the real service: the
// capability listing before and after STARTTLS, SASL PLAIN (inline and with a continuation),
// PUTSCRIPT of a broken script (the reply names line and column, nothing stored), HAVESPACE,
// LISTSCRIPTS, SETACTIVE, GETSCRIPT, DELETESCRIPT of the active script refused, LOGOUT, and bad
// input: unknown verbs, malformed arguments, literals over the limit, a line too long, too many
// errors.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ALICE, LIMITS, literal, PASSWORD, plain, sieveHarness, type SieveHarness } from './harness.js';

const GOOD = 'require "fileinto";\r\nif header :contains "subject" "offer" {\r\n  fileinto "Junk";\r\n}\r\n';
const OTHER = 'keep;\r\n';
/** The second line's test has no key list: a syntax error on line 2. */
const BROKEN = 'require "fileinto";\r\nif header :contains "subject" {\r\n  fileinto "Junk";\r\n}\r\n';

/** The capability listing as a map: name -> value (null when the capability has none). */
function caps(lines: string[]): Map<string, string | null> {
  return new Map(lines.map((l) => {
    const m = /^"([^"]+)"(?: "([^"]*)")?$/.exec(l);
    assert.ok(m, `capability line ${JSON.stringify(l)}`);
    return [m[1]!, m[2] ?? null] as [string, string | null];
  }));
}

describe('ManageSieve session', () => {
  let h: SieveHarness;
  beforeEach(async () => { h = await sieveHarness(); });
  afterEach(async () => { await h.close(); });

  it('greets with its capabilities; before TLS no SASL mechanism, STARTTLS offered, logins refused', async () => {
    const c = await h.connect();
    const greeting = await c.response();
    assert.match(greeting.status, /^OK "mx\.example\.test Mailroom ManageSieve ready"$/);
    const before = caps(greeting.lines);
    assert.equal(before.get('IMPLEMENTATION'), 'Mailroom 9.8.7');
    assert.equal(before.get('SASL'), '');
    assert.ok(before.has('STARTTLS'));
    assert.equal(before.get('STARTTLS'), null);
    assert.equal(before.get('MAXREDIRECTS'), String(LIMITS.maxRedirects));
    assert.equal(before.get('VERSION'), '1.0');
    assert.ok(before.get('SIEVE')!.split(' ').includes('fileinto'));
    assert.ok(!before.has('OWNER'));

    const capability = await c.command('CAPABILITY');
    assert.match(capability.status, /^OK\b/);
    assert.deepEqual(caps(capability.lines), before, 'CAPABILITY repeats the greeting');
    assert.equal((await c.command(`AUTHENTICATE "PLAIN" "${plain(ALICE, PASSWORD)}"`)).status, 'NO (ENCRYPT-NEEDED) "Use STARTTLS before authenticating"');
    assert.equal((await c.command('LISTSCRIPTS')).status, 'NO "Authenticate first"');
    assert.equal((await c.command('HAVESPACE "a" 10')).status, 'NO "Authenticate first"');
    assert.equal(h.delays.length, 0, 'nothing was tried, nothing is charged');
    assert.match((await c.command('LOGOUT')).status, /^OK /);
    assert.ok(await c.waitClosed());
  });

  it('after STARTTLS: capabilities again with SASL PLAIN; a wrong password costs a delay, the right one logs in', async () => {
    const c = await h.connect();
    await c.response();
    const afterTls = await c.starttls();
    assert.equal(afterTls.status, 'OK "TLS negotiation successful"');
    const tlsCaps = caps(afterTls.lines);
    assert.equal(tlsCaps.get('SASL'), 'PLAIN');
    assert.ok(!tlsCaps.has('STARTTLS'), 'no second STARTTLS offered');
    assert.match((await c.command('STARTTLS')).status, /^NO "TLS is already active"$/);

    assert.equal((await c.command(`AUTHENTICATE "PLAIN" "${plain(ALICE, 'wrong')}"`)).status, 'NO (AUTH-TOO-WEAK) "Authentication failed"');
    assert.deepEqual(h.delays, [100]);
    assert.equal((await c.command('AUTHENTICATE "DIGEST-MD5"')).status, 'NO "Unsupported authentication mechanism"');

    // Without an initial response: an empty continuation, then the client's answer on its own line.
    c.send('AUTHENTICATE "PLAIN"');
    assert.equal(await c.line(), '""');
    c.send('"*"');
    assert.equal((await c.response()).status, 'NO "Authentication cancelled"');
    c.send('AUTHENTICATE "PLAIN"');
    assert.equal(await c.line(), '""');
    c.send(`"${plain(ALICE, PASSWORD)}"`);
    assert.equal((await c.response()).status, 'OK "Logged in"');

    const owned = await c.command('CAPABILITY');
    assert.match(owned.status, /^OK/);
    assert.equal(caps(owned.lines).get('OWNER'), ALICE);
    assert.match((await c.command(`AUTHENTICATE "PLAIN" "${plain(ALICE, PASSWORD)}"`)).status, /^NO "AUTHENTICATE is not allowed after authentication"$/);
    c.destroy();
  });

  it('PUTSCRIPT of a broken script names line and column and stores nothing; the script commands in turn', async () => {
    const c = await h.login();
    const broken = await c.command(`PUTSCRIPT "filters" ${literal(BROKEN)}`);
    assert.equal(broken.status, 'NO "line 2: column 4: test \\"header\\" needs 2 arguments (a string list, a string list)"');
    assert.deepEqual(await h.scripts.listScripts(h.aliceId), [], 'a broken script is never stored');
    const checked = await c.command(`CHECKSCRIPT ${literal(BROKEN)}`);
    assert.equal(checked.status, broken.status, 'CHECKSCRIPT gives the same answer');

    assert.equal((await c.command('HAVESPACE "filters" 100')).status, 'OK "Putscript would succeed"');
    assert.equal((await c.command(`HAVESPACE "filters" ${LIMITS.maxScriptSize + 1}`)).status, `NO (QUOTA/MAXSIZE) "Scripts may be at most ${LIMITS.maxScriptSize} bytes"`);
    assert.equal((await c.command('HAVESPACE "filters" "ten"')).status, 'NO "HAVESPACE takes a script name and a size"');

    assert.equal((await c.command(`PUTSCRIPT "filters" ${literal(GOOD)}`)).status, 'OK "Script stored"');
    assert.equal((await c.command(`PUTSCRIPT "other" ${literal(OTHER)}`)).status, 'OK "Script stored"');
    let list = await c.command('LISTSCRIPTS');
    assert.equal(list.status, 'OK "Listscripts completed"');
    assert.deepEqual(list.lines.sort(), ['"filters"', '"other"']);

    assert.equal((await c.command('SETACTIVE "filters"')).status, 'OK "Script activated"');
    list = await c.command('LISTSCRIPTS');
    assert.deepEqual(list.lines.sort(), ['"filters" ACTIVE', '"other"']);
    assert.equal((await c.command('SETACTIVE "missing"')).status, 'NO (NONEXISTENT) "There is no script named \\"missing\\""');

    const got = await c.command('GETSCRIPT "filters"');
    assert.equal(got.status, 'OK "Getscript completed"');
    assert.deepEqual(got.lines, [`{${Buffer.byteLength(GOOD)}}\r\n${GOOD}`]);
    assert.match((await c.command('GETSCRIPT "missing"')).status, /^NO \(NONEXISTENT\) /);

    assert.match((await c.command('DELETESCRIPT "filters"')).status, /^NO \(ACTIVE\) /);
    assert.equal(await h.scripts.getScript(h.aliceId, 'filters'), GOOD, 'the active script is still there');
    assert.equal((await c.command('DELETESCRIPT "other"')).status, 'OK "Script deleted"');
    assert.equal((await c.command('SETACTIVE ""')).status, 'OK "No script is active"');
    assert.equal((await c.command('DELETESCRIPT "filters"')).status, 'OK "Script deleted"');
    assert.deepEqual((await c.command('LISTSCRIPTS')).lines, []);

    assert.equal((await c.command('LOGOUT')).status, 'OK "Logout completed"');
    assert.ok(await c.waitClosed(), 'the server closes after LOGOUT');
  });

  it('the script limits: size over maxScriptSize, more than maxScripts', async () => {
    const c = await h.login();
    const big = `# ${'x'.repeat(LIMITS.maxScriptSize)}\r\nkeep;\r\n`;
    assert.equal((await c.command(`PUTSCRIPT "big" ${literal(big)}`)).status, `NO (QUOTA/MAXSIZE) "Script is larger than ${LIMITS.maxScriptSize} bytes"`);
    for (let i = 0; i < LIMITS.maxScripts; i++) assert.equal((await c.command(`PUTSCRIPT "s${i}" ${literal(OTHER)}`)).status, 'OK "Script stored"');
    assert.match((await c.command(`PUTSCRIPT "one-more" ${literal(OTHER)}`)).status, /^NO \(QUOTA\/MAXSCRIPTS\) /);
    assert.match((await c.command('HAVESPACE "one-more" 10')).status, /^NO \(QUOTA\/MAXSCRIPTS\) /);
    assert.equal((await c.command(`PUTSCRIPT "s0" ${literal(GOOD)}`)).status, 'OK "Script stored"', 'replacing one is not one more');
    assert.equal((await h.scripts.listScripts(h.aliceId)).length, LIMITS.maxScripts);
    c.destroy();
  });

  it('bad input: unknown verbs and malformed arguments get NO, a literal over the limit is skipped whole', async () => {
    const c = await h.login();
    assert.equal((await c.command('FROBNICATE')).status, 'NO "Unknown command FROBNICATE"');
    assert.match((await c.command('GETSCRIPT')).status, /^NO /, 'a missing argument');
    assert.equal((await c.command('PUTSCRIPT "x" {12x}')).status, 'NO "Malformed literal"');
    assert.equal((await c.command('PUTSCRIPT "x" {12')).status, 'NO "Malformed literal"', 'an unclosed brace at the line\'s end is answered, not waited on');
    assert.match((await c.command('NOOP')).status, /^OK/, 'the session goes on');

    // Far larger than any script may be (and than what the server buffers before it stops
    // reading): refused at its header, its bytes and the rest of its line read and thrown away.
    const huge = 'y'.repeat(256 * 1024);
    c.send(`PUTSCRIPT "huge" {${huge.length}+}\r\n${huge}`);
    assert.equal((await c.response()).status, `NO "Literal too large (at most ${LIMITS.maxScriptSize + 1024} bytes)"`);
    assert.equal((await c.command('NOOP "after"')).status, 'OK (TAG "after") "Done"', 'the next command parses: nothing of the refused one is left over');
    assert.deepEqual(await h.scripts.listScripts(h.aliceId), []);
    c.destroy();
  });

  it('a line longer than the limit ends the session with BYE', async () => {
    const c = await h.login();
    c.write('NOOP "' + 'z'.repeat(LIMITS.maxLineLength + 100));
    const bye = await c.response();
    assert.equal(bye.status, 'BYE "Line too long"');
    assert.ok(await c.waitClosed());
  });

  it('too many refused commands end the session with BYE', async () => {
    const c = await h.login();
    for (let i = 1; i < LIMITS.maxErrors; i++) assert.match((await c.command('BOGUS')).status, /^NO /);
    const last = await c.command('BOGUS');
    assert.match(last.status, /^NO /);
    assert.equal((await c.response()).status, 'BYE "Too many errors"');
    assert.ok(await c.waitClosed());
  });
});
