// Greylisting end to end: the real daemon with greylisting.enabled and a 2 s delay, a real
// client (swaks, and the raw client) over loopback. The first attempt of a triplet gets 451 4.7.1,
// a retry after the delay is delivered, and the passed triplet is still known after a restart.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { MailroomInstance, buildMessage, rawDeliver, run, uniqueToken, waitFor } from './harness.js';

const DOMAIN = 'e2e.test';
const ALICE = `alice@${DOMAIN}`;
const BOB = `bob@${DOMAIN}`;
const POSTMASTER = `postmaster@${DOMAIN}`;
const SENDER = 'sender@client.example';
const hasSwaks = spawnSync('swaks', ['--version'], { stdio: 'ignore' }).status === 0;

let mx: MailroomInstance;

describe('greylisting', { timeout: 120_000 }, () => {
  before(async () => {
    mx = await MailroomInstance.start({
      domains: [DOMAIN],
      users: [ALICE, BOB, POSTMASTER],
      editConfig: (cfg) => {
        cfg.greylisting = { enabled: true, delaySeconds: 2, passRecipients: [POSTMASTER] };
        // Nothing here needs DNS: keep the test off the machine's resolver.
        cfg.inbound = { verify: false };
      },
    });
  });
  after(async () => { await mx?.cleanup(); });

  test('swaks: first attempt 451 4.7.1 "greylisted", a retry after the delay is delivered', { skip: !hasSwaks && 'swaks not installed' }, async () => {
    const token = uniqueToken('grey');
    const swaks = () => run('swaks', ['--server', mx.host, '--port', String(mx.port), '--from', SENDER, '--to', ALICE,
      '--ehlo', 'mta.client.example', '--header', `Subject: ${token}`, '--body', `greylisted body ${token}`], { timeoutMs: 20_000 });
    const first = await swaks();
    const out = first.stdout.toString();
    assert.notEqual(first.code, 0, `the first attempt must fail\n${out}`);
    assert.match(out, /<\*\* 451 4\.7\.1 Greylisted, try again in [12] seconds/, out);
    assert.equal((await mx.findBySubject(ALICE, token)).length, 0);
    // Retry like an MTA would, until the delay has passed (never asserting how long it took).
    await waitFor(async () => (await swaks()).code === 0, 30_000, 'a retry to pass greylisting', 700);
    await waitFor(async () => (await mx.findBySubject(ALICE, token)).length === 1, 10_000, 'the message in the mailbox');
  });

  test('raw client: per-recipient triplets, pass-listed recipient never greylisted, remembered after a restart', async () => {
    const from = `other-${uniqueToken('s')}@client.example`;
    const message = (token: string) => buildMessage({ from, to: [BOB], subject: token, body: 'hello' });
    const t1 = uniqueToken('grey');
    const first = await rawDeliver(mx.port, { from, to: [BOB, POSTMASTER], message: message(t1) });
    assert.equal(first.rcpts[0]!.code, 451, JSON.stringify(first.rcpts));
    assert.equal(first.rcpts[0]!.enhanced, '4.7.1');
    assert.equal(first.rcpts[1]!.code, 250, 'postmaster is pass-listed');
    assert.equal(first.ok, true, 'delivered to the accepted recipient');
    await waitFor(async () => {
      const r = await rawDeliver(mx.port, { from, to: [BOB], message: message(uniqueToken('grey')) });
      return r.ok;
    }, 30_000, 'bob to pass greylisting', 700);

    await mx.restart();
    const t2 = uniqueToken('grey');
    const after = await rawDeliver(mx.port, { from, to: [BOB], message: message(t2) });
    assert.equal(after.ok, true, `a passed triplet is remembered across a restart: ${JSON.stringify(after.rcpts)}`);
    await waitFor(async () => (await mx.findBySubject(BOB, t2)).length === 1, 10_000, 'the message after the restart');
    // A new triplet after the restart is still greylisted.
    const fresh = await rawDeliver(mx.port, { from: `new-${from}`, to: [BOB], message: message(uniqueToken('grey')) });
    assert.equal(fresh.rcpts[0]!.code, 451);
  });
});
