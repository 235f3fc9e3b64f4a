// Mailing lists between two Mailroom instances on their own loopback addresses, found through a
// real DNS server (dnsmasq): A (alpha.test) hosts the list team@alpha.test with members on A
// (ann, carl) and on B (bob@beta.test, sue@strict.test, whose domain publishes DMARC p=reject).
// A post reaches every member once with the list fields and an RFC 8058 one-click link; a
// non-member is refused at RCPT; sue's post arrives with From rewritten to the list; a one-click
// POST to A's real agent removes bob, who gets no later post; bounces to VERP addresses count
// (a forged one is refused), and a member B refuses is counted through A's own DSN.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { dnsmasqAvailable, startDnsmasq, type DnsmasqFixture } from '../mail/queue/dnsmasq-fixture.js';
import { txtRecordArg } from '../mail/queue/dnsmasq-txt.js';
import { editConfigFile } from './config-file.js';
import {
  MAILROOM_BIN, MailroomInstance, REPO_ROOT, buildMessage, getFreePort, headerFields, rawDeliver, splitMessage, uniqueToken, waitFor, withTimeout,
} from './harness.js';

const skip = dnsmasqAvailable() ? false : 'dnsmasq not installed';
const A_HOST = '127.0.0.51';
const B_HOST = '127.0.0.52';
const LIST = 'team@alpha.test';

interface MemberJson { address: string; status: string; bounces: number }

function post(url: URL, port: number, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port, method: 'POST', path: url.pathname, rejectUnauthorized: false,
      headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('mailing lists between two instances', { skip }, () => {
  let dns: DnsmasqFixture;
  let a: MailroomInstance;
  let b: MailroomInstance;
  let agent: ChildProcess | null = null;
  let adminPort = 0;

  before(async () => {
    dns = await startDnsmasq([
      '--mx-host=alpha.test,mx.alpha.test,10', `--host-record=mx.alpha.test,${A_HOST}`,
      '--mx-host=beta.test,mx.beta.test,10', '--mx-host=strict.test,mx.beta.test,10', `--host-record=mx.beta.test,${B_HOST}`,
      txtRecordArg('alpha.test', 'v=spf1 ip4:127.0.0.0/8 -all'),
      txtRecordArg('beta.test', 'v=spf1 ip4:127.0.0.0/8 -all'),
      txtRecordArg('strict.test', 'v=spf1 ip4:127.0.0.0/8 -all'),
      txtRecordArg('_dmarc.strict.test', 'v=DMARC1; p=reject'),
    ]);
    adminPort = await getFreePort();
    const httpPort = await getFreePort();
    const common = (cfg: Record<string, unknown>) => { cfg.dns = { servers: [dns.server] }; cfg.queue = { pollInterval: 1 }; };
    a = await MailroomInstance.start({
      host: A_HOST, hostname: 'mx.alpha.test', domains: ['alpha.test'], users: ['ann@alpha.test', 'carl@alpha.test'],
      limits: { greetingWait: 0 },
      editConfig: (cfg) => {
        common(cfg);
        cfg.outbound = { port: 9 };
        (cfg.listen as Record<string, unknown>).admin = `127.0.0.1:${adminPort}`;
        (cfg.listen as Record<string, unknown>).http = `127.0.0.1:${httpPort}`;
        cfg.lists = { bounceLimit: 2 };
      },
    });
    b = await MailroomInstance.start({
      host: B_HOST, hostname: 'mx.beta.test', domains: ['beta.test', 'strict.test'], users: ['bob@beta.test', 'sue@strict.test'],
      limits: { greetingWait: 0 }, editConfig: (cfg) => { common(cfg); cfg.outbound = { port: a.port }; },
    });
    editConfigFile(a, (cfg) => { cfg.outbound = { port: b.port }; });
    await a.restart();

    await a.cli(['list', 'add', LIST, '--name', 'Team', '--prefix', '[team]', '--owner', 'ann@alpha.test']);
    for (const m of ['ann@alpha.test', 'carl@alpha.test', 'bob@beta.test', 'sue@strict.test']) await a.cli(['list', 'member', 'add', LIST, m]);

    agent = spawn(process.execPath, [MAILROOM_BIN, '--data', a.dataDir, 'agent'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'ignore'] });
  });

  after(async () => {
    if (agent && agent.exitCode === null) {
      const exited = new Promise((r) => agent!.once('exit', r));
      agent.kill('SIGTERM');
      await withTimeout(exited, 10_000, 'the agent to exit').catch(() => agent!.kill('SIGKILL'));
    }
    await a?.cleanup();
    await b?.cleanup();
    await dns?.stop();
  });

  async function members(): Promise<MemberJson[]> {
    return JSON.parse((await a.cli(['list', 'member', 'ls', LIST, '--json'])).stdout.toString('utf8')) as MemberJson[];
  }

  async function queueEmpty(inst: MailroomInstance): Promise<boolean> {
    return (JSON.parse((await inst.cli(['queue', 'ls', '--json'])).stdout.toString('utf8')) as unknown[]).length === 0;
  }

  function postFrom(author: string, subject: string) {
    return rawDeliver(a.port, { host: A_HOST, from: author, to: [LIST], message: buildMessage({ from: author, to: LIST, subject, body: 'Hello list.\r\n' }) });
  }

  let bobCopy: [string, string][] = [];

  it('a member\'s post reaches every member once (on A and on B) with the list fields', async () => {
    const token = uniqueToken('post');
    const sent = await postFrom('ann@alpha.test', `hello ${token}`);
    assert.ok(sent.ok, JSON.stringify(sent));
    for (const [inst, who] of [[a, 'ann@alpha.test'], [a, 'carl@alpha.test'], [b, 'bob@beta.test'], [b, 'sue@strict.test']] as const) {
      await waitFor(async () => (await inst.findBySubject(who, token)).length >= 1, 40_000, `the post for ${who}; A: ${a.tail(10)}`);
    }
    await waitFor(() => queueEmpty(a), 20_000, 'an empty queue at A');
    for (const [inst, who] of [[a, 'ann@alpha.test'], [a, 'carl@alpha.test'], [b, 'bob@beta.test'], [b, 'sue@strict.test']] as const) {
      assert.equal((await inst.findBySubject(who, token)).length, 1, `${who} has the post once`);
    }
    const [m] = await b.findBySubject('bob@beta.test', token);
    bobCopy = headerFields(splitMessage(await b.mailCat('bob@beta.test', m!.uid)).header);
    const get = (name: string) => bobCopy.filter(([n]) => n === name).map(([, v]) => v);
    assert.match(get('list-id')[0] ?? '', /<team\.alpha\.test>/);
    assert.deepEqual(get('list-post'), ['<mailto:team@alpha.test>']);
    assert.match(get('list-unsubscribe')[0] ?? '', new RegExp(`<https://mx\\.alpha\\.test:${adminPort}/api/v1/lists/unsubscribe/[^>]+>, *<mailto:team-unsubscribe@alpha\\.test>`));
    assert.deepEqual(get('list-unsubscribe-post'), ['List-Unsubscribe=One-Click']);
    assert.deepEqual(get('precedence'), ['list']);
    assert.equal(get('subject')[0], `[team] hello ${token}`);
    assert.match(get('return-path')[0] ?? '', /^<team-bounces\+[0-9a-f]{10}\.bob=beta\.test@alpha\.test>$/);
    assert.match(get('dkim-signature').join(' '), /d=alpha\.test/);
    const results = get('authentication-results').find((v) => v.startsWith('mx.beta.test')) ?? '';
    assert.match(results, /spf=pass/);
    // A reply keeps one prefix.
    const reply = uniqueToken('reply');
    assert.ok((await postFrom('carl@alpha.test', `Re: [team] hello ${reply}`)).ok);
    await waitFor(async () => (await b.findBySubject('bob@beta.test', reply)).length === 1, 40_000, 'the reply at bob');
    const [r] = await b.findBySubject('bob@beta.test', reply);
    assert.equal(r!.subject, `Re: [team] hello ${reply}`);
  });

  it('a non-member\'s post is refused at RCPT with 550 5.7.1', async () => {
    const res = await postFrom('stranger@beta.test', 'let me in');
    assert.equal(res.rcpts[0]!.code, 550, JSON.stringify(res));
    assert.equal(res.rcpts[0]!.enhanced, '5.7.1');
    assert.match(res.rcpts[0]!.text, /only members may post to team@alpha\.test/);
    // A member's envelope with a stranger's From is refused at the end of DATA.
    const forged = await rawDeliver(a.port, { host: A_HOST, from: 'carl@alpha.test', to: [LIST], message: buildMessage({ from: 'stranger@beta.test', to: LIST, subject: 'forged', body: 'x\r\n' }) });
    assert.equal(forged.final?.code, 550, JSON.stringify(forged));
    assert.match(forged.final!.text, /only members may post/);
  });

  it('an author whose domain publishes DMARC p=reject is rewritten to the list, with Reply-To the author', async () => {
    const token = uniqueToken('dmarc');
    const sent = await postFrom('sue@strict.test', `strict ${token}`);
    assert.ok(sent.ok, JSON.stringify(sent));
    const [m] = await waitFor(async () => { const x = await b.findBySubject('bob@beta.test', token); return x.length ? x : null; }, 40_000, `sue's post at bob; A: ${a.tail(10)}`);
    const fields = headerFields(splitMessage(await b.mailCat('bob@beta.test', m!.uid)).header);
    const from = fields.find(([n]) => n === 'from')?.[1] ?? '';
    assert.match(from, /via Team/);
    assert.match(from, /<team@alpha\.test>/);
    assert.match(fields.find(([n]) => n === 'reply-to')?.[1] ?? '', /sue@strict\.test/);
    // Ann's domain publishes nothing: her From stays.
    assert.match(bobCopy.find(([n]) => n === 'from')?.[1] ?? '', /ann@alpha\.test/);
  });

  it('a one-click unsubscribe POST to the real agent removes the member; later posts no longer reach them', async () => {
    const header = bobCopy.find(([n]) => n === 'list-unsubscribe')?.[1] ?? '';
    const url = new URL(/<(https:[^>]+)>/.exec(header)![1]!);
    await waitFor(async () => {
      const res = await post(url, adminPort, 'List-Unsubscribe=One-Click').catch(() => null);
      return res && res.status === 200 ? res : null;
    }, 40_000, 'the agent to take the one-click POST');
    assert.ok(!(await members()).some((m) => m.address === 'bob@beta.test'), 'bob is no member any more');
    // A forged token is refused.
    const forged = await post(new URL(url.href.replace(/\.[0-9a-f]{32}$/, '.' + '0'.repeat(32))), adminPort, 'List-Unsubscribe=One-Click');
    assert.equal(forged.status, 400, forged.text);
    const token = uniqueToken('after');
    assert.ok((await postFrom('ann@alpha.test', `after ${token}`)).ok);
    await waitFor(async () => (await b.findBySubject('sue@strict.test', token)).length === 1, 40_000, 'the later post at sue');
    await waitFor(() => queueEmpty(a), 20_000, 'an empty queue at A');
    assert.equal((await b.findBySubject('bob@beta.test', token)).length, 0, 'bob no longer gets posts');
  });

  it('bounces at the VERP address count (a forged one is refused); B refusing a member counts through A\'s DSN', async () => {
    const verp = (await (async () => {
      const [m] = await b.findBySubject('sue@strict.test', 'strict');
      const fields = headerFields(splitMessage(await b.mailCat('sue@strict.test', m!.uid)).header);
      return /<([^>]+)>/.exec(fields.find(([n]) => n === 'return-path')?.[1] ?? '')![1]!;
    })());
    assert.match(verp, /^team-bounces\+[0-9a-f]{10}\.sue=strict\.test@alpha\.test$/);
    const dsn = await rawDeliver(a.port, { host: A_HOST, from: '', to: [verp], message: buildMessage({ from: 'MAILER-DAEMON@mx.beta.test', to: verp, subject: 'Undelivered Mail Returned to Sender', body: 'It bounced.\r\n' }) });
    assert.ok(dsn.ok, JSON.stringify(dsn));
    assert.equal((await members()).find((m) => m.address === 'sue@strict.test')?.bounces, 1);
    const forged = await rawDeliver(a.port, { host: A_HOST, from: '', to: [verp.replace(/\+[0-9a-f]{10}\./, '+0000000000.')], message: 'Subject: x\r\n\r\nx\r\n' });
    assert.equal(forged.rcpts[0]!.code, 550);
    assert.match(forged.rcpts[0]!.text, /unknown bounce address/);

    // nobody@beta.test does not exist at B: A's queue gets 550 and its DSN goes to the VERP address.
    await a.cli(['list', 'member', 'add', LIST, 'nobody@beta.test']);
    for (let i = 1; i <= 2; i++) {
      assert.ok((await postFrom('ann@alpha.test', `bounce ${uniqueToken(String(i))}`)).ok);
      await waitFor(async () => ((await members()).find((m) => m.address === 'nobody@beta.test')?.bounces ?? 0) >= i, 40_000, `bounce ${i} counted; A: ${a.tail(10)}`);
    }
    // bounceLimit 2: disabled, and the owner (ann) is told.
    assert.equal((await members()).find((m) => m.address === 'nobody@beta.test')?.status, 'disabled');
    await waitFor(async () => (await a.findBySubject('ann@alpha.test', 'nobody@beta.test disabled')).length === 1, 20_000, 'the owner notice');
  });
});
