// A moderated list on one real instance (dnsmasq for the SPF and DMARC lookups): every post
// (here: ann's, through submission) is held in the list's Held folder and its owner is told;
// `list held` shows it; approved (through the CLI) it reaches every member and moves into the
// archive; rejected (through the daemon's control socket, as the panel does) nobody gets it,
// the archive keeps no copy and the poster is told why. A listed sender posts directly.

import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { dnsmasqAvailable, startDnsmasq, type DnsmasqFixture } from '../mail/queue/dnsmasq-fixture.js';
import { txtRecordArg } from '../mail/queue/dnsmasq-txt.js';
import { MailroomInstance, TEST_PASSWORD, uniqueToken, waitFor } from './harness.js';

const skip = dnsmasqAvailable() ? false : 'dnsmasq not installed';
const LIST = 'board@e2e.test';

interface HeldJson { id: number; list: string; sender: string; author: string; subject: string; receivedAt: string }

describe('moderated list: held posts approved or rejected', { skip }, () => {
  let dns: DnsmasqFixture;
  let inst: MailroomInstance;

  before(async () => {
    dns = await startDnsmasq([txtRecordArg('e2e.test', 'v=spf1 ip4:127.0.0.0/8 -all')]);
    inst = await MailroomInstance.start({
      users: ['ann@e2e.test', 'carl@e2e.test', 'olga@e2e.test', 'chair@e2e.test'], submission: true, limits: { greetingWait: 0 },
      editConfig: (cfg) => { cfg.dns = { servers: [dns.server] }; cfg.queue = { pollInterval: 1 }; },
    });
    await inst.cli(['list', 'add', LIST, '--policy', 'moderated', '--owner', 'olga@e2e.test', '--senders', 'chair@e2e.test']);
    for (const m of ['ann@e2e.test', 'carl@e2e.test', 'chair@e2e.test']) await inst.cli(['list', 'member', 'add', LIST, m]);
  });

  after(async () => {
    await inst?.cleanup();
    await dns?.stop();
  });

  function submit(user: string, subject: string) {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1', port: inst.submissionPort, secure: false, requireTLS: true, name: 'laptop.e2e.test',
      auth: { user, pass: TEST_PASSWORD }, tls: { rejectUnauthorized: false },
    });
    return transport.sendMail({ from: user, to: LIST, subject, text: `Sent by ${user}.` }).finally(() => transport.close());
  }

  async function held(): Promise<HeldJson[]> {
    return JSON.parse((await inst.cli(['list', 'held', LIST, '--json'])).stdout.toString('utf8')) as HeldJson[];
  }

  /** The daemon's control socket, as the agent (and so the panel) calls it. */
  function control(method: string, route: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request({
        socketPath: path.join(inst.dataDir, 'run', 'control.sock'), path: route, method,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  async function holdOne(subject: string): Promise<HeldJson> {
    const info = await submit('ann@e2e.test', subject);
    assert.deepEqual(info.accepted, [LIST]);
    return waitFor(async () => (await held()).find((h) => h.subject === subject) ?? null, 20_000, `the held post "${subject}"`);
  }

  it('a post is held and the owner told; approved, it reaches every member and the archive', async () => {
    const token = uniqueToken('approve');
    const post = await holdOne(`agenda ${token}`);
    assert.equal(post.author, 'ann@e2e.test');
    await waitFor(async () => (await inst.findBySubject('olga@e2e.test', `held for moderation (#${post.id})`)).length === 1, 20_000, 'the owner notice');
    assert.equal((await inst.findBySubject('carl@e2e.test', token)).length, 0, 'nobody has it while held');

    const res = await inst.cli(['list', 'moderate', LIST, String(post.id), 'approve']);
    assert.equal(res.stdout.toString('utf8'), `approved post ${post.id} on ${LIST}\n`);
    for (const who of ['ann@e2e.test', 'carl@e2e.test', 'chair@e2e.test']) {
      await waitFor(async () => (await inst.findBySubject(who, token)).length === 1, 40_000, `the approved post at ${who}; ${inst.tail(10)}`);
    }
    assert.deepEqual((await held()).filter((h) => h.id === post.id), []);
    // Approving twice is refused: it is no longer held.
    const again = await inst.cli(['list', 'moderate', LIST, String(post.id), 'approve'], { allowFail: true });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no held post/);
  });

  it('rejected through the control socket: nobody gets it and the poster is told why', async () => {
    const token = uniqueToken('reject');
    const post = await holdOne(`off-topic ${token}`);
    const bad = await control('POST', `/v1/lists/${encodeURIComponent(LIST)}/held/${post.id}`, { verdict: 'maybe' });
    assert.equal(bad.status, 400, JSON.stringify(bad.json));
    const res = await control('POST', `/v1/lists/${encodeURIComponent(LIST)}/held/${post.id}`, { verdict: 'reject', reason: 'off topic' });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal((res.json as { verdict: string }).verdict, 'reject');
    const notice = await waitFor(async () => { const m = await inst.findBySubject('ann@e2e.test', `Your post to ${LIST} was not accepted`); return m.length ? m : null; }, 20_000, 'the rejection notice');
    const text = (await inst.mailCat('ann@e2e.test', notice[0]!.uid)).toString('utf8');
    assert.match(text, /Reason: off topic/);
    assert.match(text, new RegExp(`off-topic ${token}`));
    assert.deepEqual((await held()).filter((h) => h.id === post.id), []);
    for (const who of ['carl@e2e.test', 'chair@e2e.test']) assert.equal((await inst.findBySubject(who, token)).length, 0, `${who} never gets it`);
  });

  it('a listed sender posts directly, without moderation', async () => {
    const token = uniqueToken('chair');
    const info = await submit('chair@e2e.test', `minutes ${token}`);
    assert.deepEqual(info.accepted, [LIST]);
    await waitFor(async () => (await inst.findBySubject('carl@e2e.test', token)).length === 1, 40_000, 'the chair\'s post at carl');
    assert.ok(!(await held()).some((h) => h.subject.includes(token)));
  });
});
