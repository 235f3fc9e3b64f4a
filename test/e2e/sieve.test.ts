// Sieve end to end: scripts set through the real CLI, messages delivered over SMTP to the real
// daemon, results read back through the CLI (`mail ls --json --folder`, `queue ls --json`) and
// IMAP (flags). Foreign mail goes to a relay on a closed loopback port, so redirected copies and
// vacation responses stay deferred in the queue where the test can see them.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildMessage, getFreePort, MailroomInstance, rawDeliver, sleep, TEST_PASSWORD, uniqueToken } from './harness.js';

const USERS = ['bob@e2e.test', 'carol@e2e.test', 'alice@e2e.test', 'dave@e2e.test', 'erin@e2e.test', 'fred@e2e.test', 'gina@e2e.test'];

interface QueueJson { id: string; sender: string; recipients: { address: string }[] }

describe('sieve at delivery', { timeout: 240_000 }, () => {
  let inst: MailroomInstance;
  let scripts: string;

  before(async () => {
    const closedPort = await getFreePort();
    inst = await MailroomInstance.start({
      users: USERS,
      imap: true,
      editConfig: (cfg) => {
        cfg.auth = { allowInsecure: true };
        cfg.outbound = { relay: { host: '127.0.0.1', port: closedPort, tls: 'none' } };
      },
    });
    scripts = mkdtempSync(path.join(os.tmpdir(), 'mailroom-sieve-'));
  });
  after(async () => {
    await inst?.cleanup();
    if (scripts) rmSync(scripts, { recursive: true, force: true });
  });

  async function setScript(address: string, source: string, name = 'rules'): Promise<void> {
    const file = path.join(scripts, `${name}.sieve`);
    writeFileSync(file, source);
    await inst.cli(['sieve', 'set', address, file]);
  }

  async function send(to: string | string[], subject: string, opts: { from?: string; extraHeaders?: string[] } = {}) {
    const rcpts = Array.isArray(to) ? to : [to];
    const from = opts.from ?? 'sender@remote.test';
    return rawDeliver(inst.port, { from, to: rcpts, message: buildMessage({ from, to: rcpts, subject, body: 'hello\n', extraHeaders: opts.extraHeaders }), timeoutMs: 30_000 });
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${inst.tail(30)}`);
      await sleep(200);
    }
  }

  async function queued(): Promise<QueueJson[]> {
    const res = await inst.cli(['queue', 'ls', '--json']);
    return JSON.parse(res.stdout.toString('utf8')) as QueueJson[];
  }

  it('files into the folders the script names, with flags; discard and missing folders', async () => {
    await setScript('bob@e2e.test', [
      'require ["fileinto", "imap4flags", "mailbox", "envelope"];',
      'if header :contains "subject" "[lists]" { fileinto :flags ["\\\\Seen", "$List"] "Archive"; stop; }',
      'if address :domain :is "from" "spam.test" { discard; stop; }',
      'if header :contains "subject" "create-me" { fileinto :create "Projects/New"; stop; }',
      'if header :contains "subject" "no-folder" { fileinto "NoSuchFolder"; stop; }',
      'if envelope :localpart :is "from" "boss" { addflag "\\\\Flagged"; }',
      'addflag "$Checked";',
      '',
    ].join('\n'));
    const t = uniqueToken('sv');
    const results = await Promise.all([
      send('bob@e2e.test', `[lists] ${t} one`),
      send('bob@e2e.test', `${t} spam`, { from: 'x@spam.test' }),
      send('bob@e2e.test', `create-me ${t}`),
      send('bob@e2e.test', `no-folder ${t}`),
      send('bob@e2e.test', `${t} plain`, { from: 'boss@remote.test' }),
    ]);
    for (const r of results) assert.equal(r.final?.code, 250, JSON.stringify(r));

    assert.equal((await inst.findBySubject('bob@e2e.test', `[lists] ${t}`, 'Archive')).length, 1);
    assert.equal((await inst.findBySubject('bob@e2e.test', `create-me ${t}`, 'Projects/New')).length, 1);
    const inbox = await inst.findBySubject('bob@e2e.test', t, 'INBOX');
    assert.deepEqual(inbox.map((m) => m.subject).sort(), [`${t} plain`, `no-folder ${t}`].sort(), 'discarded and filed messages are not in INBOX');
    for (const folder of ['Archive', 'Junk', 'Projects/New']) {
      assert.equal((await inst.findBySubject('bob@e2e.test', `${t} spam`, folder)).length, 0);
    }
    assert.ok(inst.jsonLogs().some((l) => l.outcome === 'sieve-fileinto-inbox' && l.folder === 'NoSuchFolder'), 'the fallback to INBOX is logged');

    // Flags, as an IMAP client sees them.
    const imap = await ImapProbe.login(inst.imapPort, 'bob@e2e.test');
    try {
      assert.deepEqual(await imap.flagsOf('Archive', `[lists] ${t}`), ['$List', '\\Seen']);
      assert.deepEqual(await imap.flagsOf('INBOX', `${t} plain`), ['$Checked', '\\Flagged']);
      // Filed (into INBOX, the fallback) before addflag ran: no flags.
      assert.deepEqual(await imap.flagsOf('INBOX', `no-folder ${t}`), []);
    } finally {
      imap.close();
    }
  });

  it('sieve set refuses a broken script with line and column, and keeps the old one', async () => {
    await setScript('fred@e2e.test', 'keep;\n');
    const file = path.join(scripts, 'broken.sieve');
    writeFileSync(file, 'require "fileinto";\nif header :contains "subject" "x" {\n  fileinto "A"\n}\n');
    const res = await inst.cli(['sieve', 'set', 'fred@e2e.test', file], { allowFail: true });
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /broken\.sieve: line 4: column 1: expected ";" or "\{" after command "fileinto"/);
    assert.equal((await inst.cli(['sieve', 'get', 'fred@e2e.test'])).stdout.toString('utf8'), 'keep;\n');
    const ls = JSON.parse((await inst.cli(['sieve', 'ls', 'fred@e2e.test', '--json'])).stdout.toString('utf8')) as { name: string; active: boolean }[];
    assert.deepEqual(ls.map((s) => [s.name, s.active]), [['rules', true]]);
  });

  it('a script that fails at run time keeps the message in INBOX', async () => {
    // reject beside fileinto is a runtime conflict (RFC 5429); nothing may be lost.
    await setScript('fred@e2e.test', 'require ["fileinto", "reject"];\nfileinto "Archive";\nreject "go away";\n');
    const t = uniqueToken('rt');
    const r = await send('fred@e2e.test', `${t} runtime`);
    assert.equal(r.final?.code, 250);
    assert.equal((await inst.findBySubject('fred@e2e.test', t, 'INBOX')).length, 1);
    assert.equal((await inst.findBySubject('fred@e2e.test', t, 'Archive')).length, 0);
    const failure = inst.jsonLogs().find((l) => l.outcome === 'sieve-error' && l.user === 'fred@e2e.test');
    assert.ok(failure, 'the failure is logged');
    assert.ok(typeof failure.cid === 'string' && failure.cid !== '', 'with the connection id');
  });

  it('vacation answers once per :days, never lists or the null sender', async () => {
    await setScript('carol@e2e.test', 'require "vacation";\nvacation :days 3 :subject "Away until Monday" "I am away.";\n');
    const t = uniqueToken('va');
    // A local sender: the response lands in alice's INBOX.
    assert.equal((await send('carol@e2e.test', `${t} first`, { from: 'alice@e2e.test' })).final?.code, 250);
    assert.equal((await send('carol@e2e.test', `${t} second`, { from: 'alice@e2e.test' })).final?.code, 250);
    // A list message and a bounce get none.
    assert.equal((await send('carol@e2e.test', `${t} list`, { from: 'list-bot@remote.test', extraHeaders: ['List-Id: <x.remote.test>'] })).final?.code, 250);
    assert.equal((await send('carol@e2e.test', `${t} bounce`, { from: '' })).final?.code, 250);
    // A foreign sender: the response waits in the queue, from the null sender.
    assert.equal((await send('carol@e2e.test', `${t} foreign`, { from: 'pen-pal@remote.test' })).final?.code, 250);

    assert.equal((await inst.findBySubject('carol@e2e.test', t, 'INBOX')).length, 5, 'vacation keeps every message');
    const replies = await waitFor('the vacation response', async () => {
      const found = await inst.findBySubject('alice@e2e.test', 'Away until Monday');
      return found.length > 0 ? found : null;
    });
    await sleep(500);
    assert.equal((await inst.findBySubject('alice@e2e.test', 'Away until Monday')).length, 1, 'one response per sender within :days');
    assert.equal(replies.length, 1);
    const raw = (await inst.mailCat('alice@e2e.test', replies[0]!.uid)).toString('utf8');
    assert.match(raw, /^Return-Path: <>\r\n/);
    assert.match(raw, /\r\nAuto-Submitted: auto-replied/);

    const q = await waitFor('the queued response', async () => (await queued()).filter((m) => m.recipients.some((r) => r.address === 'pen-pal@remote.test')));
    assert.equal(q.length, 1);
    assert.equal(q[0]!.sender, '');
    assert.equal((await queued()).filter((m) => m.recipients.some((r) => r.address === 'list-bot@remote.test')).length, 0);
    const skipped = inst.jsonLogs().filter((l) => l.outcome === 'vacation-skipped' && l.user === 'carol@e2e.test').map((l) => l.why ?? 'already');
    assert.deepEqual(skipped.sort(), ['already', 'mailing list', 'null sender'].sort());
  });

  it('redirect: a local target gets the message, a foreign one is queued with an SRS sender for the original', async () => {
    await setScript('dave@e2e.test', 'redirect "erin@e2e.test";\nredirect "far@remote.test";\n');
    const t = uniqueToken('rd');
    assert.equal((await send('dave@e2e.test', `${t} redirected`, { from: 'origin@remote.test' })).final?.code, 250);
    assert.equal((await inst.findBySubject('dave@e2e.test', t, 'INBOX')).length, 0, 'redirect cancels the implicit keep');
    assert.equal((await inst.findBySubject('erin@e2e.test', t, 'INBOX')).length, 1);
    const q = (await queued()).filter((m) => m.recipients.some((r) => r.address === 'far@remote.test'));
    assert.equal(q.length, 1);
    // SRS0=HHHH=TT=remote.test=origin@<srs domain>: SPF at the far end checks us, bounces come back.
    assert.match(q[0]!.sender, /^SRS0=[^=]+=[^=]+=remote\.test=origin@/i, q[0]!.sender);
  });

  it('redirect loops are cut: a message that already passed through the user is kept', async () => {
    await setScript('gina@e2e.test', 'redirect "far-away@remote.test";\n');
    const t = uniqueToken('lp');
    const r = await send('gina@e2e.test', `${t} loop`, { extraHeaders: ['X-Sieve-Redirected-By: gina@e2e.test'] });
    assert.equal(r.final?.code, 250);
    assert.equal((await inst.findBySubject('gina@e2e.test', t, 'INBOX')).length, 1);
    assert.equal((await queued()).filter((m) => m.recipients.some((x) => x.address === 'far-away@remote.test')).length, 0);
  });

  it('reject: 550 5.7.1 for a single recipient; with several, the others get it and the sender a notice', async () => {
    await setScript('fred@e2e.test', 'require "reject";\nif header :contains "subject" "unwanted" { reject "I do not want this."; }\n');
    const t = uniqueToken('rj');
    const single = await send('fred@e2e.test', `${t} unwanted`);
    assert.equal(single.final?.code, 550);
    assert.equal(single.final?.enhanced, '5.7.1');
    assert.equal((await inst.findBySubject('fred@e2e.test', t)).length, 0);

    const both = await send(['fred@e2e.test', 'bob@e2e.test'], `${t} unwanted both`, { from: 'alice@e2e.test' });
    assert.equal(both.final?.code, 250);
    assert.equal((await inst.findBySubject('fred@e2e.test', t)).length, 0);
    assert.equal((await inst.findBySubject('bob@e2e.test', t)).length, 1);
    await waitFor('the rejection notice', async () => (await inst.findBySubject('alice@e2e.test', `Rejected: ${t} unwanted both`)).length === 1);
  });
});

/** Just enough IMAP (plain LOGIN, allowed by auth.allowInsecure) to read one message's flags. */
class ImapProbe {
  private buffer = '';
  private tag = 0;
  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => { this.buffer += d; });
  }

  static async login(port: number, user: string): Promise<ImapProbe> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
    const probe = new ImapProbe(socket);
    await probe.until(/^\* OK.*\r\n/m);
    await probe.command(`LOGIN "${user}" "${TEST_PASSWORD}"`);
    return probe;
  }

  private async until(re: RegExp, ms = 15_000): Promise<string> {
    const deadline = Date.now() + ms;
    while (!re.test(this.buffer)) {
      if (Date.now() > deadline) throw new Error(`IMAP: timed out waiting for ${re}; got ${this.buffer.slice(-500)}`);
      await sleep(20);
    }
    return this.buffer;
  }

  async command(line: string): Promise<string> {
    const tag = `p${++this.tag}`;
    this.buffer = '';
    this.socket.write(`${tag} ${line}\r\n`);
    const text = await this.until(new RegExp(`^${tag} (OK|NO|BAD).*\\r\\n`, 'm'));
    if (!new RegExp(`^${tag} OK`, 'm').test(text)) throw new Error(`IMAP ${line}: ${text}`);
    return text;
  }

  async flagsOf(folder: string, subject: string): Promise<string[]> {
    await this.command(`SELECT "${folder}"`);
    const search = await this.command(`UID SEARCH SUBJECT "${subject}"`);
    const uids = /^\* SEARCH ?([\d ]*)\r$/m.exec(search)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
    assert.equal(uids.length, 1, `one message "${subject}" in ${folder}: ${search}`);
    const fetched = await this.command(`UID FETCH ${uids[0]} (FLAGS)`);
    const flags = /FLAGS \(([^)]*)\)/.exec(fetched)?.[1] ?? '';
    return flags.split(' ').filter(Boolean).sort();
  }

  close(): void {
    this.socket.destroy();
  }
}
